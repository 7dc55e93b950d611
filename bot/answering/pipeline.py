"""The bot's one path for every message, on every channel: `Bot.receive(inbound)`, then `Bot.process(id) -> Reply`.

stored first (a webhook returns right after) -> seen before? -> claimed by one worker -> special events (follow,
stickers, button taps) -> find words -> language -> intent + item -> language switch / handoff / answer ->
rendered in the resident's language -> recorded (with its delivery in the outbox) in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import DataError as ValueRefused
from sqlalchemy.exc import DBAPIError, StatementError

from .. import redact
from ..messages import Channel, Choice, Inbound, Reply, event_ref
from ..observability import Latency
from ..storage.models import Message, User, utcnow
from ..storage.store import Delivery, Incoming, Store
from ..understanding import language as lang_mod
from ..understanding.lexicon import Lexicon
from ..understanding.matching import FOLLOW_UP_WORDS, UNSCHEDULED, Matcher, Option, Understanding, material_answer
from ..understanding.reading import Reading, read
from ..understanding.text import MAX_CHARS, clean, fold, word_count
from . import hours as hours_mod
from . import overrides
from .actions import Commands
from .beyond import Beyond
from .calendar import Calendar
from .catalog import Catalog
from .handoff import open_ticket_id, staff_active
from .knowledge import WEEKDAYS, DataError, Knowledge
from .knowledge import load as knowledge_load
from .mt import MachineTranslator
from .privacy import event_digest, is_deleted
from .rendering import Renderer
from .whole import MOVING_BULK, WholeQuestion

log = logging.getLogger(__name__)
HANDOFF_INTENTS = ("human", "unknown")
NEEDS_ITEM = ("garbage.sorting", "garbage.material")  # answers that are rendered for one item only
CAPS = frozenset({"pet-bottle-cap", "plastic-cap", "metal-cap"})  # the lid or cap of a container (_of_last_item)
# Danger from a person, not an illness or a fall: a child's medical line is no answer to it.
HARM_NOW = frozenset({"hurt_me", "hits", "threat", "weapon", "break_in", "sexual", "stalking", "self_harm", "abuse"})
# Answered at once even while a staff member is talking with the resident, and never de-duplicated away.
ALWAYS_ANSWER = ("emergency", "crisis", "privacy.delete")
NO_ENTRY = ("greeting", "ack", "thanks", "human", "unknown", "language.change", "clarify", "clarify.item", "language.menu",
            "empty", "clarify.material")
MEDIA = ("sticker", "image", "video", "audio", "file", "location", "other")
# Answers about the calendar itself (in which languages it comes), not about collection days: answered as written.
SCHEDULE_ANSWERS = ("garbage.schedule.languages",)
# A clock time named in a message ("at 3", "15時", "3 giờ", "jam 3"): with a weekday named, the resident asks about
# that time, not about now.
CLOCK_NAMED = re.compile(r"\d{1,2}\s*(?::\d{2}|時|点|h\b|am\b|pm\b|giờ|बजे)"
                         r"|\b(?:at|jam|alas|às|as|a las|son las|eran las)\s+\d{1,2}\b", re.IGNORECASE)
SLOW = 1.0  # seconds an event may wait in the queue before the channel shows a typing indicator
RELOAD_EVERY = 5.0  # seconds between checks for edited knowledge files
STICKY = 0.7  # detection confidence that changes a resident's sticky language
CHOSEN_KEPT = 0.75  # below this a Latin-script message is answered in the language the resident chose
GUESS = 0.3  # below this a new resident's one-word message is answered in the fallback language (English)
# Test traffic (`flask ask`/`chat`, the local chat page): it never opens desk tickets unless asked for
# (TOMONI_TEST_TICKETS=1, `--desk`, the chat page's desk box: meta {"desk": true}).
TEST_CHANNELS = frozenset({"cli", "web"})



@dataclass
class Bot(Commands, WholeQuestion):
    """Everything the pipeline needs, built in one call by bot.answering.assembly.build_bot."""

    store: Store
    kb: Knowledge
    catalog: Catalog
    lexicon: Lexicon
    matcher: Matcher
    renderer: Renderer
    timezone: str = "Asia/Tokyo"
    # The messaging platforms that are on, by name (LINE, Messenger), for their capabilities: profile language,
    # typing indicator, per-language menus. Replies to every channel but the test ones (cli, web) go to the outbox.
    channels: Mapping[str, Channel] = field(default_factory=dict)
    # Offline machine translation (bot.mt), to tell residents when staff will read their words untranslated.
    translator: MachineTranslator | None = None
    # Languages beyond the nine: machine-translated answers, reading through English, notices (bot.answering.beyond).
    beyond: Beyond | None = None
    calendar: Calendar | None = None  # collection days by area (knowledge/garbage/calendar.yaml)
    knowledge_dir: Path | None = None  # set to reload knowledge/ when its files change
    retention_days: int = 365  # said in the privacy notice; `flask retention` applies it
    desk_active_hours: float = 2.0  # silent only while a staff member replied within this many hours
    test_tickets: bool = False  # test channels open desk tickets too (TOMONI_TEST_TICKETS)
    max_tries: int = 5  # an event whose processing failed this many times is given up (TOMONI_MAX_EVENT_TRIES)
    latency: Latency = field(default_factory=Latency)  # answer time in this process, for /metrics
    _stamp: tuple[object, ...] = ()
    _checked: float = 0.0
    _learned: dict[int, tuple[str, str]] = field(default_factory=dict)  # approved suggestions the matcher knows

    def now(self) -> dt.datetime:
        """Now in the city's time zone."""
        return dt.datetime.now(ZoneInfo(self.timezone))

    def handle(self, inbound: Inbound, now: dt.datetime | None = None) -> Reply | None:
        """Receive and process one event at once (the CLI, the chat page, tests).

        None: nothing to say (unfollow). A redelivered event returns a `duplicate` reply."""
        message_id = self.receive(inbound)
        if message_id is None:
            return Reply("", None, "en", "duplicate", duplicate=True)
        return self.process(message_id, now)

    def receive(self, inbound: Inbound) -> int | None:
        """Store an event before anything else is done with it; None when this event was stored before.
        Text that cannot be stored as it is (a lone surrogate, a NUL byte) is kept with those characters replaced."""
        item = incoming(inbound)
        try:
            with redact.sensitive(*sensitive_parts(inbound), item.text):  # as given, and as stored
                msg = self.store.receive(item.channel, item.external_id, item.event_id, item.kind, item.text,
                                         item.raw, item.profile_language)
        except StatementError as exc:
            if isinstance(exc, DBAPIError) and not isinstance(exc, ValueRefused):
                raise  # the database is unreachable or failing: the platform will send the event again
            # a value the database refuses (the channels' checks should have caught it): this event only
            self.reject(inbound.channel, event_ref([inbound.event_id, inbound.user_id]),
                        f"not storable ({type(exc.orig if hasattr(exc, 'orig') else exc).__name__})")
            return None
        return None if msg is None else msg.id

    def reject(self, channel: str, ref: str, reason: str) -> None:
        """Keep a webhook event that cannot be taken (staff see it): one log line, without its content."""
        if self.store.reject(channel, ref, reason):
            log.warning("webhook event rejected", extra={"channel": channel, "ref": ref, "reason": reason})

    def process(self, message_id: int, now: dt.datetime | None = None) -> Reply | None:
        """Answer a stored event, once: a message another worker is processing (or has processed) is skipped.

        A failure is recorded on the message (its exception's type, never its words) and raised; the sweep tries it
        again later, and after `max_tries` tries it is given up: processed, unanswered, listed for staff."""
        claimed = self.store.claim(message_id)  # and loaded, with its user
        if claimed is None:
            return None
        started = time.perf_counter()
        try:
            return self._process(*claimed, now)
        except Exception as exc:
            where = _where(exc)
            tries, gave_up = self.store.failed(message_id, f"{type(exc).__name__} at {where}", self.max_tries)
            if not gave_up:
                raise
            log.error("event given up", extra={"message_id": message_id, "tries": tries,
                                               "error": type(exc).__name__, "where": where})
            return None
        finally:
            self.latency.observe(time.perf_counter() - started)

    def _process(self, msg: Message, user: User, now: dt.datetime | None) -> Reply | None:
        inbound = Inbound(**json.loads(msg.raw or "{}"))
        with redact.sensitive(*sensitive_parts(inbound)):  # never in a log record, even in an error's text
            return self._answer_event(msg, user, inbound, now)

    def _answer_event(self, msg: Message, user: User, inbound: Inbound, now: dt.datetime | None) -> Reply | None:
        now = now or self.now()
        self.refresh_knowledge()
        self._show_typing(inbound, msg)
        self._lookup_profile(inbound, user)
        if inbound.preferred_language:
            self._set_language(user, lang_mod.normalize_code(inbound.preferred_language), "chosen")
        before = user.language
        reply = self._dispatch(inbound, user, now)
        ticket_id = open_ticket_id(self.store, user.id) if inbound.kind not in ("follow", "unfollow") else None
        if ticket_id and reply is not None and reply.intent not in ALWAYS_ANSWER \
                and staff_active(self.store, ticket_id, self.desk_active_hours):
            # A staff member is talking with this resident: the message goes to the ticket, the bot stays silent.
            msg.language, msg.intent, msg.handoff = reply.language, reply.intent, True
            self.store.finish(user, msg, None, filed_under=ticket_id)
            return Reply("", reply.language, reply.reply_language, reply.intent, handoff=True,
                         confidence=reply.confidence, ticket_id=ticket_id, silent=True)
        if ticket_id and reply is not None and reply.handoff and reply.intent != "crisis":
            # Already waiting for the desk: the message joins that conversation; say so instead of "passed on".
            reply.text = self.renderer.ui(reply.reply_language, "added_to_ticket") or reply.text
        self._finish(user, msg, reply, inbound, ticket_id)
        if user.language and (user.language != before or inbound.kind == "follow"):
            self._language_set(inbound, user.language)
        return reply

    def _language_set(self, inbound: Inbound, lang: str) -> None:
        channel = self.channels.get(inbound.channel)
        if channel is not None:
            try:
                channel.language_set(inbound.user_id, lang)
            except Exception:  # noqa: BLE001 - a menu is a convenience; never fail a message for it
                log.warning("language hook failed", exc_info=True)

    def refresh_knowledge(self) -> None:
        """Reload knowledge/ when a file changed, with the settings staff saved in the database over it, and learn
        suggestions approved in another process; at most every few seconds. A broken edit keeps the knowledge that
        was loaded, and is logged."""
        if self.knowledge_dir is None or time.monotonic() - self._checked < RELOAD_EVERY:
            return
        self._checked = time.monotonic()
        files = max((p.stat().st_mtime for p in self.knowledge_dir.rglob("*") if p.is_file()), default=0.0)
        stamp = (files, *overrides.stamp(self.store))
        if self._stamp and stamp != self._stamp:
            try:
                self.reload_knowledge()
                log.info("knowledge reloaded")
            except DataError:
                log.exception("knowledge changed but is invalid; keeping the loaded one")
            self.learn()
        self._stamp = stamp

    def reload_knowledge(self) -> None:
        """Load knowledge/ now, with the settings staff saved in the database over it (raises DataError)."""
        if self.knowledge_dir is not None:
            self.kb = self.renderer.kb = overrides.apply(knowledge_load(self.knowledge_dir), overrides.load(self.store))

    def learn(self) -> None:
        """Teach the matcher the suggestions approved at the desk that this process does not know yet: each one
        an example, and its exact phrasing answered as approved before any rule; and forget the ones deleted since
        (a resident deleted their data)."""
        approved = self.store.approved_suggestions()
        for suggestion in approved:
            if suggestion.id not in self._learned:
                self._learned[suggestion.id] = (suggestion.intent, suggestion.text)
                self.matcher.add_example(suggestion.intent, suggestion.text)
                self.matcher.approve(suggestion.intent, suggestion.text, suggestion.answer)
        for gone in set(self._learned) - {s.id for s in approved}:
            intent, text = self._learned.pop(gone)
            self.matcher.unlearn(intent, text)

    def _show_typing(self, inbound: Inbound, msg: Message) -> None:
        channel = self.channels.get(inbound.channel)
        if channel is None or inbound.kind not in ("text", "postback"):
            return
        if (utcnow() - msg.created_at).total_seconds() > SLOW:
            try:
                channel.show_loading(inbound.user_id)
            except Exception:  # noqa: BLE001 - only a courtesy
                log.info("typing indicator failed", exc_info=True)

    def _lookup_profile(self, inbound: Inbound, user: User) -> None:
        channel = self.channels.get(inbound.channel)
        if channel is None or user.profile_language or (inbound.kind != "follow" and user.language):
            return
        try:
            user.profile_language = lang_mod.normalize_code(channel.profile_language(inbound.user_id)) or "-"
        except Exception:  # noqa: BLE001 - the profile is only a hint; never fail a message for it
            log.warning("profile look-up failed", exc_info=True)

    # -- dispatch ----------------------------------------------------------------------------------------------------
    def _dispatch(self, inbound: Inbound, user: User, now: dt.datetime) -> Reply | None:
        if inbound.kind == "unfollow":
            user.active = False
            return None
        if inbound.kind == "follow":
            user.active = True
            return self._welcome(user, now)
        if inbound.kind == "postback" and inbound.payload:
            return self._postback(inbound.payload, user, now)
        text = clean(inbound.text or "")
        if inbound.kind in MEDIA or _unreadable(text):
            lang = self._fallback_language(user)
            return self._reply("empty", lang, lang, "unknown", now, confidence=0.0)
        return self._understand(text[:MAX_CHARS], user, now, inbound.text)

    def read(self, text: str, last_intent: str | None = None, original: str | None = None) -> Reading:
        """How the bot reads a message (the same step for the pipeline, `flask explain` and the tests). A message in a
        language beyond the nine that no vocabulary reads is read again in English, through an offline model
        (bot.answering.beyond), from the text as the resident sent it (`original`: its cached translation is then
        found when the resident's data is deleted); the first reading stands unless the English one found more."""
        reading = read(text, self.lexicon, self.matcher, last_intent)
        detection = reading.detection
        if reading.understanding.intent != "unknown" or detection.lang in lang_mod.SERVED or not detection.sure:
            return reading
        english = self._beyond().read(original or text, detection.lang)
        if english is None:
            return reading
        again = read(english, self.lexicon, self.matcher, last_intent)
        if again.understanding.intent == "unknown":
            return replace(reading, english=english)
        return replace(again, detection=detection, english=english)

    def _beyond(self) -> Beyond:
        if self.beyond is None:  # a bot built without data files (tests): no notices
            self.beyond = Beyond(self.renderer, self.translator)
        return self.beyond

    def _understand(self, text: str, user: User, now: dt.datetime, original: str | None = None) -> Reply:
        reading = self.read(text, user.last_intent, original)
        if (reading.understanding.intent == "unknown" or reading.understanding.answer_key == "clarify") \
                and user.last_intent == "garbage.sorting" and user.last_item in self.kb.items \
                and self.kb.items[str(user.last_item)].category == "oversized":
            # "Do I need to book? Is there a fee?" after the answer about a sofa or a stroller: a detail of the
            # oversized-garbage procedure that answer pointed to
            again = self.read(text, "garbage.oversized", original)
            if again.understanding.method == "context":
                reading = again
        if reading.understanding.intent == "unknown" and (user.last_intent or "").startswith("garbage.") \
                and self.calendar is not None and (district := self.calendar.bare_district(text)) is not None:
            # "境です" after "which district do you live in?": the district, read by its full name
            reading = self.read(district.name_ja, user.last_intent)
        u, detection = reading.understanding, reading.detection
        self._of_last_item(u, user, reading.folded)
        if user.last_intent == "crisis" and _continues_crisis(u, text):
            # "No, not now, he went to work", "现在没事，他不在家": the answer to a crisis, not a new topic (work, the
            # calendar); the help lines again and the same urgent ticket. An item, a greeting or danger now is new.
            u.intent = u.answer_key = "crisis"
            u.method, u.options = "context", []
        if user.last_intent == "emergency":
            u = self._after_emergency(u, text, user)
        u.area = self._known_place(u.area)  # "伊勢崎市" is the city: no district is taken from it
        command = COMMANDS.get(u.intent) or COMMANDS.get(u.answer_key)
        if command is not None:
            return command(self, reading, text, user, now)
        if user.last_intent == "privacy.delete" and u.answer_key == "ack":
            # A typed yes/no is not enough to delete everything (or to keep it): the question again, with buttons.
            user.last_intent = None
            return self._confirm_delete(self._sure_language(reading, user), now)
        courtesy = u.intent == "greeting" or u.answer_key in ("ack", "thanks")
        msg_lang = self._message_language(detection, user, courtesy)
        guess_ok = detection.confidence >= GUESS or msg_lang in (user.language, user.profile_language)
        reply_lang = msg_lang if msg_lang in lang_mod.SERVED and guess_ok else self._fallback_language(user)
        relay = next((c for c in u.languages_named if c in lang_mod.SERVED), None)
        if user.role == "key_person" and relay:
            reply_lang = relay  # a key person asks for an answer to forward ("in Portuguese"): this message only
        if u.area and u.intent.startswith("garbage."):
            user.area = u.area  # remembered: "when" questions are answered for this town or district from now on
        if u.intent == "garbage.schedule" and not u.category and user.last_item in self.kb.items \
                and "today_tomorrow" not in u.concepts:
            last = self.kb.items[str(user.last_item)].category
            # "Where I live: Sakai" after a spring mattress: that item has no collection day, so the town's days;
            # after batteries: the batteries' day there ("what goes out tomorrow?" is about every kind)
            u.category = last if last not in UNSCHEDULED else None
            u.item = str(user.last_item) if u.category else None
            u.answer_key = "garbage.schedule.category" if u.category else u.answer_key
        u, things = self._moving_bulk(reading, self._rule_parts(u))
        reply = self._answer(u, msg_lang, reply_lang, user, now, text)
        reply.choices.extend(self._choice(Option("item", key), reply_lang) for key in things)
        if u.intent == "garbage.rules" and u.answer_key == "garbage.rules.time" and not u.options:
            reply = self._time_of_item(reply, reading, u, msg_lang, user, now)
        if u.intent == "emergency" and "child" in u.concepts and not u.concepts & HARM_NOW:
            # a child hurt or ill: the children's medical line beside 119 (#7119 is in the answer already)
            hours = self.kb.facts["medical_8000"].get("weekdays", "")
            reply.text += "\n" + self.renderer.ui(reply_lang, "emergency_child", weekdays=hours)
        if u.intent == "consultation.medical" and "severe_sign" in u.concepts:
            # bleeding in pregnancy, a tight chest, a baby of two months with a fever: 119 first, #7119 when unsure
            reply.text = self.renderer.ui(reply_lang, "medical_severe") + "\n" + reply.text
        self._centre_at(reply, u, text, reply_lang)
        self._not_in_facts(reply, u, text, reply_lang)
        self._desk_weekday(reply, u, text, reply_lang, now)
        if u.intent == u.answer_key == "garbage.sorting" and u.item and not u.options and u.item != MOVING_BULK:
            self._second_item(reply, reading, u, reply_lang, now)
        elif reply.intent == "garbage.schedule" and u.item and self.calendar is not None:
            self._second_day(reply, reading, u, msg_lang, user, now)
        self._neighbours(reply, u, reply_lang)
        if u.also in NEEDS_ITEM:
            u.also = None  # "how to throw away" needs the item: a bare button would show "{item}: {category}."
        if u.also and not u.options and not reply.handoff and u.intent not in ("emergency", "crisis") \
                and not any(c.payload == f"intent:{u.also}" for c in reply.choices):
            # two questions in one message: the second one's answer a tap away
            reply.choices.append(self._choice(Option("intent", u.also), reply_lang))
        reply.concepts = sorted(c for c in u.concepts if c not in ("greeting", "thanks"))
        if reply_lang != msg_lang and msg_lang and msg_lang not in lang_mod.SERVED:
            # A language beyond the nine: machine-translated from English, or English with a notice (bot.answering.beyond)
            reply = self._beyond().localize(reply, msg_lang, user.language_source == "chosen", now.date())
            reply.choices = reply.choices or self._language_choices()
        return reply

    def _of_last_item(self, u: Understanding, user: User, folded: str) -> None:
        """A short follow-up about the item just answered, naming a part or a state of it rather than a thing of its
        own: "and the lid?", "y la tapa?", "còn cái nắp?" after a glass jar is the jar's lid, metal or plastic (asked
        back, never the glass of the jar, nor the PET-bottle cap the bare word "tapa" names; after a PET bottle, its
        cap); "kalau yang sudah pecah?", "and a broken one?" after a fluorescent tube is the broken tube."""
        last = str(user.last_item)
        if user.last_intent != "garbage.sorting" or last not in self.kb.items or word_count(folded) > FOLLOW_UP_WORDS \
                or u.intent in ("emergency", "crisis") or (u.item and u.item not in CAPS):
            return
        # (a lid named with its material, "and the metal cap?", "那它的金属盖子呢", is that lid whatever came before)
        bare = u.item == "pet-bottle-cap" or {o.key for o in u.options} >= {"metal-cap", "plastic-cap"}
        if u.item in CAPS and last not in CAPS and bare and not u.concepts & {"metal", "plastic_material", "plastic_mark"}:
            if last == "pet-bottle":
                u.item, u.options = "pet-bottle-cap", []
            else:
                u.item, u.options = "plastic-cap", [Option("item", "metal-cap"), Option("item", "plastic-cap")]
            u.intent, u.answer_key, u.method = "garbage.sorting", "garbage.sorting", "context"
            u.category = self.kb.items[u.item].category
            return
        broken = f"broken-{last}"
        if not u.item and "broken" in u.concepts and broken in self.kb.items:
            u.intent, u.answer_key, u.method, u.options = "garbage.sorting", "garbage.sorting", "context", []
            u.item, u.category, u.confidence = broken, self.kb.items[broken].category, max(u.confidence, 0.7)

    def _after_emergency(self, u: Understanding, text: str, user: User) -> Understanding:
        """The turn after an answer to danger now, read with that danger as its context (a danger told across turns).

        While the danger is open (its message came within EMERGENCY_OPEN), a short turn that adds to it ("3rd floor",
        "rua das flores 12", "he is still on the roof", "yes", "please hurry", "what number?") is still the
        emergency: its answer again, never a question back or "passed to the desk". A turn that says the danger is
        over ("police came", "we are safe now", "ok he left": `ended`, `safe`, `recovered`, `over`) is no danger now:
        a crisis when the danger was harm between people (a partner choking someone, a person on a roof), else
        what it says. A new need of its own (thanks, a person, a garbage question with its words) is answered as
        itself."""
        last = self.store.last_read(user.id)
        if last is None or last[0] != "emergency" or utcnow() - last[2] > EMERGENCY_OPEN:
            return u
        harm = (last[1] | u.concepts) & PERSON_HARM
        if u.intent == "emergency":
            u.concepts |= harm  # what the danger is about, for the turn after this one
            return u
        if u.concepts & DANGER_ENDED:
            if harm and (u.intent in ("unknown", "crisis", "greeting") or u.options):
                return replace(u, intent="crisis", answer_key="crisis", method="context", options=[],
                               concepts=u.concepts | harm)
            return u
        if word_count(fold(text)) > CRISIS_FOLLOW_UP_WORDS or u.answer_key == "thanks" \
                or (u.intent == "crisis" and not harm) or u.intent in NEW_AFTER_EMERGENCY \
                or (u.intent == "consultation.medical" and word_count(fold(text)) > MEDICAL_FOLLOW_UP_WORDS) \
                or (u.intent.startswith("garbage.") and u.concepts & GARBAGE_WORDS and not u.options):
            return u
        return replace(u, intent="emergency", answer_key="emergency", method="context", options=[], item=None,
                       category=None, also=None, confidence=0.7, concepts=u.concepts | harm)

    # -- special commands (the table COMMANDS, below the class) ------------------------------------------------------
    def _command_language(self, reading: Reading, user: User) -> str:
        lang = self._message_language(reading.detection, user)
        return lang if lang in lang_mod.SERVED else self._fallback_language(user)

    def _sure_language(self, reading: Reading, user: User) -> str:
        detection = reading.detection
        return str(detection.lang if detection.lang in lang_mod.SERVED and detection.sure else
                   self._fallback_language(user))

    def _change_language(self, reading: Reading, text: str, user: User, now: dt.datetime) -> Reply:
        return self._language_change(reading.understanding, reading.detection, user, now)

    def _set_announcements(self, reading: Reading, text: str, user: User, now: dt.datetime) -> Reply:
        return self._announcements(reading.understanding, self._command_language(reading, user), user)

    def _set_reminder(self, reading: Reading, text: str, user: User, now: dt.datetime) -> Reply:
        return self._reminder(reading.understanding, text, self._command_language(reading, user), user, now)

    def _ask_delete(self, reading: Reading, text: str, user: User, now: dt.datetime) -> Reply:
        user.last_intent = "privacy.delete"  # a typed "yes" / "no" next is asked again, with the buttons
        return self._confirm_delete(self._sure_language(reading, user), now)

    def _answer(self, u: Understanding, msg_lang: str | None, reply_lang: str, user: User, now: dt.datetime,
                text: str = "") -> Reply:
        if u.intent == "crisis":
            user.last_intent = "crisis"  # what the resident says next answers it (_continues_crisis)
            return self._crisis(u, msg_lang, reply_lang)
        if u.intent in HANDOFF_INTENTS:
            # a narrower handoff (`unknown.visa`: the desk, and the immigration information line) when a rule gave one
            key = u.answer_key if u.answer_key.startswith(f"{u.intent}.") and u.answer_key in self.kb.answers \
                else u.intent
            reply = self._reply(key, msg_lang, reply_lang, u.intent, now, confidence=u.confidence)
            reply.handoff = True
            days = self.renderer.language_days(reply_lang, reply_lang) if reply_lang != "ja" else None
            if days:
                reply.text += "\n" + days
            note = ""
            if self._untranslatable(msg_lang):
                name = self.renderer.language_name(reply_lang, str(msg_lang))
                note = "\n" + self.renderer.ui(reply_lang, "no_machine_translation", language=name)
            if u.intent == "unknown" and not days:
                self._who_speaks(reply, u, reply_lang, len(note))
            reply.text += note
            return reply
        if u.intent == "garbage.schedule" and not u.options and self.calendar is not None \
                and u.answer_key not in SCHEDULE_ANSWERS:
            # remembered like every other answer, so that "and plastic?" or "what about tomorrow?" continues it
            user.last_intent, user.last_item = u.intent, u.item or user.last_item
            return self._schedule(u, msg_lang, reply_lang, user, now)
        key = u.answer_key
        if u.options:
            key = {"item": "clarify.item", "material": "clarify.material"}.get(u.options[0].kind, "clarify")
        item = u.item if key == "garbage.sorting" else None
        reply = self._reply(key, msg_lang, reply_lang, u.intent, now, item=item, category=u.category,
                            confidence=u.confidence, timed=self._names_time(text, reply_lang),
                            intern="intern" in u.concepts,  # the interns' hotline is for interns only
                            on=self._named_date(text, reply_lang, now.date()), at=self._named_when(text, reply_lang))
        if item:
            reply = self._with_district(reply, key, u, user, now)  # batteries, clothing: the day in their district
        if u.options:
            reply.choices = [self._choice(o, reply_lang) for o in u.options]
            if key in ("clarify", "clarify.material"):  # a question back never dead-ends: none of these -> a person
                reply.choices.append(Choice(self.renderer.ui(reply_lang, "clarify_other"), "intent:human"))
        if u.intent == "garbage.sorting":
            reply.category = u.category
            reply.entry = u.item
            if key == "garbage.sorting":
                self._item_days(reply, u.item, u.category, reply_lang, user, now)
        user.last_intent = u.intent
        user.last_item = u.item or (user.last_item if u.intent.startswith("garbage.") else None)
        return reply

    def _desk_weekday(self, reply: Reply, u: Understanding, text: str, lang: str, now: dt.datetime) -> None:
        """"Is the center open on Wednesdays?": a weekday named on which the centre is sometimes or always closed
        (the 1st and 3rd Wednesday, weekends) gets its closing days below the answer's first line, not behind
        "More"."""
        if u.answer_key != "consultation.desk" or u.options or reply.handoff \
                or self._named_date(text, lang, now.date()):  # a date named: open or closed that day is said
            return
        day = self._named_weekday(text, lang)
        center = self.kb.facts["multicultural_center"]
        if day is None or not (WEEKDAYS[day] in {str(d) for d, _ in center.get("closed_nth_weekdays") or []}
                               or WEEKDAYS[day] not in center.get("days", [])):
            return
        more = self.renderer.answer("consultation.desk.more", lang, now.date(), now.time()).text.split("\n")[0]
        lines = reply.text.split("\n")
        reply.text = "\n".join([lines[0], more, *lines[1:]])
        reply.choices = [c for c in reply.choices if c.payload != "intent:consultation.desk.more"]

    def _named_date(self, text: str, lang: str, today: dt.date) -> dt.date | None:
        """The calendar date the message names ("12月16日", "16 de dezembro"), to say whether the desk is open then."""
        months = [self.catalog.get(lang, "ui", "months") or [], self.catalog.get("en", "ui", "months") or []]
        return hours_mod.named_date(text, months, today) if text else None

    def _named_when(self, text: str, lang: str) -> tuple[int, dt.time] | None:
        """The weekday and the hour the message names together ("Saturday, 3 pm", "Sabado po ngayon, 3 ng hapon"),
        for a line whose hours depend on both (#8000 opens at 18:00 on weekdays and Saturdays); None otherwise."""
        day = self._named_weekday(text, lang) if text else None
        at = hours_mod.named_clock(text) if day is not None else None
        return (day, at) if day is not None and at is not None else None

    def _names_time(self, text: str, lang: str) -> bool:
        """The message names a weekday or a clock time ("is it open at 3 on Saturday?", "周六上午"): answers then say
        nothing about now or today, which is not the time asked about."""
        if not text:
            return False
        folded = fold(text)
        names = [*(self.catalog.get(lang, "ui", "weekdays") or []), *(self.catalog.get("en", "ui", "weekdays") or [])]
        stems = {fold(str(n)).split("-")[0].removesuffix("日") for n in names}  # segunda(-feira), 土曜(日)
        stems |= {"星期" + s[-1] for s in stems if s.startswith("周")}  # 周六 / 星期六
        return any(stem and stem in folded for stem in stems) or bool(CLOCK_NAMED.search(text))

    def _crisis(self, u: Understanding, msg_lang: str | None, reply_lang: str) -> Reply:
        """A person at risk: the help lines for their situation in their language, and an urgent desk ticket."""
        situation = crisis_situation(u.concepts)
        text, buttons = self.renderer.crisis(reply_lang, situation)
        reply = Reply(text, msg_lang, reply_lang, "crisis", entry=f"crisis.{situation}", handoff=True,
                      confidence=u.confidence)
        reply.choices = [Choice(label, uri) for label, uri in buttons]
        return reply

    def _untranslatable(self, lang: str | None) -> bool:
        """Staff read Japanese: is there no machine translation from this language?"""
        return bool(self.translator and lang and lang != "ja" and self.translator.coverage(lang, "ja") == "none")

    def _reply(self, key: str, msg_lang: str | None, reply_lang: str, intent: str, now: dt.datetime,
               item: str | None = None, category: str | None = None, confidence: float = 0.95,
               **render: Any) -> Reply:
        rendered = self.renderer.answer(key, reply_lang, now.date(), now.time(), item=item, category=category,
                                        **render)
        entry = None if key in NO_ENTRY or intent in NO_ENTRY else key
        reply = Reply(rendered.text, msg_lang, reply_lang, intent, entry=entry, confidence=confidence)
        more = f"{key}.more"
        if more in self.kb.answers and self.catalog.get(reply_lang, "answers", more):
            reply.choices.append(Choice(self.renderer.ui(reply_lang, "more"), f"intent:{more}"))
        reply.choices += [Choice(label, url) for label, url in rendered.links]
        return reply

    # -- languages ---------------------------------------------------------------------------------------------------
    def _message_language(self, detection: lang_mod.Detection, user: User, courtesy: bool = False) -> str | None:
        if courtesy and user.language in lang_mod.SERVED and detection.method != "script" \
                and (detection.lang == "en" or not detection.sure):
            # "ok thank you", "hi" (English, the lingua franca) in the middle of a Nepali conversation: the
            # conversation's language; "obrigado" is Portuguese and still switches
            return str(user.language)
        if detection.method == lang_mod.HAN_SHARED and user.language in ("ja", "zh"):
            return str(user.language)  # 避難所 from someone who writes Japanese is Japanese
        if user.language_source == "chosen" and user.language in lang_mod.SERVED and detection.method != "script" \
                and detection.confidence < CHOSEN_KEPT:
            # A resident who chose Tagalog and types "spray can" or "abogado libre" (Latin script, shared words)
            # keeps Tagalog; a whole sentence clearly in another language still switches.
            return str(user.language)
        if detection.lang and detection.confidence >= lang_mod.CUTOFF:
            # The first confident message sets the sticky language; later ones change it only when quite sure,
            # and never override a language the resident chose.
            first = user.language is None
            if first or (detection.confidence >= STICKY and user.language_source != "chosen"):
                self._set_language(user, detection.lang, "detected")
            return detection.lang
        if user.language is None and user.profile_language is None and detection.lang in lang_mod.SERVED:
            # Nothing known yet: the language this reply is written in is the one its buttons are answered in.
            self._set_language(user, detection.lang, "detected")
        return user.language or user.profile_language or detection.lang

    def _fallback_language(self, user: User) -> str:
        for code in (user.language, user.profile_language):
            if code in lang_mod.SERVED:
                return str(code)
        return "en"

    def _set_language(self, user: User, code: str | None, source: str) -> None:
        # A detected language beyond the nine is kept too: the desk and announcements reach the resident in it.
        if code in lang_mod.SERVED or (code and source == "detected"):
            user.language, user.language_source = code, source

    def _language_change(self, u: Understanding, detection: lang_mod.Detection, user: User,
                         now: dt.datetime) -> Reply:
        target = next((c for c in u.languages_named if c in lang_mod.SERVED), None)
        if target is None:
            lang = self._fallback_language(user)
            reply = self._reply("language.menu", detection.lang or lang, lang, "language.change", now)
            reply.choices = self._language_choices()
            return reply
        self._set_language(user, target, "chosen")
        written_in = detection.lang if detection.sure else target  # "英語にして" is Japanese asking for English
        return self._reply("language.changed", written_in, target, "language.change", now, confidence=u.confidence)

    def _language_choices(self) -> list[Choice]:
        return [Choice(self.catalog.name(c), f"lang:{c}") for c in lang_mod.SERVED]

    # -- events ------------------------------------------------------------------------------------------------------
    def _welcome(self, user: User, now: dt.datetime) -> Reply:
        lang = self._fallback_language(user)
        if not user.language and user.profile_language in lang_mod.SERVED:
            self._set_language(user, user.profile_language, "profile")
        reply = self._reply("greeting", lang, lang, "greeting", now)
        reply.text += "\n" + self.renderer.ui(lang, "privacy_notice", days=self.retention_days)
        reply.text += "\n" + self.renderer.answer("language.menu", lang, now.date()).text
        reply.choices = self._language_choices() + [Choice(self.renderer.ui(lang, "delete_label"), "privacy:delete")]
        return reply

    def _postback(self, payload: str, user: User, now: dt.datetime) -> Reply:
        kind, _, key = payload.partition(":")
        lang = self._fallback_language(user)
        place, _, item = key.partition("|")  # "area:district:akabori|dry-battery": a district for that item
        if kind == "area" and self._known_place(place):
            user.area = place
            known = item if self.calendar is not None and self.calendar.rule_for(item) else None
            u = Understanding("garbage.schedule", 1.0, "garbage.schedule.category" if known else "garbage.schedule",
                              area=place, item=known, category=self.kb.items[known].category if known else None)
            return self._schedule(u, lang, lang, user, now)
        if kind == "privacy":
            return self._privacy(key, user, lang, now)
        if kind == "menu" and key == "language":  # the rich menu's language button: languages, and privacy
            reply = self._reply("language.menu", lang, lang, "language.change", now)
            reply.text += "\n" + self.renderer.ui(lang, "privacy_notice", days=self.retention_days)
            reply.choices = self._language_choices() + [Choice(self.renderer.ui(lang, "delete_label"),
                                                               "privacy:delete")]
            return reply
        code, _, entry = key.partition(":")
        if kind == "lang" and code in lang_mod.SERVED:
            self._set_language(user, code, "chosen")
            changed = self._reply("language.changed", code, code, "language.change", now)
            if entry in self.kb.items or entry in self.kb.answers:  # "English" under a machine-translated answer
                again = self._postback(f"{'item' if entry in self.kb.items else 'intent'}:{entry}", user, now)
                again.text = f"{changed.text}\n{again.text}"
                return again
            return changed
        if kind == "item" and key in self.kb.items:
            u = Understanding("garbage.sorting", 1.0, "garbage.sorting", item=key,
                              category=self.kb.items[key].category)
            return self._answer(u, lang, lang, user, now)
        if kind == "material" and (category := material_answer(key)):
            # the answer to "what is it made of?" (a thing the list does not have): placed by that material
            return self._answer(Understanding("garbage.sorting", 1.0, "garbage.material", category=category,
                                              method="material"), lang, lang, user, now)
        if kind == "intent" and key in self.kb.answers:
            return self._answer(Understanding(key, 1.0, key), lang, lang, user, now)
        log.info("unknown postback payload ignored")
        return self._reply("empty", lang, lang, "unknown", now, confidence=0.0)

    def _choice(self, option: Option, lang: str) -> Choice:
        label = (self.renderer.item_name(lang, option.key) if option.kind == "item"
                 else self.renderer.ui(lang, f"material_{option.key}") if option.kind == "material"
                 else self.renderer.intent_label(lang, option.key))
        return Choice(label, option.payload)

    def _finish(self, user: User, msg: Message, reply: Reply | None, inbound: Inbound,
                open_ticket: int | None = None) -> None:
        if is_deleted(user.external_id):  # the message that asked to delete is forgotten too
            msg.text, msg.raw, msg.event_id = "", None, event_digest(msg.event_id)
        if reply is None:
            self.store.finish(user, msg, None)
            return
        msg.language, msg.intent, msg.entry = reply.language, reply.intent, reply.entry
        msg.confidence, msg.handoff = reply.confidence, reply.handoff
        msg.concepts = ",".join(reply.concepts)[:200] or None
        delivery = None
        if inbound.channel not in TEST_CHANNELS and reply.text:  # a messaging platform: through the outbox
            delivery = Delivery(recipient=inbound.user_id, body=reply.body(),
                                reply_token=inbound.meta.get("reply_token"),
                                reply_deadline=_deadline(inbound.meta.get("reply_until")))
            channel = self.channels.get(inbound.channel)
            if channel is not None:  # the row written in doubt for a first call that cannot be repeated safely
                delivery.in_doubt_for = channel.first_call_lease(delivery)
        to_desk = reply if self._to_desk(inbound) else replace(reply, handoff=False)
        reply.ticket_id, reply.outbox = self.store.finish(user, msg, to_desk, delivery, filed_under=open_ticket)
        if reply.ticket_id:
            log.info("handed off to the desk", extra={"ticket": reply.ticket_id, "reason": reply.intent})


    def _to_desk(self, inbound: Inbound) -> bool:
        """Whether a handoff opens a desk ticket: always for residents, for test traffic only when asked for."""
        return inbound.channel not in TEST_CHANNELS or self.test_tickets or bool(inbound.meta.get("desk"))


