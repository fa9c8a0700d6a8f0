"""What staff see of the persons they follow: always checked, audited, and limited to
what each person chose to share (`/partage`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.access import Role, StaffAction, StaffActor, Target
from core.intents import AwaitPersonNote, encode
from core.sharing import NOTHING, Area
from flows import engine
from flows.catalog import FlowCatalog
from flows.model import Flow
from services.authorisation import Access, NotAllowed, authorise, staff_transaction
from services.staff import NoteSaved, clean_note
from storage import handoffs as handoff_store
from storage import persons as person_store
from storage import progress as progress_store
from storage import sharing as sharing_store
from storage import staff as staff_store
from storage.db import SessionFactory
from storage.models import Person, StaffMember

AREA_OF_CATEGORY = {"caf": Area.CAF, "prefecture": Area.PREFECTURE, "housing": Area.HOUSING}


@dataclass(frozen=True)
class PersonLine:
    person_id: int
    note: str | None  # the referent's note (from the invite, editable), the name they know
    last_seen_at: datetime
    asks_help: bool  # a help request is still waiting
    stuck: bool = False  # said "I can't" on a step and has not moved on from it


@dataclass(frozen=True)
class ProcedureLine:
    title: str
    number: int
    total: int
    finished: bool


@dataclass(frozen=True)
class HelpLine:
    """A help request still waiting; its procedure only when the person shares its area."""

    asked_at: datetime
    flow: Flow | None
    step_id: str | None


@dataclass(frozen=True)
class PersonDetail:
    person_id: int
    site_id: int
    note: str | None
    last_seen_at: datetime
    shared: frozenset[Area]
    procedures: tuple[ProcedureLine, ...]
    help: tuple[HelpLine, ...]
    follows: bool  # the viewer is the person's referent (who alone edits the note)


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
        asking = await handoff_store.persons_with_active(session, [p.id for p in persons])
        lines = [
            PersonLine(
                p.id, p.referent_note, p.last_seen_at, p.id in asking, p.cannot_step is not None
            )
            for p in persons
        ]
        # Stable: help waiting first, then stuck, each last seen first.
        return sorted(lines, key=lambda line: (not line.asks_help, not line.stuck))


async def person_detail(
    db: SessionFactory, catalog: FlowCatalog, telegram_user_id: int, person_id: int, now: datetime
) -> PersonDetail:
    async with staff_transaction(db) as session:
        person, site_id, actor = await _viewed(session, telegram_user_id, person_id, now)
        follows = person.referent_id == actor.staff_id
        grant = sharing_store.grant_of(await sharing_store.find(session, person.id)) or NOTHING
        shared = grant.visible(now) if follows else frozenset()
        rows = await progress_store.of_person(session, person.id)
        waiting = [
            (r.created_at, r.flow_id, r.step_id)
            for r in await handoff_store.of_person(session, person.id)
            if r.status in handoff_store.ACTIVE
        ]
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
    help_lines = tuple(
        HelpLine(at, _shared_flow(catalog, flow_id, shared), step_id)
        for at, flow_id, step_id in waiting
    )
    return PersonDetail(
        person_id, site_id, note, last_seen, shared, tuple(procedures), help_lines, follows
    )


def _shared_flow(catalog: FlowCatalog, flow_id: str | None, shared: frozenset[Area]) -> Flow | None:
    flow = catalog.registry.get(flow_id) if flow_id else None
    return flow if flow is not None and AREA_OF_CATEGORY.get(flow.category) in shared else None


async def ask_for_person_note(
    db: SessionFactory, telegram_user_id: int, person_id: int, now: datetime
) -> str | None:
    """The referent's next text becomes their note on a person they follow; the note
    they have now (shown with the question)."""
    async with staff_transaction(db) as session:
        member = await _referent_of(session, telegram_user_id, person_id, now)
        member.awaiting = encode(AwaitPersonNote(person_id))
        person = await person_store.get_person(session, person_id)
        return person.referent_note if person else None


async def take_person_note(
    db: SessionFactory, telegram_user_id: int, asked: AwaitPersonNote, text: str, now: datetime
) -> NoteSaved:
    """Checked again: the person may have been handed to another referent meanwhile."""
    async with db.begin() as session:
        member = await staff_store.find_staff(session, telegram_user_id)
        if member is not None:
            member.awaiting = None
    async with staff_transaction(db) as session:
        await _referent_of(session, telegram_user_id, asked.person, now)
        person = await person_store.get_person(session, asked.person)
        assert person is not None
        saved = clean_note(text)
        person.referent_note = saved.note
        return saved


async def _viewed(
    session: AsyncSession, telegram_user_id: int, person_id: int, now: datetime
) -> tuple[Person, int, StaffActor]:
    """The person, their site, and the staff member allowed to view them (their referent,
    an admin of their site); NotAllowed otherwise, recorded in the audit log."""
    person = await person_store.get_person(session, person_id)
    site_id = person.site_id if person is not None else None
    if person is None or site_id is None:
        raise NotAllowed("no such person")
    target = Target(site_id, person_referent_id=person.referent_id)
    actor = await authorise(
        session, telegram_user_id, StaffAction.VIEW_PERSON, target, now, person_id=person.id
    )
    return person, site_id, actor


async def _referent_of(
    session: AsyncSession, telegram_user_id: int, person_id: int, now: datetime
) -> StaffMember:
    """The staff member, if they are the person's referent: only they keep a note on them."""
    person, site_id, actor = await _viewed(session, telegram_user_id, person_id, now)
    member = await staff_store.get_staff(session, actor.staff_id)
    if member is None or person.referent_id != actor.staff_id:
        access = Access(now, site_id, actor.staff_id, person.id, StaffAction.VIEW_PERSON)
        raise NotAllowed("only the person's referent edits the note", access)
    return member
