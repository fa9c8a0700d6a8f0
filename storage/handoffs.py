"""Repository functions for hand-offs, who was alerted, the relay's pairings and the
distress rules' hit counts."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.handoffs import Status
from storage.models import DistressHit, Handoff, HandoffAlert, OutboxMessage, RelayedMessage

ACTIVE = (Status.OPEN.value, Status.HELD.value)


async def add(session: AsyncSession, handoff: Handoff) -> Handoff:
    session.add(handoff)
    await session.flush()  # its id names the alerts and the outbox rows
    return handoff


async def get(session: AsyncSession, handoff_id: int) -> Handoff | None:
    return await session.get(Handoff, handoff_id)


async def locked(session: AsyncSession, handoff_id: int) -> Handoff | None:
    """The hand-off, locked until the transaction ends on PostgreSQL: two staff members
    tapping "Je m'en occupe" at once are served one after the other (SQLite's writes
    are serial already)."""
    query = select(Handoff).where(Handoff.id == handoff_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return await session.scalar(query)


async def active_of_person(session: AsyncSession, person_id: int) -> Handoff | None:
    """The person's open or held hand-off (there is at most one)."""
    return await session.scalar(
        select(Handoff)
        .where(Handoff.person_id == person_id, Handoff.status.in_(ACTIVE))
        .order_by(Handoff.id.desc())
        .limit(1)
    )


async def closed_since(session: AsyncSession, person_id: int, since: datetime) -> Handoff | None:
    """The person's hand-off that a staff member closed after `since`: a new message
    from the person reopens it."""
    return await session.scalar(
        select(Handoff)
        .where(
            Handoff.person_id == person_id,
            Handoff.status == Status.CLOSED.value,
            Handoff.closed_by == "staff",
            Handoff.claimed_by.is_not(None),
            Handoff.closed_at >= since,
        )
        .order_by(Handoff.closed_at.desc())
        .limit(1)
    )


async def flagged_since(
    session: AsyncSession, person_id: int, flow_id: str, since: datetime
) -> bool:
    """A request about this procedure was opened since `since` (whatever came of it): a
    deadline at risk alerts once."""
    found = await session.scalar(
        select(Handoff.id)
        .where(
            Handoff.person_id == person_id,
            Handoff.flow_id == flow_id,
            Handoff.created_at >= since,
        )
        .limit(1)
    )
    return found is not None


async def of_person(session: AsyncSession, person_id: int) -> list[Handoff]:
    return list(
        await session.scalars(
            select(Handoff).where(Handoff.person_id == person_id).order_by(Handoff.id)
        )
    )


