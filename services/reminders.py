"""Sending stored reminders: due rows are claimed, paced and marked sent exactly once.

The claim (sent_at set in the same transaction that reads the row, with row locks on
PostgreSQL) makes a second worker skip what the first one took; a restart loses nothing
because the rows are the schedule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.reminders import WEEK, when_allowed
from storage.db import SessionFactory
from storage.models import Person, Reminder, Site

BATCH = 500


@dataclass(frozen=True)
class DueReminder:
    telegram_user_id: int
    language: str
    zone: ZoneInfo
    kind: str
    flow_id: str
    step_id: str | None
    deadline_id: str | None
    deadline_on: date | None


async def claim_due(db: SessionFactory, now: datetime, default_zone: ZoneInfo) -> list[DueReminder]:
    """Reminders to send now; the others that are due but paced are moved to their slot."""
    async with db.begin() as session:
        due = select(Reminder).where(
            Reminder.due_at <= now, Reminder.sent_at.is_(None), Reminder.cancelled_at.is_(None)
        )
        if session.get_bind().dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        rows = list(await session.scalars(due.order_by(Reminder.person_id, Reminder.due_at)))
        person_ids = list(dict.fromkeys(row.person_id for row in rows))
        claimed: list[DueReminder] = []
        for start in range(0, len(person_ids), BATCH):
            batch = person_ids[start : start + BATCH]
            claimed += await _claim_batch(
                session, [r for r in rows if r.person_id in set(batch)], batch, now, default_zone
            )
        return claimed


async def _claim_batch(
    session: AsyncSession,
    rows: list[Reminder],
    person_ids: list[int],
    now: datetime,
    default_zone: ZoneInfo,
) -> list[DueReminder]:
    """Three queries for a whole batch of persons: persons, their sites, their recent sends."""
    persons = {
        p.id: p for p in await session.scalars(select(Person).where(Person.id.in_(person_ids)))
    }
    site_ids = {p.site_id for p in persons.values() if p.site_id is not None}
    sites = {s.id: s for s in await session.scalars(select(Site).where(Site.id.in_(site_ids)))}
    sent: dict[int, list[datetime]] = {}
    recent = await session.execute(
        select(Reminder.person_id, Reminder.sent_at).where(
            Reminder.person_id.in_(person_ids), Reminder.sent_at > now - WEEK
        )
    )
    for person_id, sent_at in recent:
        if sent_at is not None:
            sent.setdefault(person_id, []).append(sent_at)
    claimed = []
    for row in rows:
        person = persons.get(row.person_id)
        if person is None:
            continue
        site = sites.get(person.site_id) if person.site_id else None
        zone = ZoneInfo(site.timezone) if site else default_zone
        history = sent.setdefault(person.id, [])
        allowed = when_allowed(now, zone, history)
        if allowed > now:
            row.due_at = allowed
            continue
        row.sent_at = now
        history.append(now)
        claimed.append(
            DueReminder(
                person.telegram_user_id,
                person.language,
                zone,
                row.kind,
                row.flow_id,
                row.step_id,
                row.deadline_id,
                row.deadline_on,
            )
        )
    return claimed
