"""What a channel does when its platform lacks a capability of the `Channel` protocol (bot.messages): nothing."""

from __future__ import annotations


class BaseChannel:
    """Defaults for the optional capabilities: no profile language, no typing indicator, nothing to link."""

    name: str

    def profile_language(self, user_id: str) -> str | None:
        """Not offered by this platform."""
        return None

    def show_loading(self, user_id: str) -> None:
        """No typing indicator on this platform."""

    def language_set(self, user_id: str, lang: str) -> None:
        """Nothing on this platform follows the resident's language."""
