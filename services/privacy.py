"""Privacy rights built in: export, erasure, retention, reminders before sharing ends."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.sharing import REMIND_BEFORE_END, Grant, decode_areas, needs_reminder
from services.onboarding import Visitor
from services.staff import Notice
from storage import persons as person_store
from storage.db import SessionFactory
from storage.models import (
    AnonymousCount,
    AuditEntry,
    ConsentRecord,
    FlowProgress,
    HelpRequest,
    Invite,
    Person,
    ReferentChangeRequest,
    Reminder,
    SharingGrant,
    StaffMember,
)

WARN_BEFORE_ERASURE = timedelta(days=30)
STAFF_RETENTION = timedelta(days=365)
FORGET_INVITES_AFTER = timedelta(days=30)


async def export(db: SessionFactory, visitor: Visitor) -> dict[str, Any] | None:
    """Everything held about the person, as plain data (shown in words, sent as JSON)."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is None:
            return None
        site, referent = await person_store.site_and_referent(session, person)
        consents = await session.scalars(
            select(ConsentRecord).where(ConsentRecord.person_id == person.id)
        )
        grant = await session.scalar(
            select(SharingGrant).where(SharingGrant.person_id == person.id)
        )
        requests = await session.scalars(
            select(ReferentChangeRequest).where(ReferentChangeRequest.person_id == person.id)
        )
        procedures = await session.scalars(
            select(FlowProgress).where(FlowProgress.person_id == person.id)
        )
        reminders = await session.scalars(
            select(Reminder).where(Reminder.person_id == person.id, Reminder.sent_at.is_(None))
        )
        helps = await session.scalars(select(HelpRequest).where(HelpRequest.person_id == person.id))
        accesses = await session.execute(
            select(AuditEntry, StaffMember.display_name)
            .outerjoin(StaffMember, StaffMember.id == AuditEntry.staff_id)
            .where(AuditEntry.person_id == person.id)
            .order_by(AuditEntry.at)
        )
        return {
            "telegram_user_id": person.telegram_user_id,
            "language": person.language,
            "onboarding_stage": person.onboarding_stage,
            "created_at": person.created_at.isoformat(),
            "last_seen_at": person.last_seen_at.isoformat(),
            "site": site.name if site else None,
            "referent": referent.display_name if referent else None,
            "referent_note": person.referent_note,
            "consents": [
                {"text_version": c.text_version, "agreed_at": c.agreed_at.isoformat()}
                for c in consents
            ],
            "sharing": None
            if grant is None
            else {
                "areas": sorted(decode_areas(grant.areas)),
                "expires_at": grant.expires_at.isoformat() if grant.expires_at else None,
            },
            "referent_change_requests": [
                {
                    "requested_at": r.requested_at.isoformat(),
                    "handled_at": r.handled_at.isoformat() if r.handled_at else None,
                }
                for r in requests
            ],
            "procedures": [
                {
                    "flow": p.flow_id,
                    "status": p.status,
                    "started_at": p.started_at.isoformat(),
                    "progress": json.loads(p.state),
                }
                for p in procedures
            ],
            "reminders_to_come": [
                {"flow": r.flow_id, "kind": r.kind, "due_at": r.due_at.isoformat()}
                for r in reminders
                if r.cancelled_at is None
            ],
            "help_requests": [
                {
                    "flow": h.flow_id,
                    "step": h.step_id,
                    "reason": h.reason,
                    "at": h.created_at.isoformat(),
                }
                for h in helps
            ],
            "staff_accesses": [
                {"at": e.at.isoformat(), "by": name, "action": e.action, "outcome": e.outcome}
                for e, name in accesses
            ],
        }


async def erase(db: SessionFactory, visitor: Visitor, now: datetime) -> bool:
    """Delete the person and everything attached; only an anonymous count remains."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is None:
            return False
        await erase_person(session, person, now, "erased_on_request")
        return True


async def erase_person(session: AsyncSession, person: Person, now: datetime, reason: str) -> None:
    """Erase, leaving only an anonymous count per site and month."""
    await _count(session, reason, person.site_id, now)
    await person_store.delete_person(session, person.id)


async def housekeeping(db: SessionFactory, now: datetime, retention_months: int) -> list[Notice]:
    """Retention and reminders, safe to run as often as wanted (each step is idempotent)."""
    inactive_for = timedelta(days=round(retention_months * 30.44))
    notices: list[Notice] = []
    async with db.begin() as session:
        notices += await _warn_inactive(session, now - inactive_for + WARN_BEFORE_ERASURE, now)
        notices += await _erase_inactive(session, now - inactive_for, now)
        notices += await _remind_sharing_ends(session, now)
        await session.execute(
            delete(StaffMember).where(StaffMember.deactivated_at < now - STAFF_RETENTION)
        )
        await session.execute(delete(Invite).where(Invite.expires_at < now - FORGET_INVITES_AFTER))
    return notices


async def _warn_inactive(
    session: AsyncSession, seen_before: datetime, now: datetime
) -> list[Notice]:
    persons = await session.scalars(
        select(Person).where(
            Person.last_seen_at < seen_before, Person.retention_warned_at.is_(None)
        )
    )
    notices = []
    for person in persons:
        person.retention_warned_at = now
        notices.append(Notice(person.telegram_user_id, person.language, "retention_warning"))
    return notices


async def _erase_inactive(
    session: AsyncSession, seen_before: datetime, now: datetime
) -> list[Notice]:
    persons = await session.scalars(
        select(Person).where(
            Person.last_seen_at < seen_before,
            Person.retention_warned_at.is_not(None),
            Person.retention_warned_at <= now - WARN_BEFORE_ERASURE,
        )
    )
    notices = []
    for person in list(persons):
        notices.append(Notice(person.telegram_user_id, person.language, "retention_erased"))
        await erase_person(session, person, now, "erased_after_inactivity")
    return notices


async def _remind_sharing_ends(session: AsyncSession, now: datetime) -> list[Notice]:
    rows = await session.execute(
        select(SharingGrant, Person)
        .join(Person, Person.id == SharingGrant.person_id)
        .where(
            SharingGrant.reminded_at.is_(None),
            SharingGrant.expires_at > now,
            SharingGrant.expires_at <= now + REMIND_BEFORE_END,
        )
    )
    notices = []
    for grant_row, person in rows:
        grant = Grant(decode_areas(grant_row.areas), grant_row.expires_at)
        if needs_reminder(grant, grant_row.reminded_at is not None, now):
            grant_row.reminded_at = now
            notices.append(Notice(person.telegram_user_id, person.language, "sharing_ends"))
    return notices


async def _count(session: AsyncSession, key: str, site_id: int | None, now: datetime) -> None:
    period = now.strftime("%Y-%m")
    row = await session.scalar(
        select(AnonymousCount).where(
            AnonymousCount.key == key,
            AnonymousCount.site_id.is_(None)
            if site_id is None
            else AnonymousCount.site_id == site_id,
            AnonymousCount.period == period,
        )
    )
    if row is None:
        session.add(AnonymousCount(key=key, site_id=site_id, period=period, count=1))
    else:
        row.count += 1
