"""Hand-offs, the person's side: asking for a human, choosing who and what is shared,
cancelling; and the rules every side shares: who is alerted at each level of the chain,
when the claim is late (`escalate`), what the person is told.

Every alert, relay and escalation is an outbox row written in the transaction of the
change (`services/outbox.py`): a restart or a second worker loses and repeats nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from core.access import Role
from core.distress import Concern
from core.handoffs import (
    ClosedBy,
    Level,
    Office,
    Reason,
    Share,
    Status,
    Urgency,
    Who,
    claim_deadline,
    next_level,
    urgency_of,
)
from core.notices import (
    HandoffAlert,
    HandoffEnded,
    HandoffLate,
    ToPerson,
    ToStaff,
    ToTeam,
)
from core.opening_hours import (
    DEFAULT_OPENING,
    OpeningError,
    is_holiday,
    is_open,
    next_opening,
    parse_opening,
)
from core.sites import Contact, first_name
from flows.deadlines import at_risk
from flows.engine import Progress
from flows.engine import Status as FlowStatus
from flows.model import Flow
from flows.registry import FlowRegistry
from services import outbox
from services.booking import person_label
from services.onboarding import Visitor
from services.sites import contact_for
from storage import handoffs as handoff_store
from storage import persons as person_store
from storage import progress as progress_store
from storage import reminders as reminder_store
from storage import sites as site_store
from storage import staff as staff_store
from storage.db import SessionFactory
from storage.models import Handoff, Person, Site, StaffMember

ESCALATE_BATCH = 50


@dataclass(frozen=True)
class Holder:
    """The human who holds the conversation, as the person sees them."""

    first_name: str
    role: Role


@dataclass(frozen=True)
class Waiting:
    """The person's request as they see it: whom it went to, what happens next and when."""

    handoff_id: int
    status: Status
    who: Who
    share: Share
    urgency: Urgency
    concern: Concern | None
    referent: str | None  # the referent's first name, when the person has one
    has_peers: bool
    holder: Holder | None
    answer_by: datetime | None  # the time promised, while it is open
    open_now: bool  # the site's team is at work now
    back_at: datetime | None  # when the team is back, when it is not
    contact: Contact  # whom to call meanwhile
    at: datetime  # when this was read: "today" or another day, when times are said


@dataclass(frozen=True)
class Nobody:
    """Nobody in the bot can be alerted (no site yet, or a site with no staff): the person
    is told plainly whom to call or where to go."""

    contact: Contact


@dataclass(frozen=True)
class Choice:
    """Whom the person can ask for: their referent (by first name), peers, or whoever is
    first; with their request if one is already open."""

    referent: str | None
    has_peers: bool
    active: Waiting | None
    contact: Contact


# -- the person's side -------------------------------------------------------------------


async def choices(db: SessionFactory, visitor: Visitor, now: datetime) -> Choice | Nobody:
    """🙋 Parler à quelqu'un: whom they can ask for (and their request, if one is open)."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is None:
            return Nobody(Contact())
        contact = await contact_for(session, person)
        team = await _team(session, person.site_id)
        if not team:
            return Nobody(contact)
        active = await handoff_store.active_of_person(session, person.id)
        waiting = await _waiting(session, person, active, now) if active else None
        referent = await _referent(session, person)
        has_peers = any(role is Role.PEER for _, role in team)
        return Choice(
            first_name(referent.display_name) if referent else None, has_peers, waiting, contact
        )


async def ask(
    db: SessionFactory,
    visitor: Visitor,
    who: Who,
    now: datetime,
    reason: Reason = Reason.ASKED,
    concern: Concern | None = None,
) -> Waiting | Nobody:
    """The person asks for a human (or says yes to the one offered): the chosen one is
    alerted now; a request already open is sent to the newly chosen human instead."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is None:
            return Nobody(Contact())
        return await open_for(session, person, reason, now, who=who, concern=concern)


