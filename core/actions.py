"""Callback data: what a button asks for, as `name` or `name:argument` (at most 64 bytes).

Button data comes back from the client and can be forged, so it is parsed strictly here
and every handler re-checks on the server side what the person may do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    MENU = "menu"
    HELP = "help"
    LANGUAGE_PICKER = "langs"
    LANGUAGE = "lang"
    CONSENT = "consent"
    PRIVACY = "privacy"
    ERASE = "erase"
    EXPORT = "export"
    SUPPORT = "support"
    SITE = "site"
    SHARE = "share"
    STAFF = "staff"
    FLOWS = "flows"
    FLOW = "flow"
    JOURNEY = "journey"
    PARCOURS = "parcours"


class Consent(StrEnum):
    AGREE = "yes"
    MORE = "more"
    REFUSE = "no"


class Erase(StrEnum):
    ASK = "ask"
    CONFIRM = "yes"
    CANCEL = "no"


_DATA = re.compile(r"^(?P<name>[a-z]{1,16})(?::(?P<argument>[A-Za-z0-9_-]{1,40}))?$")


@dataclass(frozen=True)
class Pressed:
    action: Action
    argument: str | None = None


def encode(action: Action, argument: str | None = None) -> str:
    return action.value if argument is None else f"{action.value}:{argument}"


def decode(data: str | None) -> Pressed | None:
    """None for anything this version of the bot did not write."""
    match = _DATA.match(data or "")
    if match is None:
        return None
    try:
        action = Action(match["name"])
    except ValueError:
        return None
    return Pressed(action, match["argument"])
