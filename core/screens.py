"""What the person sees, independent of Telegram: text plus rows of buttons.

Screens are built from domain results by `screens/` and turned into Bot API calls by
`handlers/reply.py`; scheduled work sends the same values without an incoming update.
A button carries a typed intent (`core.intents`), never hand-built callback data: only the
keyboard renderer encodes it.
"""

from __future__ import annotations

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
class Screen:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = field(default=())

    def without_buttons(self) -> Screen:
        return Screen(self.text)


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
    return Screen(text, keyboards[0] if keyboards else ())


def column(*buttons: Button) -> tuple[tuple[Button, ...], ...]:
    """One button per row: the easiest layout to read and tap on a small phone."""
    return tuple((button,) for button in buttons)