async def open_for(
    session: AsyncSession,
    person: Person,
    reason: Reason,
    now: datetime,
    *,
    who: Who | None = None,
    flow_id: str | None = None,
    step_id: str | None = None,
    concern: Concern | None = None,
) -> Waiting | Nobody:
    """Open a hand-off (or bring the open one up to date) in the caller's transaction,
    and alert the first level of the chain that has somebody in it."""
    active = await handoff_store.active_of_person(session, person.id)
    if active is not None:
        await _update(session, person, active, reason, now, who, flow_id, step_id, concern)
        return await _waiting(session, person, active, now)
    if person.site_id is None:
        return Nobody(await contact_for(session, person))
    chosen = who or (Who.REFERENT if person.referent_id is not None else Who.FIRST)
    if flow_id is None:  # asked from the menu: the procedure they are in, if any
        flow_id, step_id = await _current_step(session, person)
    handoff = await handoff_store.add(
        session,
        Handoff(
            person_id=person.id,
            site_id=person.site_id,
            reason=reason.value,
            urgency=urgency_of(reason).value,
            who=chosen.value,
            share=Share.STEP.value,
            flow_id=flow_id,
            step_id=step_id,
            concern=concern.value if concern else None,
            status=Status.OPEN.value,
            level=Level.CHOSEN.value,
            created_at=now,
        ),
    )
    if not await alert_from(session, person, handoff, Level.CHOSEN, now):
        await session.delete(handoff)
        return Nobody(await contact_for(session, person))
    if await site_store.team_chat_of(session, handoff.site_id) is not None:
        card = await _card_for(session, person, handoff, ToTeam(handoff.id), Level.CHOSEN, now)
        await outbox.queue(session, [card], now)  # its own topic in the team's group
    return await _waiting(session, person, handoff, now)


async def _current_step(session: AsyncSession, person: Person) -> tuple[str | None, str | None]:
    """The procedure the person worked on last, and their step in it (not a finished one)."""
    for row in await progress_store.of_person(session, person.id):
        progress = progress_store.read(row)
        if progress is not None and progress.status is not FlowStatus.FINISHED:
            return progress.flow_id, progress.current
    return None, None


async def _update(
    session: AsyncSession,
    person: Person,
    handoff: Handoff,
    reason: Reason,
    now: datetime,
    who: Who | None,
    flow_id: str | None,
    step_id: str | None,
    concern: Concern | None,
) -> None:
    """A second ask while one is open: more urgent if it now is, the step if it had
    none, and the newly chosen human alerted (those alerted before stay alerted)."""
    if urgency_of(reason) is Urgency.URGENT and handoff.urgency != Urgency.URGENT:
        handoff.urgency, handoff.reason = Urgency.URGENT.value, reason.value
        if handoff.status == Status.OPEN and handoff.escalate_at is not None:
            office = await office_of(session, handoff.site_id)
            handoff.escalate_at = min(
                handoff.escalate_at, claim_deadline(Urgency.URGENT, now, office)
            )
    if concern is not None:
        handoff.concern = concern.value
    if flow_id and handoff.flow_id is None:
        handoff.flow_id, handoff.step_id = flow_id, step_id
    if who is not None and who.value != handoff.who and handoff.status == Status.OPEN:
        handoff.who = who.value
        await alert_from(session, person, handoff, Level.CHOSEN, now)


