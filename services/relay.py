"""The relay: once a human holds a hand-off, what the person writes reaches them and what
they write reaches the person, each as a copy signed by its author; replies and edits
follow through the pairing of each message with its copy (`relayed_messages`).

Each copy is an outbox row written with the pairing, in the transaction that handles the
message (itself stored in the inbox first): a restart or a second worker neither loses
nor doubles a message. The text is kept only to sign and mirror it, and deleted 30 days
after the close (privacy housekeeping); files are never stored, Telegram copies them by id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from core.handoffs import REOPEN_WITHIN, Share, Status
from core.notices import Relayed, ToPerson, ToStaff, ToTeam
from core.relay import Incoming, MessageKind, RelayCopy, Sender
from core.sites import first_name
from services import handoffs, outbox
from services.booking import person_label
from services.onboarding import Visitor
from storage import handoffs as handoff_store
from storage import persons as person_store
from storage import sites as site_store
from storage import staff as staff_store
from storage.db import SessionFactory
from storage.models import Handoff, OutboxMessage, Person, RelayedMessage

OFFER_AFTER = 2  # typed messages in a row the bot could not use


class FromPerson(StrEnum):
    """What became of a message the person wrote."""

    RELAYED = "relayed"  # to the human who holds the conversation
    SHARED = "shared"  # to those alerted, who have not answered yet (the person chose it)
    REOPENED = "reopened"  # a closed conversation opened again, and the message relayed
    HELD_BACK = "held_back"  # a request is open, but the person shares only the step
    OFFER_HUMAN = "offer_human"  # no request, and the second text in a row the bot cannot use
    NONE = "none"  # no request: the bot answers as usual


@dataclass(frozen=True)
class ToPersonRelayed:
    """The staff member's message went to a person (named when they hold several)."""

    person_label: str
    several: bool


async def from_person(
    db: SessionFactory, visitor: Visitor, message: Incoming, now: datetime
) -> FromPerson:
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is None:
            return FromPerson.NONE
        active = await handoff_store.active_of_person(session, person.id)
        if active is None:
            reopened = await handoff_store.closed_since(session, person.id, now - REOPEN_WITHIN)
            if reopened is None or not await _holder_active(session, reopened):
                return _not_understood(person, message)
            reopened.status, reopened.closed_at, reopened.closed_by = Status.HELD.value, None, None
            reopened.outcome, reopened.picked_at = None, now
            await _copy_to_staff(session, person, reopened, reopened.claimed_by, message, now)
            return FromPerson.REOPENED
        held = active.status == Status.HELD and active.claimed_by is not None
        if not held and active.share != Share.MESSAGES:
            return FromPerson.HELD_BACK
        if await site_store.team_chat_of(session, active.site_id) is not None:
            await _copy_to_staff(session, person, active, None, message, now)  # the topic
        elif held:
            await _copy_to_staff(session, person, active, active.claimed_by, message, now)
        else:
            for alert in await handoff_store.alerts(session, active.id):
                await _copy_to_staff(session, person, active, alert.staff_id, message, now)
        return FromPerson.RELAYED if held else FromPerson.SHARED


async def to_person(
    session: AsyncSession,
    handoff: Handoff,
    staff_id: int,
    message: Incoming,
    answered: RelayedMessage | None,
    now: datetime,
    *,
    in_team: bool,
) -> None:
    """A staff member's message (in their chat with the bot, or in the team's topic),
    paired and queued for the person; a reply answers the person's own message."""
    relayed = await handoff_store.add_relayed(
        session,
        RelayedMessage(
            handoff_id=handoff.id,
            staff_id=staff_id,
            from_person=False,
            kind=message.kind.value,
            staff_message_id=None if in_team else message.message_id,
            team_message_id=message.message_id if in_team else None,
            text=message.text,
            reply_to=answered.id if answered else None,
            created_at=now,
        ),
    )
    to = ToPerson(handoff.person_id)
    await outbox.queue(session, [Relayed(to, relayed.id)], now, handoff_id=handoff.id)


def _not_understood(person: Person, message: Incoming) -> FromPerson:
    """Text the bot cannot use, counted in the same transaction (a typed message costs
    one transaction more, not two): the second in a row offers a human, and the count
    starts again (a tap resets it too, `services/accounts`)."""
    if message.kind is not MessageKind.TEXT:
        return FromPerson.NONE
    person.misunderstood += 1
    if person.misunderstood < OFFER_AFTER:
        return FromPerson.NONE
    person.misunderstood = 0
    return FromPerson.OFFER_HUMAN


async def from_staff(
    db: SessionFactory, telegram_user_id: int, message: Incoming, now: datetime
) -> ToPersonRelayed | None:
    """A staff member's message goes to the person of the conversation it answers (a
    reply to one of their copies), else of the one they picked last. None: they hold
    no conversation, and the bot answers as usual."""
    async with db.begin() as session:
        member = await staff_store.find_staff(session, telegram_user_id)
        if member is None or member.deactivated_at is not None:
            return None
        held = await handoff_store.held_by(session, member.id)
        if not held:
            return None
        target, answered = held[0], None
        if message.reply_to is not None:
            answered = await handoff_store.relayed_in_staff_chat(
                session, member.id, message.reply_to
            )
            target = next((h for h in held if answered and h.id == answered.handoff_id), target)
            if answered is not None and answered.handoff_id != target.id:
                answered = None
        target.picked_at = now
        await to_person(session, target, member.id, message, answered, now, in_team=False)
        person = await person_store.get_person(session, target.person_id)
        label = person_label(person) if person else f"n°{target.person_id}"
        return ToPersonRelayed(label, len(held) > 1)


