"""Repository functions for staff members, their roles and the audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.access import AuditOutcome, StaffAction
from storage.models import AuditEntry, Person, Site, StaffMember, StaffRole


async def find_staff(session: AsyncSession, telegram_user_id: int) -> StaffMember | None:
    return await session.scalar(
        select(StaffMember).where(StaffMember.telegram_user_id == telegram_user_id)
    )


async def get_staff(session: AsyncSession, staff_id: int) -> StaffMember | None:
    return await session.get(StaffMember, staff_id)


async def add_staff(
    session: AsyncSession, telegram_user_id: int, display_name: str, language: str, now: datetime
) -> StaffMember:
    member = StaffMember(
        telegram_user_id=telegram_user_id,
        display_name=display_name,
        language=language,
        created_at=now,
        last_seen_at=now,
    )
    session.add(member)
    await session.flush()
    return member


async def roles_of(session: AsyncSession, staff_id: int) -> list[tuple[int, str]]:
    rows = await session.execute(
        select(StaffRole.site_id, StaffRole.role).where(StaffRole.staff_id == staff_id)
    )
    return [(site_id, role) for site_id, role in rows]


async def roles_with_site_names(session: AsyncSession, staff_id: int) -> list[tuple[int, str, str]]:
    """(site id, site name, role) of each role, in one query (read on every staff update)."""
    rows = await session.execute(
        select(StaffRole.site_id, Site.name, StaffRole.role)
        .join(Site, Site.id == StaffRole.site_id)
        .where(StaffRole.staff_id == staff_id)
        .order_by(Site.name, StaffRole.role)
    )
    return [(site_id, name, role) for site_id, name, role in rows]


async def add_role(session: AsyncSession, staff_id: int, site_id: int, role: str) -> None:
    if (site_id, role) not in await roles_of(session, staff_id):
        session.add(StaffRole(staff_id=staff_id, site_id=site_id, role=role))
        await session.flush()


async def remove_roles_on_site(session: AsyncSession, staff_id: int, site_id: int) -> None:
    await session.execute(
        delete(StaffRole).where(StaffRole.staff_id == staff_id, StaffRole.site_id == site_id)
    )


async def staff_on_site(session: AsyncSession, site_id: int) -> list[tuple[StaffMember, str]]:
    rows = await session.execute(
        select(StaffMember, StaffRole.role)
        .join(StaffRole, StaffRole.staff_id == StaffMember.id)
        .where(StaffRole.site_id == site_id, StaffMember.deactivated_at.is_(None))
        .order_by(StaffMember.display_name, StaffRole.role)
    )
    return [(member, role) for member, role in rows]


async def referents_by_load(session: AsyncSession, site_id: int, exclude: int) -> list[int]:
    """Active referents of the site, the one following the fewest persons first."""
    load = (
        select(func.count(Person.id))
        .where(Person.referent_id == StaffMember.id)
        .correlate(StaffMember)
        .scalar_subquery()
    )
    rows = await session.execute(
        select(StaffMember.id)
        .join(StaffRole, StaffRole.staff_id == StaffMember.id)
        .where(
            StaffRole.site_id == site_id,
            StaffRole.role == "referent",
            StaffMember.deactivated_at.is_(None),
            StaffMember.id != exclude,
        )
        .order_by(load, StaffMember.id)
    )
    return [staff_id for (staff_id,) in rows]


async def record_access(
    session: AsyncSession,
    *,
    at: datetime,
    site_id: int | None,
    staff_id: int | None,
    person_id: int | None,
    action: StaffAction,
    outcome: AuditOutcome,
) -> None:
    session.add(
        AuditEntry(
            at=at,
            site_id=site_id,
            staff_id=staff_id,
            person_id=person_id,
            action=action.value,
            outcome=outcome.value,
        )
    )


async def audit_entries(
    session: AsyncSession, site_id: int, limit: int = 30
) -> list[tuple[AuditEntry, str | None]]:
    rows = await session.execute(
        select(AuditEntry, StaffMember.display_name)
        .outerjoin(StaffMember, StaffMember.id == AuditEntry.staff_id)
        .where(AuditEntry.site_id == site_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return [(entry, name) for entry, name in rows]


async def admins_of_site(session: AsyncSession, site_id: int) -> list[StaffMember]:
    """The site's active administrators."""
    return list(
        await session.scalars(
            select(StaffMember)
            .join(StaffRole, StaffRole.staff_id == StaffMember.id)
            .where(
                StaffRole.site_id == site_id,
                StaffRole.role == "admin",
                StaffMember.deactivated_at.is_(None),
            )
            .order_by(StaffMember.id)
        )
    )


async def delete_deactivated_before(session: AsyncSession, before: datetime) -> None:
    await session.execute(delete(StaffMember).where(StaffMember.deactivated_at < before))


async def accesses_to_person(
    session: AsyncSession, person_id: int
) -> list[tuple[AuditEntry, str | None]]:
    """Every staff access to the person's data, oldest first, with the staff member's name."""
    rows = await session.execute(
        select(AuditEntry, StaffMember.display_name)
        .outerjoin(StaffMember, StaffMember.id == AuditEntry.staff_id)
        .where(AuditEntry.person_id == person_id)
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    return [(entry, name) for entry, name in rows]
