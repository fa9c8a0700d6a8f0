"""What staff see of the persons they follow: always checked, audited, and limited to
what each person chose to share (`/partage`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.access import Role, StaffAction, Target
from core.sharing import NOTHING, Area
from flows import engine
from flows.catalog import FlowCatalog
from services.authorisation import NotAllowed, authorise, staff_transaction
from storage import persons as person_store
from storage import progress as progress_store
from storage import sharing as sharing_store
from storage.db import SessionFactory

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
    async with staff_transaction(db) as session:
        actor = await authorise(
            session, telegram_user_id, StaffAction.LIST_PERSONS, Target(site_id), now
        )
        referent = None if actor.has(Role.ADMIN, site_id) else actor.staff_id
        persons = await person_store.on_site(session, site_id, referent_id=referent)
        return [PersonLine(p.id, p.referent_note, p.last_seen_at) for p in persons]


async def person_detail(
    db: SessionFactory, catalog: FlowCatalog, telegram_user_id: int, person_id: int, now: datetime
) -> PersonDetail:
    async with staff_transaction(db) as session:
        person = await person_store.get_person(session, person_id)
        if person is None or person.site_id is None:
            raise NotAllowed("no such person")
        target = Target(person.site_id, person_referent_id=person.referent_id)
        actor = await authorise(
            session, telegram_user_id, StaffAction.VIEW_PERSON, target, now, person_id=person.id
        )
        follows = person.referent_id == actor.staff_id
        grant = sharing_store.grant_of(await sharing_store.find(session, person.id)) or NOTHING
        shared = grant.visible(now) if follows else frozenset()
        rows = await progress_store.of_person(session, person.id)
        note, last_seen = person.referent_note, person.last_seen_at
    procedures = []
    for row in rows:
        flow = catalog.registry.get(row.flow_id)
        progress = progress_store.read(row)
        if flow is None or progress is None or AREA_OF_CATEGORY.get(flow.category) not in shared:
            continue
        finished = progress.status is engine.Status.FINISHED
        number, total = (
            (0, 0)
            if finished or flow.step(progress.current) is None
            else engine.position(flow, progress)
        )
        procedures.append(ProcedureLine(flow.title, number, total, finished))
    return PersonDetail(person_id, note, last_seen, shared, tuple(procedures))