async def edited(
    db: SessionFactory, telegram_user_id: int, message_id: int, text: str, now: datetime
) -> bool:
    """An edit of a relayed message is mirrored on its copy. False: not a relayed one."""
    async with db.begin() as session:
        relayed, to = await _own_relayed(session, telegram_user_id, message_id)
        if relayed is None or to is None:
            return False
        relayed.text, relayed.edited_at = text, now
        notice = Relayed(to, relayed.id, edit=True)
        await outbox.queue(session, [notice], now, handoff_id=relayed.handoff_id)
        return True


async def _own_relayed(
    session: AsyncSession, telegram_user_id: int, message_id: int
) -> tuple[RelayedMessage | None, ToPerson | ToStaff | ToTeam | None]:
    """The relayed original this author wrote (not a copy they received), and to whom
    its copy went."""
    person = await person_store.find_person(session, telegram_user_id)
    if person is not None:
        ids = [h.id for h in await handoff_store.of_person(session, person.id)]
        relayed = await handoff_store.relayed_in_person_chat(session, ids, message_id)
        if relayed is None or not relayed.from_person:
            return None, None
        if relayed.staff_id is None:
            return relayed, ToTeam(relayed.handoff_id)
        return relayed, ToStaff(relayed.staff_id)
    member = await staff_store.find_staff(session, telegram_user_id)
    if member is None:
        return None, None
    relayed = await handoff_store.relayed_in_staff_chat(session, member.id, message_id)
    if relayed is None or relayed.from_person:
        return None, None
    handoff = await handoff_store.get(session, relayed.handoff_id)
    return (relayed, ToPerson(handoff.person_id)) if handoff else (None, None)


async def _copy_to_staff(
    session: AsyncSession,
    person: Person,
    handoff: Handoff,
    staff_id: int | None,
    message: Incoming,
    now: datetime,
) -> None:
    """The person's message copied to a staff member, or (`staff_id` None) to the
    hand-off's topic in the site team's group."""
    answered = None
    if message.reply_to is not None:
        answered = await handoff_store.relayed_in_person_chat(
            session, [handoff.id], message.reply_to
        )
    relayed = await handoff_store.add_relayed(
        session,
        RelayedMessage(
            handoff_id=handoff.id,
            staff_id=staff_id,
            from_person=True,
            kind=message.kind.value,
            person_message_id=message.message_id,
            text=message.text,
            reply_to=answered.id if answered and answered.staff_id == staff_id else None,
            created_at=now,
        ),
    )
    to = ToStaff(staff_id) if staff_id is not None else ToTeam(handoff.id)
    await outbox.queue(session, [Relayed(to, relayed.id)], now, handoff_id=handoff.id)


async def _holder_active(session: AsyncSession, handoff: Handoff) -> bool:
    if handoff.claimed_by is None:
        return False
    member = await staff_store.get_staff(session, handoff.claimed_by)
    return member is not None and member.deactivated_at is None


async def copy_of(
    session: AsyncSession, row: OutboxMessage, notice: Relayed, chat_id: int
) -> RelayCopy | None:
    """What the sender sends for a relayed message, read when it is sent; None when the
    message or its hand-off is gone (erased), or an edit's copy was never sent."""
    relayed = await handoff_store.get_relayed(session, notice.relayed_id)
    if relayed is None:
        return None
    handoff = await handoff_store.get(session, relayed.handoff_id)
    person = await person_store.get_person(session, handoff.person_id) if handoff else None
    member = await staff_store.get_staff(session, relayed.staff_id) if relayed.staff_id else None
    if handoff is None or person is None:
        return None
    if relayed.from_person:
        sender = Sender(person_label(person), None)
        to_team = relayed.staff_id is None
        from_chat, original, copy = (
            person.telegram_user_id,
            relayed.person_message_id,
            relayed.team_message_id if to_team else relayed.staff_message_id,
        )
    elif member is None:
        return None
    elif relayed.team_message_id is not None and relayed.staff_message_id is None:
        role = await handoffs.role_of(session, member, handoff)  # written in the team's topic
        sender = Sender(first_name(member.display_name), role.value)
        team_chat = await site_store.team_chat_of(session, handoff.site_id)
        if team_chat is None:
            return None
        from_chat, original, copy = team_chat, relayed.team_message_id, relayed.person_message_id
    else:
        role = await handoffs.role_of(session, member, handoff)
        sender = Sender(first_name(member.display_name), role.value)
        from_chat, original, copy = (
            member.telegram_user_id,
            relayed.staff_message_id,
            relayed.person_message_id,
        )
    if original is None or (notice.edit and copy is None):
        return None
    return RelayCopy(
        relayed.id,
        MessageKind(relayed.kind),
        sender,
        from_chat,
        original,
        relayed.text,
        reply_to_message_id=await _reply_target(session, relayed),
        edit_of=copy if notice.edit else None,
        urgent=handoff.urgency == "urgent" and relayed.from_person,
    )


async def _reply_target(session: AsyncSession, relayed: RelayedMessage) -> int | None:
    """The message the copy answers, in the recipient's chat: the counterpart of the one
    the original answered."""
    if relayed.reply_to is None:
        return None
    answered = await handoff_store.get_relayed(session, relayed.reply_to)
    if answered is None:
        return None
    if not relayed.from_person:
        return answered.person_message_id
    return answered.team_message_id if relayed.staff_id is None else answered.staff_message_id
