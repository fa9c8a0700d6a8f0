"""Repository functions for sites and their meeting places."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import MeetingPlace, Site


async def add_site(
    session: AsyncSession,
    *,
    name: str,
    timezone: str,
    holiday_region: str,
    now: datetime,
    address: str | None = None,
    town: str | None = None,
    postcode: str | None = None,
    office_hours: str | None = None,
    phone: str | None = None,
) -> Site:
    site = Site(
        name=name,
        timezone=timezone,
        holiday_region=holiday_region,
        address=address,
        town=town,
        postcode=postcode,
        office_hours=office_hours,
        phone=phone,
        created_at=now,
    )
    session.add(site)
    await session.flush()
    return site


async def add_meeting_place(
    session: AsyncSession, site_id: int, kind: str, label: str, timezone: str
) -> None:
    """One of the site's default places, named after its kind (an availability file may
    describe it further under that key)."""
    session.add(MeetingPlace(site_id=site_id, key=kind, kind=kind, label=label, timezone=timezone))


async def find_site(session: AsyncSession, name_or_id: str) -> Site | None:
    """By id when the text is a number, else by exact name (case-insensitive)."""
    condition: ColumnElement[bool] = Site.name.ilike(name_or_id)
    if name_or_id.isdigit():
        condition = or_(condition, Site.id == int(name_or_id))
    return await session.scalar(select(Site).where(condition).limit(1))


async def get_site(session: AsyncSession, site_id: int) -> Site | None:
    return await session.get(Site, site_id)


async def all_sites(session: AsyncSession) -> list[Site]:
    return list(await session.scalars(select(Site).order_by(Site.name)))


async def with_ids(session: AsyncSession, site_ids: set[int]) -> list[Site]:
    return list(await session.scalars(select(Site).where(Site.id.in_(site_ids))))


async def timezone_of(session: AsyncSession, site_id: int | None) -> str | None:
    """The site's IANA zone (overseas sites have their own); None without a site."""
    site = await session.get(Site, site_id) if site_id is not None else None
    return site.timezone if site else None


async def team_chat_of(session: AsyncSession, site_id: int | None) -> int | None:
    """The site team's group with topics, if the site linked one."""
    if site_id is None:
        return None
    return await session.scalar(select(Site.team_chat_id).where(Site.id == site_id))


async def by_team_chat(session: AsyncSession, chat_id: int) -> Site | None:
    return await session.scalar(select(Site).where(Site.team_chat_id == chat_id))
