"""Every staff use case asks here first: who is acting, may they, and the audit log.

The decision itself is `core.access.decide` (pure, tested cell by cell); this module loads
the actor from the database, records the decision when it touches a site, and keeps
refusals in the audit log without committing inside the caller's transaction: a refusal
rolls the use case back, then is written in a transaction of its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.access import (
    Actor,
    AuditOutcome,
    PersonActor,
    Role,
    StaffAction,
    StaffActor,
    Target,
    decide,
)
from storage import persons as person_store
from storage import staff as staff_store
from storage.db import SessionFactory


@dataclass(frozen=True)
class Access:
    """What the audit log keeps of one access, allowed or refused."""

    at: datetime
    site_id: int
    staff_id: int
    person_id: int | None
    action: StaffAction


class NotAllowed(PermissionError):
    """Refused by the access rules; logged (never with message content) and audited."""

    def __init__(self, reason: str, access: Access | None = None) -> None:
        super().__init__(reason)
        self.access = access


@asynccontextmanager
async def staff_transaction(db: SessionFactory) -> AsyncIterator[AsyncSession]:
    """One transaction for a staff use case; a refusal is audited after the rollback."""
    try:
        async with db.begin() as session:
            yield session
    except NotAllowed as refused:
        if refused.access is not None:
            async with db.begin() as session:
                await _record(session, refused.access, AuditOutcome.REFUSED)
        raise


async def authorise(
    session: AsyncSession,
    telegram_user_id: int,
    action: StaffAction,
    target: Target,
    now: datetime,
    person_id: int | None = None,
) -> StaffActor:
    """The acting staff member, if the rules allow the action; raises NotAllowed otherwise.
    Use inside `staff_transaction`, so that a refusal reaches the audit log."""
    actor = await load_actor(session, telegram_user_id)
    decision = decide(actor, action, target)
    audited = target.site_id is not None and isinstance(actor, StaffActor)
    if not decision:
        refused = (
            Access(now, target.site_id, actor.staff_id, person_id, action)
            if audited and isinstance(actor, StaffActor) and target.site_id is not None
            else None
        )
        raise NotAllowed(decision.reason, refused)
    assert isinstance(actor, StaffActor)  # decide allows staff only
    if target.site_id is not None:
        access = Access(now, target.site_id, actor.staff_id, person_id, action)
        await _record(session, access, AuditOutcome.ALLOWED)
    return actor


async def load_actor(session: AsyncSession, telegram_user_id: int) -> Actor:
    member = await staff_store.find_staff(session, telegram_user_id)
    if member is not None:
        roles = frozenset(
            (site_id, Role(role))
            for site_id, role in await staff_store.roles_of(session, member.id)
        )
        return StaffActor(member.id, roles, active=member.deactivated_at is None)
    person = await person_store.find_person(session, telegram_user_id)
    return PersonActor(person.id) if person is not None else None


async def _record(session: AsyncSession, access: Access, outcome: AuditOutcome) -> None:
    await staff_store.record_access(
        session,
        at=access.at,
        site_id=access.site_id,
        staff_id=access.staff_id,
        person_id=access.person_id,
        action=access.action,
        outcome=outcome,
    )
