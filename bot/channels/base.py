"""What a channel does when its platform lacks a capability of the `Channel` protocol (bot.messages): nothing."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..storage.store import Delivery


class BaseChannel:
    """Defaults for the optional capabilities: no profile language, no typing indicator, nothing to link, no
    multicast, no messaging window."""

    name: str
    multicast_limit: int = 0  # no multicast: one resident a message
    window: dt.timedelta | None = None  # the bot may write to a resident at any time

    def profile_language(self, user_id: str) -> str | None:
        """Not offered by this platform."""
        return None

    def show_loading(self, user_id: str) -> None:
        """No typing indicator on this platform."""

    def language_set(self, user_id: str, lang: str) -> None:
        """Nothing on this platform follows the resident's language."""

    def first_call_lease(self, delivery: Delivery) -> float | None:
        """No call to mark in doubt beforehand."""
        return None
