"""What the person sees, independent of Telegram: text plus rows of buttons.

Screens are built from domain results by `screens/` and turned into Bot API calls by
`handlers/reply.py`; scheduled work sends the same values without an incoming update.
A button carries a typed intent (`core.intents`), never hand-built callback data: only the
keyboard renderer encodes it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import NewType

from core.intents import Intent

Label = NewType("Label", str)
"""A button's text: plain text on Telegram, never HTML. `Translator.label` makes one from
a message; `Label(name)` marks text that is shown as it is (a site's name, a digit)."""


@dataclass(frozen=True)
class Button:
    label: Label
    intent: Intent | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if (self.intent is None) == (self.url is None):
            raise ValueError("a button has either an intent or a url")


@dataclass(frozen=True)
class Document:
    """A file sent with a screen (its text becomes the file's caption): a meeting's
    calendar file."""

    name: str
    data: bytes
    photo: bool = False  # an image shown in the chat (a chart), not a file to open


READABLE = 500  # characters a person reads in one message: the house rule, not Telegram's


@dataclass(frozen=True)
class Screen:
    """A message: its text (Telegram HTML), its buttons, and maybe a `lead`, said first in
    a message of its own (notes too long to join above this screen, see `joined_within`)."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = field(default=())
    lead: str | None = None
    document: Document | None = None

    def without_buttons(self) -> Screen:
        return Screen(self.text)

    def without_lead(self) -> Screen:
        return Screen(self.text, self.buttons, document=self.document)


@dataclass(frozen=True)
class Edited:
    """The tapped message becomes `screen`. Working inside one step (a tick, the way, a
    picker, back, help) changes that step's message instead of sending a copy of it: one
    message per step in the chat, and a message saved from Telegram's ~30 a second."""

    screen: Screen


@dataclass(frozen=True)
class MovedOn:
    """The person moved on: the tapped message is settled (its buttons go, "→ chosen" records
    the answer; the tapped button's own label when `chosen` is None) and `screen`, the next
    step, is sent as a new message."""

    screen: Screen
    chosen: Label | None = None


Shown = Screen | Edited | MovedOn
"""How an answer reaches the chat: a new message, the tapped one changed, or settled."""


def joined(*screens: Screen) -> Screen:
    """Several screens said as one message: their texts in order, a blank line between,
    under the buttons of the one screen that has any (usually the last: the menu, the step).

    One answer per tap, not two: Telegram lets a bot send about 30 messages a second in
    all, so every message saved serves more people at busy times; and a person reads one
    answer instead of a burst. Only one screen may carry buttons, so that none is silently
    dropped (a lost button is a lost way on): the caller drops the others with
    `without_buttons`. Joined texts must stay within Telegram's 4096 characters:
    `tests/test_screens.py` measures every joined answer in every language.
    """
    if not screens:
        raise ValueError("nothing to join")
    keyboards = [screen.buttons for screen in screens if screen.buttons]
    if len(keyboards) > 1:
        raise ValueError("only one of the joined screens may carry buttons")
    text = "\n\n".join(screen.text for screen in screens)
    leads = [screen.lead for screen in screens if screen.lead]
    return Screen(text, keyboards[0] if keyboards else (), "\n\n".join(leads) or None)


def joined_within(*screens: Screen, limit: int = READABLE) -> Screen:
    """`joined`, when the whole stays readable (at most `limit` characters as the person
    reads them); otherwise the last screen alone, with the others as its `lead`: one idea
    a message rather than one long message. Only the last screen may carry buttons."""
    together = joined(*screens)
    if len(screens) < 2 or readable_length(together.text) <= limit:
        return together
    *notes, last = screens
    if any(note.buttons for note in notes):
        raise ValueError("only the last screen may carry buttons")
    return Screen(last.text, last.buttons, lead="\n\n".join(note.text for note in notes))


def readable_length(text: str) -> int:
    """The characters a person reads: Telegram HTML without its tags and entities."""
    return len(html.unescape(_TAG.sub("", text)))


_TAG = re.compile(r"<[^>]*>")


def column(*buttons: Button) -> tuple[tuple[Button, ...], ...]:
    """One button per row: the easiest layout to read and tap on a small phone."""
    return tuple((button,) for button in buttons)
