"""Channel adapters: each verifies and parses its platform's webhooks into `Inbound`s and sends outbox rows.

A new channel (WhatsApp, Viber, a web widget) is one new module with a class that follows `bot.messages.Channel`
(`name`, `blueprint(accept)`, `send(row, body, store)`, the capabilities it has over `base.BaseChannel`), registered
in `build`.
"""

from __future__ import annotations

from ..messages import Channel
from ..settings import Settings


def build(settings: Settings) -> dict[str, Channel]:
    """The channels whose credentials are set, by name."""
    channels: dict[str, Channel] = {}
    if settings.line_on:
        from .line import LineChannel  # the LINE SDK is loaded only when LINE is on

        channels["line"] = LineChannel(str(settings.line_channel_secret), str(settings.line_channel_access_token),
                                       settings.line_api_base_url)
    if settings.messenger_on:
        from .messenger import MessengerChannel  # loaded only when Messenger is on

        channels["messenger"] = MessengerChannel(str(settings.messenger_app_secret),
                                                 str(settings.messenger_verify_token),
                                                 str(settings.messenger_page_access_token),
                                                 settings.graph_api_base_url)
    return channels