async def request(db: SessionFactory, visitor: Visitor, now: datetime) -> Waiting | None:
    """The person's request, as it stands (None: they have none open)."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is None:
            return None
        active = await handoff_store.active_of_person(session, person.id)
        return await _waiting(session, person, active, now) if active else None


async def set_share(
    db: SessionFactory, visitor: Visitor, handoff_id: int, share: Share, now: datetime
) -> Waiting | None:
    """What the alerted humans see: the step only, or also what the person writes."""
    async with db.begin() as session:
        person, handoff = await _own(session, visitor, handoff_id)
        if person is None or handoff is None:
            return None
        handoff.share = share.value
        return await _waiting(session, person, handoff, now)


async def withdraw(db: SessionFactory, visitor: Visitor, handoff_id: int, now: datetime) -> bool:
    """The person cancels their request, or ends the conversation a human holds (the
    holder is told). False: there was nothing to cancel (an old button)."""
    async with db.begin() as session:
        person, handoff = await _own(session, visitor, handoff_id)
        if person is None or handoff is None:
            return False
        if handoff.status == Status.HELD and handoff.claimed_by is not None:
            handoff.status = Status.CLOSED.value
            ended = HandoffEnded(ToStaff(handoff.claimed_by), person_label(person), handoff.id)
            await outbox.queue(session, [ended], now, handoff_id=handoff.id)
        else:
            handoff.status = Status.CANCELLED.value
        handoff.closed_at, handoff.closed_by = now, ClosedBy.PERSON.value
        handoff.escalate_at = None
        return True


async def _own(
    session: AsyncSession, visitor: Visitor, handoff_id: int
) -> tuple[Person | None, Handoff | None]:
    """The person and their hand-off, if it is theirs and still open or held."""
    person = await person_store.find_person(session, visitor.telegram_user_id)
    handoff = await handoff_store.locked(session, handoff_id)
    if person is None or handoff is None or handoff.person_id != person.id:
        return person, None
    if handoff.status not in handoff_store.ACTIVE:
        return person, None
    return person, handoff


# -- the chain ---------------------------------------------------------------------------


async def alert_from(
    session: AsyncSession, person: Person, handoff: Handoff, level: Level, now: datetime
) -> bool:
    """Alert the first level from `level` on with somebody not alerted yet; its claim is
    due by the site's time. False: nobody left in the chain."""
    office = await office_of(session, handoff.site_id)
    current: Level | None = level
    while current is not None:
        staff = await _recipients(session, person, handoff, current)
        if staff:
            await _alert(session, person, handoff, staff, current, now)
            handoff.level = current.value
            handoff.escalate_at = claim_deadline(Urgency(handoff.urgency), now, office)
            return True
        current = next_level(current)
    return False


async def _recipients(
    session: AsyncSession, person: Person, handoff: Handoff, level: Level
) -> list[StaffMember]:
    """Who a level alerts, less those already alerted: the chosen human (the referent,
    the site's peers, or for "first" the referent, peers and mediators), then the site's
    team, then its admins."""
    team = await _team(session, handoff.site_id)
    wanted, referent_too = _wanted(level, Who(handoff.who))
    alerted = {a.staff_id for a in await handoff_store.alerts(session, handoff.id)}
    chosen: dict[int, StaffMember] = {}
    for member, role in team:
        fits = role in wanted or (referent_too and member.id == person.referent_id)
        if fits and member.id not in alerted:
            chosen.setdefault(member.id, member)
    return list(chosen.values())


def _wanted(level: Level, who: Who) -> tuple[set[Role], bool]:
    """The roles a level alerts, and whether the person's own referent is among them."""
    match level:
        case Level.CHOSEN:
            match who:
                case Who.REFERENT:
                    return set(), True
                case Who.PEER:
                    return {Role.PEER}, False
                case Who.FIRST:
                    return {Role.PEER, Role.MEDIATOR}, True
        case Level.TEAM:
            return {Role.REFERENT, Role.MEDIATOR, Role.PEER}, True
        case Level.ADMINS:
            return {Role.ADMIN}, False


async def _alert(
    session: AsyncSession,
    person: Person,
    handoff: Handoff,
    staff: Sequence[StaffMember],
    level: Level,
    now: datetime,
) -> None:
    notices = []
    for member in staff:
        await handoff_store.add_alert(session, handoff.id, member.id, level.value, now)
        notices.append(await _card_for(session, person, handoff, ToStaff(member.id), level, now))
    await outbox.queue(session, notices, now, handoff_id=handoff.id)


