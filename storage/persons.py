"""Repository functions for persons and their consent. The caller owns the transaction."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import counts
from storage import handoffs as handoff_store
from storage.models import (
    AuditEntry,
    ConsentRecord,
    ConsentRefusal,
    FinishedRound,
    FlowProgress,
    Invite,
    OutboxMessage,
    Person,
    ReferentChangeRequest,
    Reminder,
    SharingGrant,
    Site,
    StaffMember,
)


async def find_person(session: AsyncSession, telegram_user_id: int) -> Person | None:
    return await session.scalar(select(Person).where(Person.telegram_user_id == telegram_user_id))


async def add_person(
    session: AsyncSession, telegram_user_id: int, language: str, stage: str, now: datetime
) -> Person:
    person = Person(
        telegram_user_id=telegram_user_id,
        language=language,
        onboarding_stage=stage,
        created_at=now,
        last_seen_at=now,
    )
    session.add(person)
    await session.flush()
    return person


async def latest_consent(session: AsyncSession, person_id: int) -> ConsentRecord | None:
    return await session.scalar(
        select(ConsentRecord)
        .where(ConsentRecord.person_id == person_id)
        .order_by(ConsentRecord.agreed_at.desc(), ConsentRecord.id.desc())
        .limit(1)
    )


async def record_consent(
    session: AsyncSession, person_id: int, text_version: str, now: datetime
) -> None:
    session.add(ConsentRecord(person_id=person_id, text_version=text_version, agreed_at=now))


async def record_refusal(session: AsyncSession, text_version: str, now: datetime) -> None:
    session.add(ConsentRefusal(text_version=text_version, refused_at=now))


async def delete_person(session: AsyncSession, person_id: int) -> None:
    """Every row about the person, deleted explicitly rather than left to cascades: the one
    way a person is erased (refusal, /effacer, retention, never agreeing). The invite link
    they arrived by goes too (it held their referent and the second they arrived), and the
    audit log's rows about them become anonymous counts."""
    await _audit_to_counts(session, person_id)
    invite_id = await session.scalar(select(Person.invite_id).where(Person.id == person_id))
    for table in (
        OutboxMessage,
        ConsentRecord,
        SharingGrant,
        FlowProgress,
        FinishedRound,
        Reminder,
        ReferentChangeRequest,
    ):
        await session.execute(delete(table).where(table.person_id == person_id))
    await handoff_store.delete_of_person(session, person_id)
    await session.execute(delete(Person).where(Person.id == person_id))
    if invite_id is not None:
        await session.execute(delete(Invite).where(Invite.id == invite_id))


async def _audit_to_counts(session: AsyncSession, person_id: int) -> None:
    """Staff accesses to the person, kept as counts per site, month, action and outcome:
    how much a site looks at persons' data survives; who looked at whom, and when, does not."""
    entries = list(
        await session.scalars(select(AuditEntry).where(AuditEntry.person_id == person_id))
    )
    tally = Counter(
        (f"access:{e.action}:{e.outcome}", e.site_id, e.at.strftime("%Y-%m")) for e in entries
    )
    for (key, site_id, period), n in sorted(tally.items(), key=lambda item: str(item[0])):
        await counts.increment(session, key, site_id, period, by=n)
    await session.execute(delete(AuditEntry).where(AuditEntry.person_id == person_id))


async def site_and_referent(
    session: AsyncSession, person: Person
) -> tuple[Site | None, StaffMember | None]:
    """Who accompanies the person; a deactivated referent counts as none."""
    site = await session.get(Site, person.site_id) if person.site_id else None
    referent = await session.get(StaffMember, person.referent_id) if person.referent_id else None
    if referent is not None and referent.deactivated_at is not None:
        referent = None
    return site, referent


async def get_person(session: AsyncSession, person_id: int) -> Person | None:
    return await session.get(Person, person_id)


async def consents_of(session: AsyncSession, person_id: int) -> list[ConsentRecord]:
    return list(
        await session.scalars(
            select(ConsentRecord)
            .where(ConsentRecord.person_id == person_id)
            .order_by(ConsentRecord.agreed_at)
        )
    )


async def on_site(
    session: AsyncSession, site_id: int, referent_id: int | None = None
) -> list[Person]:
    """The site's persons (only those `referent_id` follows, when given), last seen first."""
    query = select(Person).where(Person.site_id == site_id)
    if referent_id is not None:
        query = query.where(Person.referent_id == referent_id)
    return list(await session.scalars(query.order_by(Person.last_seen_at.desc())))


async def inactive_unwarned(session: AsyncSession, seen_before: datetime) -> list[Person]:
    return list(
        await session.scalars(
            select(Person).where(
                Person.last_seen_at < seen_before, Person.retention_warned_at.is_(None)
            )
        )
    )


async def inactive_warned(
    session: AsyncSession, seen_before: datetime, warned_before: datetime
) -> list[Person]:
    return list(
        await session.scalars(
            select(Person).where(
                Person.last_seen_at < seen_before,
                Person.retention_warned_at.is_not(None),
                Person.retention_warned_at <= warned_before,
            )
        )
    )


async def with_ids(session: AsyncSession, person_ids: list[int]) -> list[Person]:
    return list(await session.scalars(select(Person).where(Person.id.in_(person_ids))))


async def undecided_seen_before(session: AsyncSession, seen_before: datetime) -> list[Person]:
    """Visitors who never agreed to anything and have been silent since `seen_before`."""
    agreed = exists().where(ConsentRecord.person_id == Person.id)
    return list(
        await session.scalars(select(Person).where(Person.last_seen_at < seen_before, ~agreed))
    )


async def reminders_sent(session: AsyncSession, person_id: int) -> list[Reminder]:
    """The reminders already sent to the person, oldest first (for their export)."""
    return list(
        await session.scalars(
            select(Reminder)
            .where(Reminder.person_id == person_id, Reminder.sent_at.is_not(None))
            .order_by(Reminder.sent_at, Reminder.id)
        )
    )
