"""Hand-offs, the staff side: the alerts of my sites (/alertes), a hand-off's card, claim
("Je m'en occupe"), pass it to a peer or to the referent, close it with a private outcome.

Every action is authorised and audited (`StaffAction.HANDLE_HANDOFF`): anyone of the
person's site may take a request nobody holds; once held, only its holder and the site's
admins act on it. The audit log records who handled what, never what was said.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from core.access import Role, StaffAction, StaffActor, Target
from core.distress import Concern
from core.handoffs import ClosedBy, Level, Outcome, Reason, Share, Status, Urgency, Who
from core.notices import (
    HandoffClaimed,
    HandoffEnded,
    HandoffPassed,
    HandoffTaken,
    Notice,
    ToPerson,
    ToStaff,
)
from core.sites import first_name
from services import handoffs, outbox
from services.authorisation import authorise, load_actor, staff_transaction
from services.booking import person_label
from storage import handoffs as handoff_store
from storage import persons as person_store
from storage import staff as staff_store
from storage.db import SessionFactory
from storage.models import Handoff, Person, StaffMember


class Gone(StrEnum):
    """Why an action on a hand-off did nothing (an old button, or someone was quicker)."""

    CLOSED = "closed"  # closed or cancelled meanwhile
    TAKEN = "taken"  # a colleague claimed it first
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Card:
    """A hand-off as staff see it: who, why, how urgent, what the person shares, how long
    it has waited, and who holds it."""

    handoff_id: int
    person_id: int
    person_label: str
    reason: Reason
    urgency: Urgency
    concern: Concern | None
    share: Share
    status: Status
    since: datetime
    flow_id: str | None
    step_id: str | None
    deadline_on: date | None
    holder: str | None  # the holder's first name
    mine: bool  # held by the viewer
    has_referent: bool  # "Passer au référent" makes sense
    referent_is_me: bool
    late: bool  # passed the time promised to the person
    may_book: bool = False  # the viewer may book a meeting for the person (referent, admin)


@dataclass(frozen=True)
class Taken:
    """Someone else claimed it first: who."""

    by_name: str


async def alerts_page(db: SessionFactory, telegram_user_id: int, now: datetime) -> list[Card]:
    """/alertes: the open and held hand-offs of my sites, urgent first, then the oldest."""
    async with db.begin() as session:
        actor = await load_actor(session, telegram_user_id)
        if not isinstance(actor, StaffActor) or not actor.active:
            return []
        rows = await handoff_store.on_sites(session, actor.sites())
        cards = [await _card(session, row, actor.staff_id, now) for row in rows]
    return sorted(cards, key=lambda c: (c.urgency is not Urgency.URGENT, c.since))


async def card(
    db: SessionFactory, telegram_user_id: int, handoff_id: int, now: datetime
) -> Card | Gone:
    async with staff_transaction(db) as session:
        handoff = await _handled(session, telegram_user_id, handoff_id, now)
        if handoff is None:
            return Gone.NOT_FOUND
        member = await staff_store.find_staff(session, telegram_user_id)
        return await _card(session, handoff, member.id if member else None, now)


async def claim(
    db: SessionFactory, telegram_user_id: int, handoff_id: int, now: datetime
) -> Card | Taken | Gone:
    """ "Je m'en occupe": the first tap wins; the person is told who answers, the others
    alerted are told who took it, and what each side writes is relayed from now on."""
    async with staff_transaction(db) as session:
        handoff = await handoff_store.locked(session, handoff_id)
        if handoff is None:
            return Gone.NOT_FOUND
        member = await staff_store.find_staff(session, telegram_user_id)
        if handoff.status == Status.HELD and handoff.claimed_by is not None:
            if member is not None and handoff.claimed_by == member.id:
                return await _card(session, handoff, member.id, now)
            holder = await staff_store.get_staff(session, handoff.claimed_by)
            return Taken(first_name(holder.display_name) if holder else "?")
        if handoff.status != Status.OPEN:
            return Gone.CLOSED
        await authorise_on(session, telegram_user_id, handoff, now)
        assert member is not None  # authorised: a staff member
        await take(session, handoff, member, now)
        return await _card(session, handoff, member.id, now)


async def take(session: AsyncSession, handoff: Handoff, member: StaffMember, now: datetime) -> None:
    """The claim itself (authorised by the caller): the person is told who answers, the
    others alerted who took it; from now on what each writes is relayed."""
    handoff.status, handoff.claimed_by = Status.HELD.value, member.id
    handoff.claimed_at = handoff.picked_at = now
    handoff.escalate_at = None
    person = await person_store.get_person(session, handoff.person_id)
    role = await handoffs.role_of(session, member, handoff)
    name = first_name(member.display_name)
    told: list[Notice] = [HandoffClaimed(ToPerson(handoff.person_id), name, role.value, handoff.id)]
    label = person_label(person) if person else f"n°{handoff.person_id}"
    for alert in await handoff_store.alerts(session, handoff.id):
        if alert.staff_id != member.id:
            told.append(HandoffTaken(ToStaff(alert.staff_id), handoff.id, label, name))
    await outbox.queue(session, told, now, handoff_id=handoff.id)


async def pick(
    db: SessionFactory, telegram_user_id: int, handoff_id: int, now: datetime
) -> Card | Gone:
    """ "Répondre": what the holder types next goes to this person."""
    async with staff_transaction(db) as session:
        handoff = await _handled(session, telegram_user_id, handoff_id, now)
        member = await staff_store.find_staff(session, telegram_user_id)
        if handoff is None or member is None:
            return Gone.NOT_FOUND
        if handoff.status != Status.HELD or handoff.claimed_by != member.id:
            return Gone.CLOSED
        handoff.picked_at = now
        return await _card(session, handoff, member.id, now)


async def pass_to(
    db: SessionFactory, telegram_user_id: int, handoff_id: int, who: Who, now: datetime
) -> Card | Gone:
    """ "Passer à un pair" / "Passer au référent": the request is open again for them,
    the person is told; the one passing it lets go of it."""
    async with staff_transaction(db) as session:
        handoff = await _handled(session, telegram_user_id, handoff_id, now)
        if handoff is None:
            return Gone.NOT_FOUND
        if handoff.status not in handoff_store.ACTIVE:
            return Gone.CLOSED
        person = await person_store.get_person(session, handoff.person_id)
        if person is None:
            return Gone.NOT_FOUND
        handoff.status, handoff.who = Status.OPEN.value, who.value
        handoff.claimed_by = handoff.claimed_at = handoff.picked_at = None
        member = await staff_store.find_staff(session, telegram_user_id)
        await handoff_store.forget_alerts(session, handoff.id, keep=member.id if member else None)
        await handoffs.alert_from(session, person, handoff, Level.CHOSEN, now)
        passed = HandoffPassed(ToPerson(person.id), who.value)
        await outbox.queue(session, [passed], now, handoff_id=handoff.id)
        return await _card(session, handoff, member.id if member else None, now)


async def close(
    db: SessionFactory, telegram_user_id: int, handoff_id: int, outcome: Outcome, now: datetime
) -> Card | Gone:
    """ "Clore", with a private outcome for the site's figures; the person is told (and a
    message from them within a week reopens it)."""
    async with staff_transaction(db) as session:
        handoff = await _handled(session, telegram_user_id, handoff_id, now)
        if handoff is None:
            return Gone.NOT_FOUND
        if handoff.status not in handoff_store.ACTIVE:
            return Gone.CLOSED
        member = await staff_store.find_staff(session, telegram_user_id)
        handoff.status, handoff.outcome = Status.CLOSED.value, outcome.value
        handoff.closed_at, handoff.closed_by = now, ClosedBy.STAFF.value
        handoff.escalate_at = None
        if member is not None and handoff.claimed_by is None:
            handoff.claimed_by = member.id  # who handled it, for the figures
        name = first_name(member.display_name) if member else ""
        ended = HandoffEnded(ToPerson(handoff.person_id), name, handoff.id)
        await outbox.queue(session, [ended], now, handoff_id=handoff.id)
        return await _card(session, handoff, member.id if member else None, now)


async def _handled(
    session: AsyncSession, telegram_user_id: int, handoff_id: int, now: datetime
) -> Handoff | None:
    handoff = await handoff_store.locked(session, handoff_id)
    if handoff is None:
        return None
    await authorise_on(session, telegram_user_id, handoff, now)
    return handoff


async def authorise_on(
    session: AsyncSession, telegram_user_id: int, handoff: Handoff, now: datetime
) -> None:
    holder = handoff.claimed_by if handoff.status == Status.HELD else None
    await authorise(
        session,
        telegram_user_id,
        StaffAction.HANDLE_HANDOFF,
        Target(handoff.site_id, staff_id=holder),
        now,
        person_id=handoff.person_id,
    )


async def _card(session: AsyncSession, handoff: Handoff, viewer: int | None, now: datetime) -> Card:
    person: Person | None = await person_store.get_person(session, handoff.person_id)
    holder = None
    if handoff.claimed_by is not None and handoff.status == Status.HELD:
        member = await staff_store.get_staff(session, handoff.claimed_by)
        holder = first_name(member.display_name) if member else None
    deadline = await handoffs.next_deadline(session, handoff, now)
    referent_id = person.referent_id if person else None
    admin = viewer is not None and (
        handoff.site_id,
        Role.ADMIN.value,
    ) in await staff_store.roles_of(session, viewer)
    return Card(
        handoff.id,
        handoff.person_id,
        person_label(person) if person else f"n°{handoff.person_id}",
        Reason(handoff.reason),
        Urgency(handoff.urgency),
        Concern(handoff.concern) if handoff.concern else None,
        Share(handoff.share),
        Status(handoff.status),
        handoff.created_at,
        handoff.flow_id,
        handoff.step_id,
        deadline,
        holder,
        viewer is not None and handoff.claimed_by == viewer and handoff.status == Status.HELD,
        referent_id is not None,
        referent_id is not None and referent_id == viewer,
        handoff.late_told_at is not None,
        (referent_id is not None and referent_id == viewer) or admin,
    )