async def _card_for(
    session: AsyncSession,
    person: Person,
    handoff: Handoff,
    to: ToStaff | ToTeam,
    level: Level,
    now: datetime,
) -> HandoffAlert:
    titles = await _titles_of(session, person, handoff, now)
    return HandoffAlert(
        to,
        handoff.id,
        person_label(person),
        handoff.reason,
        handoff.urgency,
        handoff.share,
        handoff.created_at.isoformat(),
        escalated=level is not Level.CHOSEN,
        concern=handoff.concern,
        flow_id=titles[0],
        step_id=titles[1],
        deadline_on=titles[2],
    )


async def _titles_of(
    session: AsyncSession, person: Person, handoff: Handoff, now: datetime
) -> tuple[str | None, str | None, str | None]:
    """The flow and step (named on the card from the flows when it is sent) and the
    flow's next deadline, when the hand-off is about a step."""
    if handoff.flow_id is None:
        return None, None, None
    deadline = await next_deadline(session, handoff, now)
    return handoff.flow_id, handoff.step_id, deadline.isoformat() if deadline else None


async def next_deadline(session: AsyncSession, handoff: Handoff, now: datetime) -> date | None:
    """The next deadline of the procedure the hand-off is about, for its card."""
    if handoff.flow_id is None:
        return None
    deadlines = await reminder_store.upcoming_deadlines(session, handoff.person_id, now.date())
    return next((day for flow, _, day in deadlines if flow == handoff.flow_id), None)


async def escalate(db: SessionFactory, now: datetime) -> int:
    """Open hand-offs whose claim is late go up the chain; the person is told, once, that
    it takes longer than promised. Runs every minute: rows, so a restart or a night of
    downtime only delays it."""
    moved = 0
    async with db.begin() as session:
        for handoff in await handoff_store.due_escalations(session, now, ESCALATE_BATCH):
            person = await person_store.get_person(session, handoff.person_id)
            if person is None:
                continue
            await escalate_one(session, person, handoff, now)
            moved += 1
    return moved


async def escalate_one(
    session: AsyncSession, person: Person, handoff: Handoff, now: datetime
) -> None:
    """The next level is alerted (or, at the end of the chain, nobody more); the person
    hears once that it takes longer than promised."""
    following = next_level(Level(handoff.level))
    if following is None or not await alert_from(session, person, handoff, following, now):
        handoff.escalate_at = None  # everybody has been alerted: they see it in /alertes
    if handoff.late_told_at is None:
        handoff.late_told_at = now
        urgent = handoff.urgency == Urgency.URGENT
        late = HandoffLate(ToPerson(person.id), urgent, handoff.concern)
        await outbox.queue(session, [late], now, handoff_id=handoff.id)


async def alert_unreachable(session: AsyncSession, handoff_id: int, now: datetime) -> None:
    """An alert bounced (the staff member blocked the bot): the next level now, unless
    another alert of the same level may still be read."""
    handoff = await handoff_store.locked(session, handoff_id)
    if handoff is None or handoff.status != Status.OPEN:
        return
    person = await person_store.get_person(session, handoff.person_id)
    if person is not None:
        following = next_level(Level(handoff.level))
        if following is not None:
            await alert_from(session, person, handoff, following, now)


# -- what the person is told -------------------------------------------------------------


