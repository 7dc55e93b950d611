"""LINE rich menus: one per language (https://developers.line.biz/en/docs/messaging-api/using-rich-menus/).

`flask --app app line-richmenu` creates a menu for each language with six buttons (garbage rules, collection days,
consultation desk, Japanese class, talk to staff, language), uploads its image, and gives it the alias
`tomoni-<lang>`. Images: `<images>/<lang>.png` (2500x1686) when a designer made them, else plain coloured tiles
with no text — supply real images before going live. The English menu is the default; whenever a resident's
language is set, the bot links them to the menu of their language.
"""

from __future__ import annotations

import logging
import struct
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from linebot.v3.messaging import (
    ApiException,
    CreateRichMenuAliasRequest,
    MessagingApiBlob,
    PostbackAction,
    RichMenuArea,
    RichMenuBounds,
    RichMenuRequest,
    RichMenuSize,
)

from ..answering.catalog import Catalog

if TYPE_CHECKING:
    from .line import LineChannel

log = logging.getLogger(__name__)
WIDTH, HEIGHT = 2500, 1686
BUTTONS = ("garbage.rules", "garbage.schedule", "consultation.desk", "class.japanese", "human", "language")
COLOURS = ((46, 160, 67), (34, 139, 94), (30, 110, 180), (220, 120, 30), (170, 60, 120), (90, 90, 90))


def alias(lang: str) -> str:
    """The rich menu alias of a language."""
    return f"tomoni-{lang}"


def menu_request(catalog: Catalog, lang: str) -> RichMenuRequest:
    """Six buttons in two rows, labelled in the language."""
    areas = []
    for i, key in enumerate(BUTTONS):
        x, y = (i % 3) * (WIDTH // 3), (i // 3) * (HEIGHT // 2)
        label = catalog.name(lang) if key == "language" else str(catalog.get(lang, "intent_labels", key))
        data = "menu:language" if key == "language" else f"intent:{key}"
        areas.append(RichMenuArea(bounds=RichMenuBounds(x=x, y=y, width=WIDTH // 3, height=HEIGHT // 2),
                                  action=PostbackAction(label=label[:20], data=data, displayText=label)))
    return RichMenuRequest(size=RichMenuSize(width=WIDTH, height=HEIGHT), selected=False, name=alias(lang),
                           chatBarText=catalog.name(lang)[:14], areas=areas)


def tiles_png() -> bytes:
    """A 2500x1686 PNG of six coloured tiles (a stand-in for a designed menu image)."""
    white = b"\xff\xff\xff"
    rows = []
    for band in range(2):
        line = bytearray([0])  # PNG filter byte
        for x in range(WIDTH):
            colour = COLOURS[band * 3 + min(2, x * 3 // WIDTH)]
            line += white if x % (WIDTH // 3) < 6 else bytes(colour)
        edge = b"\x00" + white * WIDTH
        rows += [edge] * 6 + [bytes(line)] * (HEIGHT // 2 - 6)
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def install(channel: LineChannel, catalog: Catalog, languages: list[str], images: Path | None = None) -> dict[str, str]:
    """Create (or replace) the menu of each language; returns the rich menu ids by language."""
    blob = MessagingApiBlob(channel.client)
    default_image: bytes | None = None
    ids = {}
    for lang in languages:
        menu_id = channel.api.create_rich_menu(menu_request(catalog, lang), _request_timeout=10).rich_menu_id
        path = images / f"{lang}.png" if images else None
        if path and path.exists():
            image = path.read_bytes()
        else:
            default_image = default_image or tiles_png()
            image = default_image
        blob.set_rich_menu_image(menu_id, body=image, _headers={"Content-Type": "image/png"}, _request_timeout=30)
        try:
            channel.api.delete_rich_menu_alias(alias(lang), _request_timeout=10)
        except ApiException:
            pass  # no alias yet
        channel.api.create_rich_menu_alias(CreateRichMenuAliasRequest(richMenuAliasId=alias(lang), richMenuId=menu_id),
                                           _request_timeout=10)
        ids[lang] = menu_id
    if "en" in ids:
        channel.api.set_default_rich_menu(ids["en"], _request_timeout=10)
    return ids


class MenuLinker:
    """Links a resident to the rich menu of their language (menu ids looked up by alias once, then cached)."""

    def __init__(self, channel: LineChannel) -> None:
        self.channel = channel
        self.ids: dict[str, str | None] = {}

    def link(self, user_id: str, lang: str) -> None:
        """Show this resident the menu of `lang` (nothing if no menu was installed for it)."""
        if lang not in self.ids:
            try:
                found = self.channel.api.get_rich_menu_alias(alias(lang), _request_timeout=5)
                self.ids[lang] = found.rich_menu_id
            except ApiException:
                log.info("no rich menu installed for this language", extra={"language": lang})
                self.ids[lang] = None
        menu_id = self.ids[lang]
        if menu_id:
            self.channel.api.link_rich_menu_id_to_user(user_id, menu_id, _request_timeout=5)
