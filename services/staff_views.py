"""What staff see of the persons they follow: always checked, audited, and limited to
what each person chose to share (`/partage`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from core.access import Role, StaffAction, StaffActor, Target
from core.sharing import Area, Grant, decode_areas
from flows import engine
from services.procedures import FlowCatalog, from_json
from services.staff import NotAllowed, authorise
from storage.db import SessionFactory
from storage.models import FlowProgress, Person, SharingGrant

AREA_OF_CATEGORY = {"caf": Area.CAF, "prefecture": Area.PREFECTURE, "housing": Area.HOUSING}


@dataclass(frozen=True)
class PersonLine:
    person_id: int
    note: str | None
    last_seen_at: datetime


@dataclass(frozen=True)
class ProcedureLine:
    title: str
    number: int
    total: int
    finished: bool


@dataclass(frozen=True)
class PersonDetail:
    person_id: int
    note: str | None
    last_seen_at: datetime
    shared: frozenset[Area]
    procedures: tuple[ProcedureLine, ...]


async def my_persons(
    db: SessionFactory, telegram_user_id: int, site_id: int, now: datetime
) -> list[PersonLine]:
    """A referent's own persons; an admin's: every person of the site."""
    async with db.begin() as session:
        actor = await authorise(
            session, telegram_user_id, StaffAction.LIST_PERSONS, Target(site_id), now
        )
        assert isinstance(actor, StaffActor)
        query = select(Person).where(Person.site_id == site_id)
        if not actor.has(Role.ADMIN, site_id):
            query = query.where(Person.referent_id == actor.staff_id)
        persons = await session.scalars(query.order_by(Person.last_seen_at.desc()))
        return [PersonLine(p.id, p.referent_note, p.last_seen_at) for p in persons]


async def person_detail(
    db: SessionFactory, catalog: FlowCatalog, telegram_user_id: int, person_id: int, now: datetime
) -> PersonDetail:
    async with db.begin() as session:
        person = await session.get(Person, person_id)
        if person is None or person.site_id is None:
            raise NotAllowed("no such person")
        target = Target(person.site_id, person_referent_id=person.referent_id)
        actor = await authorise(
            session, telegram_user_id, StaffAction.VIEW_PERSON, target, now, person_id=person.id
        )
        assert isinstance(actor, StaffActor)
        follows = person.referent_id == actor.staff_id
        row = await session.scalar(select(SharingGrant).where(SharingGrant.person_id == person.id))
        grant = Grant(decode_areas(row.areas), row.expires_at) if row else Grant(frozenset(), None)
        shared = grant.visible(now) if follows else frozenset()
        rows = list(
            await session.scalars(select(FlowProgress).where(FlowProgress.person_id == person.id))
        )
        note, last_seen = person.referent_note, person.last_seen_at
    procedures = []
    for progress_row in rows:
        flow = catalog.registry.get(progress_row.flow_id)
        if flow is None or AREA_OF_CATEGORY.get(flow.category) not in shared:
            continue
        progress = from_json(progress_row.state)
        finished = progress.status is engine.Status.FINISHED
        number, total = (
            (0, 0)
            if finished or flow.step(progress.current) is None
            else engine.position(flow, progress)
        )
        procedures.append(ProcedureLine(flow.title, number, total, finished))
    return PersonDetail(person_id, note, last_seen, shared, tuple(procedures))
