"""The chat page, its API and the health check."""

from __future__ import annotations


def test_chat_page_renders_with_the_language_list(client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Tomoni" in html and "Tiếng Việt" in html and "textContent" in html


def test_chat_api_answers_like_ask_json(client) -> None:
    res = client.post("/chat/api/message", json={"user": "w1", "text": "qual dia é o lixo de plástico?"})
    assert res.status_code == 200
    body = res.get_json()
    assert body["intent"] == "garbage.schedule" and body["reply_language"] == "pt"
    tap = client.post("/chat/api/message", json={"user": "w1", "payload": "lang:ja"}).get_json()
    assert tap["reply_language"] == "ja"


def test_chat_api_rejects_bad_json_clearly(client) -> None:
    assert client.post("/chat/api/message", data="{not json", content_type="application/json").status_code == 400
    assert client.post("/chat/api/message", json={"text": "no user"}).status_code == 400
    assert client.post("/chat/api/message", json=["a"]).status_code == 400


def test_chat_page_is_off_outside_development(app, client) -> None:
    import dataclasses

    app.config["TOMONI"] = dataclasses.replace(app.config["TOMONI"], development=False)
    assert client.get("/").status_code == 404


def test_healthz(client) -> None:
    res = client.get("/healthz")
    assert res.status_code == 200
    body = res.get_json()
    assert body["database"] is True and body["channels"] == {"line": False, "messenger": False}
    assert "vi" in body["translation"]["curated"]


def test_desk_replies_reach_the_chat_page(app, client, bot) -> None:
    from bot.answering import handoff

    first = client.post("/chat/api/message", json={"user": "w9", "text": "I want to talk to a real person",
                                                    "desk": True}).get_json()
    assert first["handoff"] and first["ticket"]
    assert client.get("/chat/api/updates?user=w9&after=0").get_json()["messages"] == []
    from sqlalchemy import select

    from bot.desk import add_user
    from bot.storage.models import StaffUser, Ticket

    add_user(bot.store, "sato", "a long password")
    with bot.store.session() as s:
        ticket_id = s.scalars(select(Ticket.id)).one()
        staff_id = s.scalars(select(StaffUser.id)).one()
    handoff.reply(bot.store, ticket_id, "Hello, this is the desk.", "en", staff_id)
    got = client.get("/chat/api/updates?user=w9&after=0").get_json()["messages"]
    assert [m["text"] for m in got] == ["Hello, this is the desk."]
    assert client.get(f"/chat/api/updates?user=w9&after={got[0]['id']}").get_json()["messages"] == []
    assert client.get("/chat/api/updates?user=w9&after=x").status_code == 400
