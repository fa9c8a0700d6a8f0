"""Privacy rights built in: export, erasure, retention, reminders before sharing ends."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime, timedelta
from enum import Enum

from sqlalchemy.ext.asyncio import AsyncSession

from core.handoffs import KEEP_RELAYED
from core.notices import (
    Notice,
    RetentionErased,
    RetentionWarning,
    SharingEnds,
    ToFormerPerson,
    ToPerson,
)
from core.sharing import REMIND_BEFORE_END, Area, needs_reminder
from services import outbox
from services.onboarding import Visitor
from storage import counts, rounds
from storage import handoffs as handoff_store
from storage import invites as invite_store
from storage import meetings as meeting_store
from storage import persons as person_store
from storage import progress as progress_store
from storage import referent_changes as change_store
from storage import reminders as reminder_store
from storage import sharing as sharing_store
from storage import staff as staff_store
from storage.db import SessionFactory
from storage.models import Handoff, Person

WARN_BEFORE_ERASURE = timedelta(days=30)
STAFF_RETENTION = timedelta(days=365)
FORGET_INVITES_AFTER = timedelta(days=30)
# Someone who chose a language but never agreed is forgotten after this long without a word.
FORGET_UNDECIDED_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class ConsentGiven:
    text_version: str
    agreed_at: datetime


@dataclass(frozen=True)
class Sharing:
    areas: tuple[Area, ...]
    granted_at: datetime
    expires_at: datetime | None
    end_reminder_sent_at: datetime | None


@dataclass(frozen=True)
class ChangeRequest:
    requested_at: datetime
    handled_at: datetime | None


@dataclass(frozen=True)
class Procedure:
    flow: str
    status: str
    started_at: datetime
    progress: dict[str, object]  # the engine's own record: steps, answers, dates


@dataclass(frozen=True)
class RoundDone:
    flow: str
    ending: str
    started_on: date
    finished_on: date


@dataclass(frozen=True)
class MeetingHeld:
    """A meeting booked, moved, held, missed or cancelled: what, when, where, with whom."""

    kind: str
    starts_at: datetime
    place: str
    status: str
    with_staff: str | None


@dataclass(frozen=True)
class ReminderToCome:
    flow: str
    kind: str
    due_at: datetime


@dataclass(frozen=True)
class ReminderSent:
    flow: str
    kind: str
    step: str | None
    sent_at: datetime


@dataclass(frozen=True)
class HelpAsked:
    """A request for a human (a hand-off): why, whom, what was shared, how it went, and
    the messages relayed while a human held it (kept 30 days after the close)."""

    flow: str | None
    step: str | None
    reason: str
    at: datetime
    status: str  # open, held, closed, cancelled
    who: str = "first"  # referent, peer, first
    share: str = "step"  # step, messages
    closed_at: datetime | None = None
    messages: tuple[RelayedLine, ...] = ()


@dataclass(frozen=True)
class RelayedLine:
    at: datetime
    from_me: bool  # written by the person (else by the staff member)
    text: str | None  # None: a file (never stored), or text deleted after the close


@dataclass(frozen=True)
class StaffAccess:
    at: datetime
    by: str | None
    action: str
    outcome: str


@dataclass(frozen=True)
class PersonExport:
    """Everything held about one person: shown in words, and sent as a JSON document."""

    telegram_user_id: int
    language: str
    onboarding_stage: str
    created_at: datetime
    last_seen_at: datetime
    site: str | None
    referent: str | None
    referent_note: str | None
    consents: tuple[ConsentGiven, ...]
    sharing: Sharing | None
    referent_change_requests: tuple[ChangeRequest, ...]
    procedures: tuple[Procedure, ...]
    reminders_to_come: tuple[ReminderToCome, ...]
    help_requests: tuple[HelpAsked, ...]
    staff_accesses: tuple[StaffAccess, ...]
    finished_rounds: tuple[RoundDone, ...] = ()  # each time a procedure reached its end
    reminders_sent: tuple[ReminderSent, ...] = ()
    meetings: tuple[MeetingHeld, ...] = ()
    discreet: bool = False  # reminders without place or reason
    accepts_calls: bool = False  # phone meetings as Telegram calls

    def as_json(self) -> str:
        return json.dumps(_plain(self), ensure_ascii=False, indent=2)


def _plain(value: object) -> object:
    """JSON-ready: dates as ISO 8601, enums as their values, records as objects."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


