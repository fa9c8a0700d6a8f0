"""Proposing free slots on a large site: 1,000,000 meetings in the database, side by side
with the same site with no history.

    .venv/bin/python -m bench.free_slots --database sqlite [--meetings 1000000] [--runs 2000]
    .venv/bin/python -m bench.free_slots --database postgresql

Measured: `services.meetings.propose`, what a person's tap on a place calls: one
transaction that reads the person, the meeting type, the places, the staff's availability
and their meetings in the time searched (`storage.meetings.busy_of`), then searches the
five soonest free times (`core.slots.free_slots`). Timed from the call to its answer, at
a fixed `now`, for a random person each time, `--runs` times per meeting type after a
warm-up; prints min, p50, p95, p99 and max in milliseconds.

Two fresh databases, migrated to head (SQLite files in a temporary directory; or the
PostgreSQL databases `alliance_bench_slots` and `alliance_bench_slots_ref` on the local
server, created for the run and dropped after it), seeded alike:

- one site in Europe/Paris: 40 referents receiving Monday to Friday, 9–12 and 14–17, at
  its office, imported from an availability file as `bot.py dispos import` does; two
  meeting types, "Suivi" (45 min, with one's referent) and "Démarche" (30 min, with
  anyone), both 24 h notice and 6 weeks horizon; 50 persons followed by each referent;
- from today to the end of the horizon, each window cut into meetings of 45, 45, 30, 30
  and 30 min in a random order: 70 % of them booked (with their quarter-hour cells), 10 %
  cancelled, 20 % left free, so the search has to skip busy times;
- in the large database only, the history: every working day before today, each window
  full (85 % held, 7 % missed, 8 % cancelled), as many days back as it takes to make
  `--meetings` in all (1,000,000: about 10 years). Past meetings have no `meeting_cells`
  rows: the cells only keep two bookings apart, and `propose` never reads them.

The reference is the second database: the same site, the same coming weeks, no history.
Each run calls `propose` once on each database with the same person and type, in
alternating order, so both see the same machine; the answers must be the same. Before
timing, the tables are analysed and the plan of `busy_of`'s query is printed, with
whether it uses the index `ix_meetings_staff_id_starts_at`. Figures go in
docs/benchmarks.md; tests never assert timings.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from psycopg import sql
from sqlalchemy import event, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.availability_file import parse_availability
from core.meetings import MeetingStatus, cells
from core.slots import holidays_of
from services.availability import import_availability
from services.booking import Proposal
from services.meetings import propose
from services.onboarding import Visitor
from storage.db import SessionFactory, create_engine, create_session_factory
from storage.migrate import upgrade_to_head
from storage.models import (
    Meeting,
    MeetingCell,
    MeetingPlace,
    MeetingType,
    Person,
    Site,
    StaffMember,
    StaffRole,
)

NOW = datetime(2026, 12, 2, 8, 30, tzinfo=UTC)  # a Wednesday, 9:30 in Paris
ZONE = ZoneInfo("Europe/Paris")
REGION = "metropole"
STAFF = 40
PERSONS_PER_REFERENT = 50
WINDOWS = ((clock(9), clock(12)), (clock(14), clock(17)))
WINDOW_CUT = (45, 45, 30, 30, 30)  # minutes: each window, full, in a random order
HORIZON = timedelta(weeks=6)
Shares = tuple[tuple[MeetingStatus, float], ...]
COMING: Shares = ((MeetingStatus.BOOKED, 0.70), (MeetingStatus.CANCELLED, 0.10))  # else free
PAST: Shares = ((MeetingStatus.MISSED, 0.07), (MeetingStatus.CANCELLED, 0.08))  # else held
WARM_UP = 100  # calls per type and database, not timed
CHUNK = 20_000  # rows per insert
SERVER = "postgresql://postgres@127.0.0.1:5432"
DATABASES = ("alliance_bench_slots", "alliance_bench_slots_ref")
BUSY_INDEX = "ix_meetings_staff_id_starts_at"

Row = dict[str, Any]


@dataclass(frozen=True)
class Kind:
    key: str
    name: str
    minutes: int
    referent_only: bool


KINDS = (Kind("suivi", "Suivi", 45, True), Kind("demarche", "Démarche", 30, False))
KIND_OF_LENGTH = {kind.minutes: kind for kind in KINDS}


@dataclass(frozen=True)
class Seeded:
    """A seeded database, and what a tap needs to name: type ids, the place, the persons."""

    engine: AsyncEngine
    db: SessionFactory
    kind_ids: dict[str, int]
    place_id: int
    visitors: list[Visitor]
    meetings: int
    seconds: float  # to seed it


@dataclass(frozen=True)
class People:
    site_id: int
    staff_ids: list[int]
    persons_of: dict[int, list[int]]  # person ids by referent


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=("sqlite", "postgresql"), required=True)
    parser.add_argument("--meetings", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=2000)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, databases(arguments.database, scratch) as urls:
        asyncio.run(bench(arguments.database, urls, arguments.meetings, arguments.runs))


async def bench(backend: str, urls: tuple[str, str], meetings: int, runs: int) -> None:
    large = await seed(urls[0], meetings)
    reference = await seed(urls[1], 0)
    for name, site in (("large", large), ("reference", reference)):
        print(f"{backend}, {name}: {site.meetings:,} meetings, seeded in {site.seconds:.0f} s")
    try:
        await explain_busy_of(large)
        timings = await measure(large, reference, runs)
    finally:
        await large.engine.dispose()
        await reference.engine.dispose()
    report(backend, timings, large.meetings, reference.meetings, runs)


# The databases


@contextmanager
def databases(backend: str, scratch: str) -> Iterator[tuple[str, str]]:
    """Two empty databases: SQLite files in `scratch`, or PostgreSQL databases created now
    and dropped after the run."""
    if backend == "sqlite":
        yield f"sqlite:///{Path(scratch) / 'large.db'}", f"sqlite:///{Path(scratch) / 'ref.db'}"
        return
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as server:
        for name in DATABASES:
            server.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield f"{SERVER}/{DATABASES[0]}", f"{SERVER}/{DATABASES[1]}"
        finally:
            for name in DATABASES:
                drop = sql.SQL("DROP DATABASE {} WITH (FORCE)")  # even after a failed run
                server.execute(drop.format(sql.Identifier(name)))


# Seeding


async def seed(url: str, history: int) -> Seeded:
    """The site, its people and availability, the coming weeks, then the history up to
    `history` meetings in all (none: the reference)."""
    started = time.perf_counter()
    engine = create_engine(url)
    await upgrade_to_head(engine)
    db = create_session_factory(engine)
    people = await add_people(db)
    await import_windows(db, people)
    async with db.begin() as session:
        kinds = {k.key: k.id for k in await session.scalars(select(MeetingType))}
        place_id = (await session.scalars(select(MeetingPlace.id))).one()
        telegram_ids = list(await session.scalars(select(Person.telegram_user_id)))
    coming = list(coming_meetings(people, kinds, place_id))
    past = max(0, history - len(coming))
    await insert_meetings(engine, past_meetings(people, kinds, place_id, past))
    await insert_meetings(engine, numbered(coming, first=past + 1))
    await analyze(engine)
    return Seeded(
        engine,
        db,
        kinds,
        place_id,
        [Visitor(t, "fr") for t in telegram_ids],
        past + len(coming),
        time.perf_counter() - started,
    )


async def add_people(db: SessionFactory) -> People:
    """The site, its referents and the persons each one follows."""
    async with db.begin() as session:
        site = Site(name="CCAS Bench", timezone=ZONE.key, holiday_region=REGION, created_at=NOW)
        session.add(site)
        await session.flush()
        staff = [
            StaffMember(
                telegram_user_id=1_000 + index,
                display_name=_staff_name(index),
                language="fr",
                created_at=NOW,
                last_seen_at=NOW,
            )
            for index in range(STAFF)
        ]
        session.add_all(staff)
        await session.flush()
        session.add_all(StaffRole(staff_id=m.id, site_id=site.id, role="referent") for m in staff)
        persons = [
            {
                "telegram_user_id": 10_000_000 + index,
                "language": "fr",
                "onboarding_stage": "ready",
                "site_id": site.id,
                "referent_id": staff[index % STAFF].id,
                "created_at": NOW,
                "last_seen_at": NOW,
            }
            for index in range(STAFF * PERSONS_PER_REFERENT)
        ]
        await session.execute(insert(Person), persons)
        persons_of: dict[int, list[int]] = {m.id: [] for m in staff}
        for person_id, referent_id in await session.execute(select(Person.id, Person.referent_id)):
            if referent_id is not None:
                persons_of[referent_id].append(person_id)
        return People(site.id, [m.id for m in staff], persons_of)


async def import_windows(db: SessionFactory, people: People) -> None:
    """The office, the two meeting types and everyone's weekly windows, from a file."""
    lines = [
        "places:",
        "  - {key: bureau, mode: office, label: 'CCAS Bench, 1 rue du Banc', timezone: "
        f"{ZONE.key}}}",
        "meeting_types:",
    ]
    for kind in KINDS:
        who = "referent" if kind.referent_only else "anyone"
        lines.append(
            f"  - {{key: {kind.key}, name: {kind.name}, minutes: {kind.minutes}, "
            f"modes: [office], notice_hours: 24, horizon_weeks: 6, with: {who}}}"
        )
    lines.append("staff:")
    for index in range(len(people.staff_ids)):
        lines += [f"  - who: '{_staff_name(index)}'", "    weekly:"]
        lines += [
            f"      - {{day: {day}, from: '{start:%H:%M}', to: '{end:%H:%M}', place: bureau}}"
            for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
            for start, end in WINDOWS
        ]
    spec = parse_availability("\n".join(lines), "bench.yaml")
    await import_availability(db, str(people.site_id), spec, "bench.yaml")


