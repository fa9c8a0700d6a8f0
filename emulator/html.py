"""Telegram's HTML ``parse_mode``, ported from tdlib's ``parse_html`` so errors read the same.

Offsets in error messages are byte offsets in the UTF-8 text, like the real server's; entity
offsets and lengths are UTF-16 code units. Unknown ``&name;`` references are kept literally,
as tdlib does, rather than rejected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_SPACES = frozenset(b" \t\r\n\x00\x0b\x0c")
_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
}
_NAMED = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}


class EntityParseError(ValueError):
    """Unparsable text; ``str()`` is the server's description minus ``Bad Request: ``."""


def _fail(message: str) -> EntityParseError:
    return EntityParseError(f"can't parse entities: {message}")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts text in."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Open:
    tag: str
    argument: str
    utf16_offset: int
    entity_count: int = field(default=0)


class _Parser:
    def __init__(self, text: str) -> None:
        self.data = text.encode("utf-8")
        self.out = bytearray()
        self.utf16 = 0
        self.entities: list[dict[str, Any]] = []
        self.stack: list[_Open] = []

    def at(self, i: int) -> int:
        return self.data[i] if i < len(self.data) else 0

    def emit_char(self, char: str) -> None:
        self.out += char.encode("utf-8")
        self.utf16 += utf16_len(char)

    def entity(self, pos: int) -> tuple[str, int] | None:
        """Decode ``&...;`` at ``pos`` like tdlib: returns (char, next position) or None."""
        end = pos + 1
        code = 0
        if self.at(end) == ord("#"):
            end += 1
            hexa = self.at(end) == ord("x")
            end += hexa
            digits = b"0123456789abcdefABCDEF" if hexa else b"0123456789"
            while self.at(end) and self.at(end) in digits:
                code = code * (16 if hexa else 10) + int(chr(self.at(end)), 16)
                end += 1
                if code >= 0x10FFFF:
                    return None
            if code == 0 or 0xD800 <= code <= 0xDFFF:
                return None
            char = chr(code)
        else:
            while chr(self.at(end)).isascii() and chr(self.at(end)).isalpha():
                end += 1
            named = _NAMED.get(self.data[pos + 1 : end])
            if named is None:
                return None
            char = named
        return char, end + 1 if self.at(end) == ord(";") else end

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        i = 0
        while i < len(self.data):
            c = self.data[i]
            if c == ord("&"):
                decoded = self.entity(i)
                if decoded is not None:
                    self.emit_char(decoded[0])
                    i = decoded[1]
                    continue
            if c != ord("<"):
                self.out.append(c)
                self.utf16 += ((c & 0xC0) != 0x80) + (c >= 0xF0)
                i += 1
                continue
            i = self.end_tag(i) if self.at(i + 1) == ord("/") else self.start_tag(i)
        if self.stack:
            raise _fail(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"')
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return self.out.decode("utf-8"), self.entities

    def start_tag(self, begin: int) -> int:
        i = begin + 1
        while self.at(i) not in _SPACES and self.at(i) != ord(">"):
            i += 1
        if self.at(i) == 0:
            raise _fail(f"Unclosed start tag at byte offset {begin}")
        tag = self.data[begin + 1 : i].decode("utf-8", "replace").lower()
        if tag not in _TAGS:
            raise _fail(f'Unsupported start tag "{tag}" at byte offset {begin}')
        argument = ""
        while self.at(i) != ord(">"):
            while self.at(i) and self.at(i) in _SPACES:
                i += 1
            if self.at(i) == ord(">"):
                break
            name_start = i
            while self.at(i) not in _SPACES and self.at(i) not in b"=>":
                i += 1
            name = self.data[name_start:i].decode("utf-8", "replace")
            if not name:
                raise _fail(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
            while self.at(i) and self.at(i) in _SPACES:
                i += 1
            if self.at(i) != ord("=") and tag == "blockquote" and name == "expandable":
                argument = "1"  # the documented valueless form <blockquote expandable>
                continue
            if self.at(i) != ord("="):
                raise _fail(
                    "Expected equal sign in declaration of an attribute of the tag"
                    f' "{tag}" at byte offset {begin}'
                )
            i += 1
            while self.at(i) and self.at(i) in _SPACES:
                i += 1
            if self.at(i) == 0:
                raise _fail(f"Unclosed start tag at byte offset {begin}")
            value, i = self.attribute_value(i, begin)
            argument = _argument(tag, name, value, argument)
        if tag == "span" and argument != "spoiler":
            raise _fail(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
        self.stack.append(_Open(tag, argument, self.utf16, len(self.entities)))
        return i + 1

    def attribute_value(self, i: int, begin: int) -> tuple[str, int]:
        quote = self.at(i)
        if quote not in (ord("'"), ord('"')):
            start = i
            while chr(self.at(i)).isascii() and (chr(self.at(i)).isalnum() or self.at(i) in b".-"):
                i += 1
            if self.at(i) not in _SPACES and self.at(i) != ord(">"):
                raise _fail(f"Unexpected end of name token at byte offset {start}")
            return self.data[start:i].decode("utf-8").lower(), i
        i += 1
        value = bytearray()
        while self.at(i) != quote and self.at(i) != 0:
            decoded = self.entity(i) if self.at(i) == ord("&") else None
            if decoded is not None:
                value += decoded[0].encode("utf-8")
                i = decoded[1]
                continue
            value.append(self.data[i])
            i += 1
        if self.at(i) == quote:
            i += 1
        if self.at(i) == 0:
            raise _fail(f"Unclosed start tag at byte offset {begin}")
        return value.decode("utf-8", "replace"), i

    def end_tag(self, begin: int) -> int:
        if not self.stack:
            raise _fail(f"Unexpected end tag at byte offset {begin}")
        i = begin + 2
        while self.at(i) not in _SPACES and self.at(i) != ord(">"):
            i += 1
        name = self.data[begin + 2 : i].decode("utf-8", "replace")
        while self.at(i) and self.at(i) in _SPACES:
            i += 1
        if self.at(i) != ord(">"):
            raise _fail(f"Unclosed end tag at byte offset {begin}")
        opened = self.stack.pop()
        if name and name.lower() != opened.tag:
            raise _fail(
                f"Unmatched end tag at byte offset {begin},"
                f' expected "</{opened.tag}>", found "</{name}>"'
            )
        self.close(opened)
        return i + 1

    def close(self, opened: _Open) -> None:
        length = self.utf16 - opened.utf16_offset
        if length <= 0:
            return
        tag, argument = opened.tag, opened.argument
        extra: dict[str, str] = {}
        if tag in ("a", "tg-emoji"):
            if not argument:
                return
            kind = "text_link" if tag == "a" else "custom_emoji"
            extra = {"url": argument} if tag == "a" else {"custom_emoji_id": argument}
        elif tag == "blockquote":
            kind = "expandable_blockquote" if argument else "blockquote"
        else:
            kind = _SIMPLE[tag]
        parent = self.stack[-1] if self.stack else None
        if tag == "code" and argument and parent is not None and parent.tag == "pre":
            parent.argument = argument  # <pre><code class="language-x"> is one pre entity
        if tag == "pre" and argument:
            extra = {"language": argument}
            self.entities = [
                e
                for i, e in enumerate(self.entities)
                if i < opened.entity_count
                or (e["type"], e["offset"], e["length"]) != ("code", opened.utf16_offset, length)
            ]
        self.entities.append(
            {"type": kind, "offset": opened.utf16_offset, "length": length, **extra}
        )


def _argument(tag: str, name: str, value: str, current: str) -> str:
    if tag == "a" and name == "href":
        return value
    if tag == "code" and name == "class" and value.startswith("language-"):
        return value[len("language-") :]
    if tag == "span" and name == "class" and value.startswith("tg-"):
        return value[len("tg-") :]
    if tag == "tg-emoji" and name == "emoji-id":
        return value
    if tag == "blockquote" and name == "expandable":
        return "1"
    return current


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and MessageEntity dicts of an HTML-formatted text (not trimmed)."""
    return _Parser(text).run()


def format_text(text: str, parse_mode: str | None) -> tuple[str, list[dict[str, Any]]]:
    """What the server stores for ``text`` sent with ``parse_mode``: parsed, then trimmed.

    Markdown modes are not parsed: their text is kept as sent (an approximation).
    """
    mode = (parse_mode or "").lower()
    if mode == "html":
        plain, entities = parse_html(text)
    elif mode in ("", "markdown", "markdownv2"):
        plain, entities = text, []
    else:
        raise EntityParseError("unsupported parse_mode")
    return _trim(plain, entities)


def _trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Drop leading/trailing spaces and newlines, shifting and clipping entities like tdlib."""
    stripped = text.rstrip(" \n")
    first_entity = min((e["offset"] for e in entities), default=None)
    lead = len(stripped) - len(stripped.lstrip(" \n"))
    lead_units = utf16_len(stripped[:lead])
    if first_entity is not None and lead_units > first_entity:
        lead_units = first_entity
        lead = len(stripped.encode("utf-16-le")[: 2 * first_entity].decode("utf-16-le"))
    stripped = stripped[lead:]
    total = utf16_len(stripped)
    result = []
    for entity in entities:
        start = entity["offset"] - lead_units
        end = min(start + entity["length"], total)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result


def plain_text(text: str, parse_mode: str) -> str:
    """The text whose length the Bot API limits ("characters after entities parsing")."""
    return format_text(text, parse_mode)[0]