# Messages that ask the bot to do something rather than to answer, by intent or answer key: each handled by one
# method of Bot, given the reading, the text, the resident and the time.
Command = Callable[[Bot, Reading, str, User, dt.datetime], Reply]
COMMANDS: dict[str, Command] = {
    "language.change": Bot._change_language,
    "announcements": Bot._set_announcements,
    "reminder.on": Bot._set_reminder,
    "reminder.off": Bot._set_reminder,
    "privacy.delete": Bot._ask_delete,
}


def _where(exc: BaseException) -> str:
    """Where an exception was raised (file:line function), without its message, which may hold a resident's words."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "?"
    last = frames[-1]
    return f"{Path(last.filename).name}:{last.lineno} {last.name}"


def sensitive_parts(inbound: Inbound) -> list[str | None]:
    """What identifies a resident in an event: their words, their platform id, the event id and reply token."""
    token = inbound.meta.get("reply_token")
    return [inbound.text, inbound.payload, inbound.user_id, inbound.event_id, token if isinstance(token, str) else None]


def incoming(inbound: Inbound, received_at: dt.datetime | None = None) -> Incoming:
    """An event as the store keeps it: text that cannot be stored as it is (a lone surrogate, a NUL byte) with those
    characters replaced, and the whole event as JSON, to process it (again) later."""
    inbound = replace(inbound, text=storable(inbound.text) or "", payload=storable(inbound.payload))
    return Incoming(inbound.channel, inbound.user_id, inbound.event_id, inbound.kind,
                    inbound.text or inbound.payload or "", json.dumps(asdict(inbound)),
                    lang_mod.normalize_code(inbound.profile_language), received_at)


def storable(text: str | None) -> str | None:
    """Text any database stores: lone surrogates become U+FFFD, NUL bytes are dropped."""
    if text is None:
        return None
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace").replace("\x00", "")


# The turn after danger now (Bot._after_emergency): the danger is open this long after it was told; a turn that says
# it is over (help came, the person left, safe now, the fire out); harm between people, which is a crisis once the
# danger now is over; new needs and the words of a garbage question, answered as themselves.
EMERGENCY_OPEN = dt.timedelta(hours=1)
DANGER_ENDED = frozenset({"ended", "safe", "recovered", "over"})
PERSON_HARM = frozenset({"hurt_me", "hits", "threat", "sexual", "stalking", "abuse", "self_harm", "edge"})
NEW_AFTER_EMERGENCY = frozenset({"human", "language.change", "privacy.delete", "announcements", "reminders",
                                 "consultation.legal", "consultation.job", "class.japanese", "class.online",
                                 "class.children", "life.bus", "life.health_insurance", "life.moving"})
MEDICAL_FOLLOW_UP_WORDS = 8  # "what number?", "ambulance kasari bolaune?": the emergency; a longer health question: itself
GARBAGE_WORDS = frozenset({"garbage", "dispose", "which_kind", "category", "bag", "when", "collect", "today_tomorrow"})
CRISIS_FOLLOW_UP_WORDS = 20  # a message this short after a crisis, with no item and no other clear need, continues it
# A need of its own after a crisis: danger now, thanks, a person, a lawyer, a doctor, the desk, a life procedure.
NEW_AFTER_CRISIS = frozenset({"emergency", "crisis", "greeting", "human", "language.change", "privacy.delete",
                              "consultation.legal", "consultation.medical", "consultation.desk", "life.health_insurance",
                              "life.moving", "life.disaster", "life.bus", "announcements", "reminders"})


def _continues_crisis(u: Understanding, text: str) -> bool:
    """Whether a message after a crisis answer continues it (the resident answering, telling more)."""
    return (u.intent not in NEW_AFTER_CRISIS and not u.item and not u.category
            and word_count(fold(text)) <= CRISIS_FOLLOW_UP_WORDS)


def crisis_situation(concepts: set[str]) -> str:
    """Which help lines fit a crisis message, from the concepts found in it (unsure: the general lines)."""
    if "child" in concepts and concepts & {"hurt_me", "abuse", "hits", "harm_signs", "touch_person", "private_parts"}:
        return "child_abuse"
    if {"id_document", "withheld"} <= concepts:
        return "exploitation"
    if "boss" in concepts and "family" not in concepts and concepts & {"control", "papers_threat"}:
        return "exploitation"  # "the company keeps us in the dorm and says we will be sent home"
    if "boss" in concepts and "family" not in concepts and concepts & {"threat", "hurt_me", "hits"} \
            and not concepts & {"self_harm", "sexual"}:
        return "exploitation"  # "my boss does not pay me and threatens me": the labour lines, not the DV ones
    if "threat" in concepts and not concepts & {"family", "hurt_me", "abuse", "self_harm", "sexual", "stalking"}:
        return "general"  # "someone wants to kill me" is not told "violence at home is not your fault"
    for concept, situation in (("self_harm", "self_harm"), ("sexual", "sexual_violence"),
                               ("exploitation", "exploitation"), ("stalking", "stalking"),
                               ("hurt_me", "violence_home"), ("threat", "violence_home"), ("abuse", "violence_home"),
                               ("hits", "violence_home"),
                               ("despair", "self_harm"), ("no_way_out", "self_harm"),
                               # a crisis told without its keywords (intents/rules.yaml)
                               ("not_exist", "self_harm"), ("burden", "self_harm"), ("giveaway", "self_harm"),
                               ("pursuit", "stalking"), ("control", "violence_home"),
                               ("touch_person", "sexual_violence"), ("private_parts", "sexual_violence"),
                               ("papers_threat", "violence_home")):
        if concept in concepts:
            return situation
    return "general"


def _deadline(value: object) -> dt.datetime | None:
    """A reply token's deadline from the event meta (an ISO UTC string), as naive UTC."""
    if not isinstance(value, str):
        return None
    return dt.datetime.fromisoformat(value).astimezone(dt.UTC).replace(tzinfo=None)


def _unreadable(text: str) -> bool:
    """Nothing to read: stickers' text, "👍", "?!", stray escape codes; "119" or a one-character 傘 are readable."""
    if not any(ch.isalnum() for ch in text):
        return True
    if text.isascii():
        return sum(ch.isalpha() for ch in text) < 2 and not any(n in text for n in ("110", "119", "7119", "8000"))
    return False