def coming_meetings(people: People, kinds: dict[str, int], place_id: int) -> Iterator[Row]:
    """From today to the end of the horizon: 70 % booked, 10 % cancelled, the rest free
    (today's before `now` held, as the staff member marked them). All start before
    `now` + horizon: nobody could book that far yet."""
    rng = random.Random(1)
    day, last = _today(), (NOW + HORIZON).astimezone(ZONE).date()
    while day <= last:
        for start, end, staff_id in _day(day, people, rng):
            status = _drawn(rng.random(), COMING)
            if start < NOW:
                status = MeetingStatus.HELD
            if status is not None and start < NOW + HORIZON:
                yield _meeting(people, kinds, place_id, staff_id, start, end, status, rng)
        day += timedelta(days=1)


def past_meetings(
    people: People, kinds: dict[str, int], place_id: int, count: int
) -> Iterator[Row]:
    """The `count` meetings of the working days before today, every window full; ids 1 to
    `count` in order of time (the first day may be cut)."""
    per_day = len(people.staff_ids) * len(WINDOWS) * len(WINDOW_CUT)
    first, days = _today(), 0
    while days * per_day < count:
        first -= timedelta(days=1)
        days += _is_working(first)
    history = _history(people, kinds, place_id, first)
    return numbered(islice(history, days * per_day - count, None), first=1)


