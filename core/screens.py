"""What the person sees, independent of Telegram: text plus rows of buttons.

Screens are built from domain results by `screens/` and turned into Bot API calls by
`handlers/reply.py`; the scheduler can send the same values without an incoming update.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Button:
    label: str
    action: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if (self.action is None) == (self.url is None):
            raise ValueError("a button has either an action or a url")
        if self.action is not None and len(self.action.encode()) > 64:
            raise ValueError(f"callback data over 64 bytes: {self.action!r}")


@dataclass(frozen=True)
class Screen:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = field(default=())

    def without_buttons(self) -> Screen:
        return Screen(self.text)


def column(*buttons: Button) -> tuple[tuple[Button, ...], ...]:
    """One button per row: the easiest layout to read and tap on a small phone."""
    return tuple((button,) for button in buttons)