async def _waiting(
    session: AsyncSession, person: Person, handoff: Handoff, now: datetime
) -> Waiting:
    office = await office_of(session, handoff.site_id)
    open_now = is_open(now, office.hours, office.zone, office.holiday)
    holder = None
    if handoff.claimed_by is not None and handoff.status == Status.HELD:
        member = await staff_store.get_staff(session, handoff.claimed_by)
        if member is not None:
            holder = Holder(
                first_name(member.display_name), await role_of(session, member, handoff)
            )
    referent = await _referent(session, person)
    team = await _team(session, handoff.site_id)
    promised = handoff.escalate_at if handoff.status == Status.OPEN else None
    return Waiting(
        handoff.id,
        Status(handoff.status),
        Who(handoff.who),
        Share(handoff.share),
        Urgency(handoff.urgency),
        Concern(handoff.concern) if handoff.concern else None,
        first_name(referent.display_name) if referent else None,
        any(role is Role.PEER for _, role in team),
        holder,
        promised if handoff.late_told_at is None else None,
        open_now,
        None if open_now else next_opening(now, office.hours, office.zone, office.holiday),
        await contact_for(session, person),
        now,
    )


async def office_of(session: AsyncSession, site_id: int | None) -> Office:
    """The site's opening hours (its own, else weekdays' office hours), zone and holidays."""
    site = await site_store.get_site(session, site_id) if site_id is not None else None
    return office_for(site)


def office_for(site: Site | None) -> Office:
    hours = DEFAULT_OPENING
    if site is not None and site.opening:
        try:
            hours = parse_opening(site.opening)
        except OpeningError:
            hours = DEFAULT_OPENING  # checked when set: an old value stays usable
    zone = ZoneInfo(site.timezone if site else "Europe/Paris")
    return Office(hours, zone, is_holiday(site.holiday_region if site else "metropole"))


async def _team(session: AsyncSession, site_id: int | None) -> list[tuple[StaffMember, Role]]:
    if site_id is None:
        return []
    return [
        (member, Role(role)) for member, role in await staff_store.staff_on_site(session, site_id)
    ]


async def _referent(session: AsyncSession, person: Person) -> StaffMember | None:
    if person.referent_id is None:
        return None
    member = await staff_store.get_staff(session, person.referent_id)
    return member if member is not None and member.deactivated_at is None else None


async def role_of(session: AsyncSession, member: StaffMember, handoff: Handoff) -> Role:
    """How the holder signs: their role on the hand-off's site, the most telling first."""
    roles = {
        Role(r) for s, r in await staff_store.roles_of(session, member.id) if s == handoff.site_id
    }
    for role in (Role.REFERENT, Role.PEER, Role.MEDIATOR, Role.ADMIN):
        if role in roles:
            return role
    return Role.REFERENT


async def watch_deadlines(
    db: SessionFactory, registry: FlowRegistry, now: datetime, zone: ZoneInfo
) -> int:
    """A right at risk: a deadline's `flag_human` period has begun and the procedure is
    not done (a repeating one: done again), so the referent (else the team) is alerted,
    once per deadline. Hourly; returns how many requests were opened."""
    watched = {f.id: f for f in registry.all() if any(d.flag_human for d in f.deadlines)}
    if not watched:
        return 0
    opened = 0
    async with db.begin() as session:
        for row in await progress_store.of_flows(session, list(watched)):
            flow, progress = watched[row.flow_id], progress_store.read(row)
            if progress is None:
                continue
            since = _risk_began(flow, progress, now.astimezone(zone).date())
            if since is None:
                continue
            began = datetime.combine(since, time(0, 0), tzinfo=zone)
            if await handoff_store.flagged_since(session, row.person_id, flow.id, began):
                continue
            person = await person_store.get_person(session, row.person_id)
            if person is None:
                continue
            await open_for(
                session,
                person,
                Reason.DEADLINE,
                now,
                who=Who.REFERENT,
                flow_id=flow.id,
                step_id=progress.current,
            )
            opened += 1
    return opened


def _risk_began(flow: Flow, progress: Progress, today: date) -> date | None:
    """The first day of the earliest deadline at risk, if the procedure is not done."""
    for found in at_risk(flow, progress.answers, today):
        deadline = next(d for d in flow.deadlines if d.id == found.deadline_id)
        done = progress.status is FlowStatus.FINISHED and deadline.repeat is None
        if not done and deadline.flag_human is not None:
            return found.date + timedelta(days=deadline.flag_human.days)
    return None