def _history(people: People, kinds: dict[str, int], place_id: int, day: date) -> Iterator[Row]:
    """Every working day from `day` to yesterday: 85 % held, 7 % missed, 8 % cancelled."""
    rng = random.Random(2)
    while day < _today():
        for start, end, staff_id in _day(day, people, rng):
            status = _drawn(rng.random(), PAST) or MeetingStatus.HELD
            yield _meeting(people, kinds, place_id, staff_id, start, end, status, rng)
        day += timedelta(days=1)


def _drawn(draw: float, shares: Shares) -> MeetingStatus | None:
    """The status whose share `draw` (in [0, 1)) falls in, None past them all."""
    for status, share in shares:
        if draw < share:
            return status
        draw -= share
    return None


def _day(day: date, people: People, rng: random.Random) -> Iterator[tuple[datetime, datetime, int]]:
    """(start, end, staff id) of each meeting a full day would hold, windows cut at random."""
    if not _is_working(day):
        return
    for staff_id in people.staff_ids:
        for opens, _closes in WINDOWS:
            at = datetime.combine(day, opens, tzinfo=ZONE)
            for minutes in rng.sample(WINDOW_CUT, len(WINDOW_CUT)):
                end = at + timedelta(minutes=minutes)
                yield at.astimezone(UTC), end.astimezone(UTC), staff_id
                at = end


def _meeting(
    people: People,
    kinds: dict[str, int],
    place_id: int,
    staff_id: int,
    start: datetime,
    end: datetime,
    status: MeetingStatus,
    rng: random.Random,
) -> Row:
    """A "Suivi" with one of the referent's persons, a "Démarche" with anyone's."""
    kind = KIND_OF_LENGTH[int((end - start).total_seconds()) // 60]
    owner = staff_id if kind.referent_only else rng.choice(people.staff_ids)
    booked_at = min(start - timedelta(days=rng.randint(2, 40)), NOW)
    return {
        "site_id": people.site_id,
        "person_id": rng.choice(people.persons_of[owner]),
        "staff_id": staff_id,
        "type_id": kinds[kind.key],
        "type_name": kind.name,
        "mode": "office",
        "place_id": place_id,
        "place_label": "CCAS Bench, 1 rue du Banc",
        "timezone": ZONE.key,
        "starts_at": start,
        "ends_at": end,
        "status": status.value,
        "sequence": 0,
        "cancelled_by": "person" if status is MeetingStatus.CANCELLED else None,
        "created_at": booked_at,
        "updated_at": booked_at,
    }


def numbered(rows: Iterable[Row], first: int) -> Iterator[Row]:
    """Ids given here, so that the cells can name their meeting without reading it back."""
    for number, row in enumerate(rows, start=first):
        yield {"id": number, **row}


async def insert_meetings(engine: AsyncEngine, rows: Iterable[Row]) -> None:
    """In chunks, one transaction each; each booked meeting with its quarter-hour cells."""
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK)):
        taken = [
            {"staff_id": row["staff_id"], "starts_at": cell, "meeting_id": row["id"]}
            for row in chunk
            if row["status"] == MeetingStatus.BOOKED.value
            for cell in cells(row["starts_at"], row["ends_at"])
        ]
        async with engine.begin() as connection:
            await connection.execute(insert(Meeting), chunk)
            if taken:
                await connection.execute(insert(MeetingCell), taken)