async def due_escalations(session: AsyncSession, now: datetime, limit: int) -> list[Handoff]:
    """Open hand-offs whose claim is late; locked and skipped by another worker on
    PostgreSQL, so that nobody is alerted twice by two processes."""
    query = (
        select(Handoff)
        .where(Handoff.status == Status.OPEN.value, Handoff.escalate_at <= now)
        .order_by(Handoff.escalate_at, Handoff.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(await session.scalars(query))


async def on_sites(session: AsyncSession, site_ids: Collection[int]) -> list[Handoff]:
    """The open and held hand-offs of these sites (/alertes)."""
    if not site_ids:
        return []
    return list(
        await session.scalars(
            select(Handoff).where(Handoff.site_id.in_(site_ids), Handoff.status.in_(ACTIVE))
        )
    )


async def of_site_since(session: AsyncSession, site_id: int, since: datetime) -> list[Handoff]:
    """A site's hand-offs opened since `since` (its figures)."""
    return list(
        await session.scalars(
            select(Handoff)
            .where(Handoff.site_id == site_id, Handoff.created_at >= since)
            .order_by(Handoff.created_at)
        )
    )


async def held_by(session: AsyncSession, staff_id: int) -> list[Handoff]:
    """The conversations a staff member holds, the last picked first."""
    return list(
        await session.scalars(
            select(Handoff)
            .where(Handoff.claimed_by == staff_id, Handoff.status == Status.HELD.value)
            .order_by(Handoff.picked_at.desc(), Handoff.id.desc())
        )
    )


async def persons_with_active(session: AsyncSession, person_ids: Collection[int]) -> set[int]:
    """Of these persons, those with an open or held hand-off (a referent's list)."""
    if not person_ids:
        return set()
    rows = await session.scalars(
        select(Handoff.person_id)
        .where(Handoff.person_id.in_(person_ids), Handoff.status.in_(ACTIVE))
        .distinct()
    )
    return set(rows)


# -- who was alerted -------------------------------------------------------------------


async def alerts(session: AsyncSession, handoff_id: int) -> list[HandoffAlert]:
    return list(
        await session.scalars(
            select(HandoffAlert)
            .where(HandoffAlert.handoff_id == handoff_id)
            .order_by(HandoffAlert.id)
        )
    )


async def add_alert(
    session: AsyncSession, handoff_id: int, staff_id: int, level: str, now: datetime
) -> None:
    session.add(HandoffAlert(handoff_id=handoff_id, staff_id=staff_id, level=level, alerted_at=now))


async def forget_alerts(session: AsyncSession, handoff_id: int, keep: int | None) -> None:
    """A hand-off passed on: the chain starts again for the newly chosen (all but `keep`,
    the one who passed it, may be alerted again)."""
    query = delete(HandoffAlert).where(HandoffAlert.handoff_id == handoff_id)
    if keep is not None:
        query = query.where(HandoffAlert.staff_id != keep)
    await session.execute(query)


# -- the relay ---------------------------------------------------------------------------


async def add_relayed(session: AsyncSession, relayed: RelayedMessage) -> RelayedMessage:
    session.add(relayed)
    await session.flush()
    return relayed


async def relayed_of(session: AsyncSession, handoff_id: int) -> list[RelayedMessage]:
    """A hand-off's relayed messages, in order (the person's data file): one line per
    message, not per copy (a message shared with several alerted staff is one line)."""
    rows = await session.scalars(
        select(RelayedMessage)
        .where(RelayedMessage.handoff_id == handoff_id)
        .order_by(RelayedMessage.created_at, RelayedMessage.id)
    )
    seen: set[tuple[bool, int | None]] = set()
    unique = []
    for row in rows:
        original = row.person_message_id if row.from_person else row.staff_message_id
        if (row.from_person, original) not in seen:
            seen.add((row.from_person, original))
            unique.append(row)
    return unique


async def get_relayed(session: AsyncSession, relayed_id: int) -> RelayedMessage | None:
    return await session.get(RelayedMessage, relayed_id)


async def relayed_in_person_chat(
    session: AsyncSession, handoff_ids: Collection[int], message_id: int
) -> RelayedMessage | None:
    """The pairing of a message in the person's chat (their original, or a copy)."""
    if not handoff_ids:
        return None
    return await session.scalar(
        select(RelayedMessage).where(
            RelayedMessage.handoff_id.in_(handoff_ids),
            RelayedMessage.person_message_id == message_id,
        )
    )


async def relayed_in_staff_chat(
    session: AsyncSession, staff_id: int, message_id: int
) -> RelayedMessage | None:
    """The pairing of a message in a staff member's chat (their original, or a copy)."""
    return await session.scalar(
        select(RelayedMessage).where(
            RelayedMessage.staff_id == staff_id,
            RelayedMessage.staff_message_id == message_id,
        )
    )


async def set_copy_id(session: AsyncSession, relayed_id: int, message_id: int) -> None:
    """The copy was sent: its id, on the side it was sent to."""
    relayed = await session.get(RelayedMessage, relayed_id)
    if relayed is None:
        return
    if relayed.from_person and relayed.staff_id is None:  # copied to the team's topic
        relayed.team_message_id = message_id
    elif relayed.from_person:
        relayed.staff_message_id = message_id
    else:
        relayed.person_message_id = message_id


async def set_topic(session: AsyncSession, handoff_id: int, thread_id: int) -> None:
    """The hand-off's topic in the team group (made, or made again after a deletion)."""
    handoff = await session.get(Handoff, handoff_id)
    if handoff is not None:
        handoff.topic_id = thread_id


async def by_topic(session: AsyncSession, site_id: int, thread_id: int) -> Handoff | None:
    return await session.scalar(
        select(Handoff).where(Handoff.site_id == site_id, Handoff.topic_id == thread_id)
    )


async def relayed_in_team(
    session: AsyncSession, handoff_id: int, message_id: int
) -> RelayedMessage | None:
    """The pairing of a message in the hand-off's topic (a staff member's, or a copy)."""
    return await session.scalar(
        select(RelayedMessage).where(
            RelayedMessage.handoff_id == handoff_id,
            RelayedMessage.team_message_id == message_id,
        )
    )


async def relayed_by_team_message(
    session: AsyncSession, site_id: int, message_id: int
) -> RelayedMessage | None:
    """A message of a site's team group, among the relayed ones (an edit to mirror)."""
    return await session.scalar(
        select(RelayedMessage)
        .join(Handoff, Handoff.id == RelayedMessage.handoff_id)
        .where(Handoff.site_id == site_id, RelayedMessage.team_message_id == message_id)
    )


async def forget_relayed_text(session: AsyncSession, closed_before: datetime) -> int:
    """Relayed text goes once the hand-off has been closed long enough; the pairings
    stay as long as the hand-off (numbers, no content)."""
    finished = select(Handoff.id).where(
        Handoff.status.not_in(ACTIVE), Handoff.closed_at < closed_before
    )
    result = await session.execute(
        update(RelayedMessage)
        .where(RelayedMessage.handoff_id.in_(finished), RelayedMessage.text.is_not(None))
        .values(text=None)
    )
    return int(getattr(result, "rowcount", 0))


async def delete_of_person(session: AsyncSession, person_id: int) -> None:
    """Erasure: the person's hand-offs, who was alerted and what was relayed."""
    theirs = select(Handoff.id).where(Handoff.person_id == person_id)
    await session.execute(delete(OutboxMessage).where(OutboxMessage.handoff_id.in_(theirs)))
    await session.execute(delete(RelayedMessage).where(RelayedMessage.handoff_id.in_(theirs)))
    await session.execute(delete(HandoffAlert).where(HandoffAlert.handoff_id.in_(theirs)))
    await session.execute(delete(Handoff).where(Handoff.person_id == person_id))


# -- distress rules' hit counts ----------------------------------------------------------


async def count_hits(session: AsyncSession, rule_ids: Collection[str], on: date) -> None:
    """One more hit for each rule today: an upsert, as two workers may count the same
    rule at once."""
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for rule_id in sorted(set(rule_ids)):
        statement = insert(DistressHit).values(rule_id=rule_id, on=on, hits=1)
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=[DistressHit.rule_id, DistressHit.on],
                set_={"hits": DistressHit.hits + 1},
            )
        )


async def hits_since(session: AsyncSession, since: date) -> list[tuple[str, int]]:
    """Hits per rule since `since`, the most frequent first (`bot.py distress hits`)."""
    rows = await session.execute(
        select(DistressHit.rule_id, func.sum(DistressHit.hits))
        .where(DistressHit.on >= since)
        .group_by(DistressHit.rule_id)
        .order_by(func.sum(DistressHit.hits).desc(), DistressHit.rule_id)
    )
    return [(rule_id, int(total)) for rule_id, total in rows]
