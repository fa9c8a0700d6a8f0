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

from core.reminders import WEEK, when_allowed
from storage.db import SessionFactory
from storage.models import Person, Reminder, Site


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
        claimed: list[DueReminder] = []
        for person_id in dict.fromkeys(row.person_id for row in rows):
            person = await session.get(Person, person_id)
            if person is None:
                continue
            site = await session.get(Site, person.site_id) if person.site_id else None
            zone = ZoneInfo(site.timezone) if site else default_zone
            sent = list(
                await session.scalars(
                    select(Reminder.sent_at).where(
                        Reminder.person_id == person_id, Reminder.sent_at > now - WEEK
                    )
                )
            )
            for row in (r for r in rows if r.person_id == person_id):
                allowed = when_allowed(now, zone, [s for s in sent if s is not None])
                if allowed > now:
                    row.due_at = allowed
                    continue
                row.sent_at = now
                sent.append(now)
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
