"""The relay of a held hand-off: what a person and a staff member write to each other,
copied (never forwarded, so neither sees the other's Telegram account)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class MessageKind(StrEnum):
    TEXT = "text"
    PHOTO = "photo"
    DOCUMENT = "document"


@dataclass(frozen=True)
class Incoming:
    """A message someone wrote in their chat with the bot, as the relay needs it."""

    message_id: int
    kind: MessageKind
    text: str | None  # the text, or a file's caption
    reply_to: int | None = None  # the message it answers, in the same chat


@dataclass(frozen=True)
class Sender:
    """Who a copy is from: a staff member signs with first name and role; a person is
    named as staff know them (the referent's note, or a number)."""

    name: str
    role: str | None  # core.access.Role for staff, None for the person


@dataclass(frozen=True)
class RelayCopy:
    """One copy to send (or, with `edit_of`, to edit) on the other side of a relay."""

    relayed_id: int
    kind: MessageKind
    sender: Sender
    from_chat_id: int  # where the original is
    message_id: int  # the original
    text: str | None
    reply_to_message_id: int | None = None  # in the recipient's chat
    edit_of: int | None = None  # the copy to edit, in the recipient's chat
    urgent: bool = False  # the person's message set off the distress rules