async def analyze(engine: AsyncEngine) -> None:
    """Statistics for the planner, as a live database has them (and PostgreSQL's
    visibility map, which a bulk load leaves empty)."""
    async with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.exec_driver_sql("VACUUM ANALYZE")
        else:
            await connection.exec_driver_sql("ANALYZE")
            await connection.commit()


@cache
def _is_working(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


@cache
def _holidays(year: int) -> frozenset[date]:
    return holidays_of(REGION, date(year, 1, 1), date(year, 12, 31))


def _today() -> date:
    return NOW.astimezone(ZONE).date()


def _staff_name(index: int) -> str:
    return f"Référent {index + 1:02d}"


# Measuring


async def explain_busy_of(site: Seeded) -> None:
    """The plan of the query `busy_of` sends for each type (as sent: captured on its way to
    the driver; the first, if a tap reads twice), and whether it walks the (staff, start)
    index."""
    for kind in KINDS:
        statement, parameters = await _captured_busy_of(site, kind)
        if site.engine.dialect.name == "postgresql":
            prefix = "EXPLAIN (ANALYZE, BUFFERS) "
        else:
            prefix = "EXPLAIN QUERY PLAN "
        async with site.engine.connect() as connection:
            result = await connection.exec_driver_sql(prefix + statement, parameters)
            plan = "\n".join(f"    {' '.join(str(v) for v in row)}" for row in result)
        uses = "uses" if BUSY_INDEX in plan else "does NOT use"
        print(f"busy_of for {kind.name} {uses} {BUSY_INDEX}:\n{plan}")


async def _captured_busy_of(site: Seeded, kind: Kind) -> tuple[str, Any]:
    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "FROM meetings" in statement and "meetings.staff_id IN" in statement:
            seen.append((statement, parameters))

    event.listen(site.engine.sync_engine, "before_cursor_execute", capture)
    try:
        await _tap(site, site.visitors[0], kind)
    finally:
        event.remove(site.engine.sync_engine, "before_cursor_execute", capture)
    assert seen, "propose sent no query to busy_of"
    return seen[0]


async def measure(large: Seeded, reference: Seeded, runs: int) -> dict[str, list[float]]:
    """Milliseconds per call, by type and database: each run taps both databases with the
    same person, in alternating order; both must propose the same slots."""
    rng = random.Random(3)
    timings: dict[str, list[float]] = {}
    for kind in KINDS:
        for run in range(-WARM_UP, runs):
            visitor = rng.choice(large.visitors)
            pair = (large, reference) if run % 2 else (reference, large)
            answers = []
            for site in pair:
                started = time.perf_counter()
                answers.append(await _tap(site, visitor, kind))
                elapsed = (time.perf_counter() - started) * 1000
                if run >= 0:
                    label = "large" if site is large else "reference"
                    timings.setdefault(f"{kind.key}:{label}", []).append(elapsed)
            assert answers[0] == answers[1], "the two databases proposed different slots"
    return timings


async def _tap(site: Seeded, visitor: Visitor, kind: Kind) -> Proposal:
    answer = await propose(site.db, visitor, site.kind_ids[kind.key], site.place_id, NOW)
    assert isinstance(answer, Proposal) and len(answer.slots) == 5, answer
    return answer


def report(
    backend: str, timings: dict[str, list[float]], meetings: int, reference: int, runs: int
) -> None:
    print(f"\n{backend}: propose, {runs} runs per type and database, ms")
    print(f"{'type':<10} {'meetings':>10}  {'min':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>6}")
    for kind in KINDS:
        for label, count in (("large", meetings), ("reference", reference)):
            figures = sorted(timings[f"{kind.key}:{label}"])
            values = [figures[0], *(_rank(figures, q) for q in (0.50, 0.95, 0.99)), figures[-1]]
            shown = " ".join(f"{value:6.1f}" for value in values)
            print(f"{kind.name:<10} {count:>10,}  {shown}")


def _rank(ordered: list[float], quantile: float) -> float:
    """The nearest-rank percentile of sorted values."""
    return ordered[max(0, math.ceil(quantile * len(ordered)) - 1)]


if __name__ == "__main__":
    main()
