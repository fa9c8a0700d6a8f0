"""Due reminders become outbox messages: claimed, paced and queued exactly once.

The claim (`sent_at` set in the transaction that reads the row and writes its outbox
message, with row locks on PostgreSQL) makes a second worker skip what the first one
took; a restart loses nothing because the rows are the schedule, and the outbox delivers
(and retries) what was queued.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from core.reminders import WEEK, outdated, when_allowed
from services import outbox
from storage import persons as person_store
from storage import reminders as reminder_store
from storage import sites as site_store
from storage.db import SessionFactory
from storage.models import Reminder

BATCH = 100  # reminders per transaction: a tap waits at most one short batch
PER_PASS = 400  # reminders queued per pass (every 10 s): a little more than Telegram sends


async def queue_due(
    db: SessionFactory, now: datetime, default_zone: ZoneInfo, most: int = PER_PASS
) -> int:
    """Queue (at most `most` of) the reminders allowed now; the others that are due but
    paced are moved to their next allowed slot. Returns how many were queued.

    A 9:00 wave is queued a little faster than Telegram lets it leave (30 a second), in
    short transactions, rather than all at once: the database is the conversations' too,
    and a person's tap must not wait behind the wave; a reminder made pointless in the
    meantime is then not even queued. A person's reminders cut across two batches are
    still paced together: the second batch reads what the first one committed."""
    queued = 0
    while queued < most:
        async with db.begin() as session:
            rows = await reminder_store.due(session, now, min(BATCH, most - queued))
            by_person: dict[int, list[Reminder]] = {}
            for row in rows:
                by_person.setdefault(row.person_id, []).append(row)
            queued += await _queue_batch(session, by_person, list(by_person), now, default_zone)
        stuck = not any(row.sent_at is not None or row.due_at > now for row in rows)
        if len(rows) < BATCH or stuck:  # stuck: nothing could be done with these rows
            break
    return queued


async def _queue_batch(
    session: AsyncSession,
    by_person: dict[int, list[Reminder]],
    person_ids: list[int],
    now: datetime,
    default_zone: ZoneInfo,
) -> int:
    """Three queries for a whole batch of persons: persons, their sites, their recent sends."""
    persons = {p.id: p for p in await person_store.with_ids(session, person_ids)}
    site_ids = {p.site_id for p in persons.values() if p.site_id is not None}
    zones = {s.id: ZoneInfo(s.timezone) for s in await site_store.with_ids(session, site_ids)}
    sent = await reminder_store.sent_since(session, person_ids, now - WEEK)
    queued: list[tuple[int, int]] = []
    for person_id in person_ids:
        person = persons.get(person_id)
        if person is None:
            continue
        zone = zones.get(person.site_id, default_zone) if person.site_id else default_zone
        history = sent.setdefault(person_id, [])
        for row in by_person[person_id]:
            allowed = when_allowed(now, zone, history)
            if outdated(row.deadline_on, allowed, zone):  # its day is over, or would be
                row.cancelled_at = now
                continue
            if allowed > now:
                row.due_at = allowed
                continue
            row.sent_at = now
            history.append(now)
            queued.append((person_id, row.id))
    await outbox.queue_reminders(session, queued, now)
    return len(queued)