async def export(db: SessionFactory, visitor: Visitor) -> PersonExport | None:
    """Everything held about the person."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is None:
            return None
        site, referent = await person_store.site_and_referent(session, person)
        grant_row = await sharing_store.find(session, person.id)
        grant = sharing_store.grant_of(grant_row)
        return PersonExport(
            telegram_user_id=person.telegram_user_id,
            language=person.language,
            onboarding_stage=person.onboarding_stage,
            created_at=person.created_at,
            last_seen_at=person.last_seen_at,
            site=site.name if site else None,
            referent=referent.display_name if referent else None,
            referent_note=person.referent_note,
            consents=tuple(
                ConsentGiven(c.text_version, c.agreed_at)
                for c in await person_store.consents_of(session, person.id)
            ),
            sharing=None
            if grant is None or grant_row is None
            else Sharing(
                tuple(sorted(grant.areas)),
                grant_row.granted_at,
                grant.expires_at,
                grant_row.reminded_at,
            ),
            referent_change_requests=tuple(
                ChangeRequest(r.requested_at, r.handled_at)
                for r in await change_store.of_person(session, person.id)
            ),
            procedures=tuple(
                Procedure(p.flow_id, p.status, p.started_at, json.loads(p.state))
                for p in await progress_store.of_person(session, person.id)
            ),
            reminders_to_come=tuple(
                ReminderToCome(r.flow_id, r.kind, r.due_at)
                for r in await reminder_store.to_come(session, person.id)
            ),
            help_requests=tuple(
                [
                    await _help_asked(session, h)
                    for h in await handoff_store.of_person(session, person.id)
                ]
            ),
            staff_accesses=tuple(
                StaffAccess(e.at, name, e.action, e.outcome)
                for e, name in await staff_store.accesses_to_person(session, person.id)
            ),
            finished_rounds=tuple(
                RoundDone(r.flow_id, r.ending, r.started_on, r.finished_on)
                for r in await rounds.of_person(session, person.id)
            ),
            reminders_sent=tuple(
                ReminderSent(r.flow_id, r.kind, r.step_id, r.sent_at)
                for r in await person_store.reminders_sent(session, person.id)
                if r.sent_at is not None
            ),
            meetings=tuple(
                MeetingHeld(m.type_name, m.starts_at, m.place_label, m.status, name)
                for m, name in await meeting_store.of_person_with_staff(session, person.id)
            ),
            discreet=person.discreet,
            accepts_calls=person.accepts_calls,
        )


@dataclass(frozen=True)
class Erased:
    """What the person is told after erasure: whose link with them ended, if anyone's."""

    referent: str | None


async def referent_of(db: SessionFactory, visitor: Visitor) -> str | None:
    """The first name of whoever accompanies the person, to say that this link would end."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is None:
            return None
        _, referent = await person_store.site_and_referent(session, person)
        return referent.display_name if referent else None


async def erase(db: SessionFactory, visitor: Visitor, now: datetime) -> Erased | None:
    """Delete the person and everything attached; only anonymous counts remain.
    None: there was nothing to erase."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is None:
            return None
        _, referent = await person_store.site_and_referent(session, person)
        await erase_person(session, person, now, "erased_on_request")
        return Erased(referent.display_name if referent else None)


async def erase_person(session: AsyncSession, person: Person, now: datetime, reason: str) -> None:
    """Erase, leaving only an anonymous count per site and month."""
    await counts.increment(session, reason, person.site_id, now.strftime("%Y-%m"))
    await person_store.delete_person(session, person.id)


async def housekeeping(db: SessionFactory, now: datetime, retention_months: int) -> int:
    """Retention and reminders, safe to run as often as wanted (each step is idempotent).
    Who must be told is queued in the outbox; returns how many messages were queued."""
    inactive_for = timedelta(days=round(retention_months * 30.44))
    notices: list[Notice] = []
    async with db.begin() as session:
        seen_before = now - inactive_for + WARN_BEFORE_ERASURE
        for person in await person_store.inactive_unwarned(session, seen_before):
            person.retention_warned_at = now
            notices.append(RetentionWarning(ToPerson(person.id)))
        warned_before = now - WARN_BEFORE_ERASURE
        for person in await person_store.inactive_warned(
            session, now - inactive_for, warned_before
        ):
            goodbye = ToFormerPerson(person.telegram_user_id, person.language)
            notices.append(RetentionErased(goodbye))
            await erase_person(session, person, now, "erased_after_inactivity")
        for person in await person_store.undecided_seen_before(
            session, now - FORGET_UNDECIDED_AFTER
        ):
            await erase_person(session, person, now, "left_before_consent")
        notices += await _remind_sharing_ends(session, now)
        await staff_store.delete_deactivated_before(session, now - STAFF_RETENTION)
        await invite_store.delete_expired_before(session, now - FORGET_INVITES_AFTER)
        await outbox.forget_settled(session, now)
        await handoff_store.forget_relayed_text(session, now - KEEP_RELAYED)
        await outbox.queue(session, notices, now)
    return len(notices)


async def _remind_sharing_ends(session: AsyncSession, now: datetime) -> list[Notice]:
    notices: list[Notice] = []
    for row, person in await sharing_store.ending_unreminded(session, now, now + REMIND_BEFORE_END):
        grant = sharing_store.grant_of(row)
        if grant is not None and needs_reminder(grant, False, now):
            row.reminded_at = now
            notices.append(SharingEnds(ToPerson(person.id)))
    return notices


async def _help_asked(session: AsyncSession, handoff: Handoff) -> HelpAsked:
    relayed = await handoff_store.relayed_of(session, handoff.id)
    return HelpAsked(
        handoff.flow_id,
        handoff.step_id,
        handoff.reason,
        handoff.created_at,
        handoff.status,
        handoff.who,
        handoff.share,
        handoff.closed_at,
        tuple(RelayedLine(r.created_at, r.from_person, r.text) for r in relayed),
    )
