"""Migrations and repositories, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, String, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from core.meetings import cells
from services import inbox
from services.accounts import Caller, begin_update
from storage import meetings as meeting_store
from storage import sites as site_store
from storage import staff as staff_store
from storage.db import create_engine, create_session_factory
from storage.inbox import MAX_ATTEMPTS, Turn
from storage.migrate import alembic_config, current_revision, ours, upgrade_to_head
from storage.models import Base, Meeting
from tests.seeds import ready_people

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    try:
        yield engine
    finally:
        await engine.dispose()


async def test_upgrade_from_empty_to_head_matches_the_models(engine: AsyncEngine) -> None:
    await upgrade_to_head(engine)
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert await current_revision(engine) == head

    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"include_name": ours})
        found = compare_metadata(context, Base.metadata)
        return [diff for diff in found if not _sqlite_length_only(connection, diff)]

    async with engine.connect() as connection:
        assert await connection.run_sync(differences) == [], "run alembic revision --autogenerate"
        tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    job_queue = {"procrastinate_jobs", "procrastinate_workers", "procrastinate_events"}
    if engine.dialect.name == "postgresql":  # the scale path's job queue
        assert job_queue <= set(tables)
    else:
        assert not job_queue & set(tables)


def _sqlite_length_only(connection: Connection, diff: object) -> bool:
    """SQLite does not enforce VARCHAR lengths, so migrations leave them (changing one
    rebuilds the table there, see 0005): a length-only change is no difference."""
    if connection.dialect.name != "sqlite" or not isinstance(diff, list):
        return False
    return all(
        change[0] == "modify_type"
        and isinstance(change[-2], String)
        and isinstance(change[-1], String)
        for change in diff
    )


async def test_existing_data_survives_every_migration(engine: AsyncEngine) -> None:
    """A database in use at revision 0004 keeps its people, roles and links at head."""

    def at_0004(connection: Connection) -> None:
        command.upgrade(alembic_config(connection), "0004")
        connection.exec_driver_sql(
            "INSERT INTO sites (id, name, timezone, holiday_region, created_at) "
            "VALUES (1, 'CCAS', 'Europe/Paris', 'metropole', '2026-11-25 09:00:00')"
        )
        connection.exec_driver_sql(
            "INSERT INTO staff_members (id, telegram_user_id, display_name, language, "
            "created_at, last_seen_at) VALUES (1, 11, 'Marie', 'fr', '2026-11-25 09:00:00', "
            "'2026-11-25 09:00:00')"
        )
        connection.exec_driver_sql(
            "INSERT INTO staff_roles (staff_id, site_id, role) VALUES (1, 1, 'referent')"
        )
        connection.exec_driver_sql(
            "INSERT INTO persons (id, telegram_user_id, language, onboarding_stage, site_id, "
            "referent_id, created_at, last_seen_at, awaiting) VALUES (1, 22, 'fr', 'ready', 1, "
            "1, '2026-11-25 09:00:00', '2026-11-25 09:00:00', 'date:abc123')"
        )
        connection.exec_driver_sql(
            "INSERT INTO consent_records (person_id, text_version, agreed_at) "
            "VALUES (1, 'v1', '2026-11-25 09:00:00')"
        )

    def survivors(connection: Connection) -> tuple[object, ...]:
        def count(table: str) -> object:
            return connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()  # noqa: S608

        person = connection.exec_driver_sql(
            "SELECT referent_id, site_id, awaiting FROM persons"
        ).one()
        return count("consent_records"), count("staff_roles"), tuple(person)

    async with engine.begin() as connection:
        await connection.run_sync(at_0004)
    await upgrade_to_head(engine)
    async with engine.connect() as connection:
        assert await connection.run_sync(survivors) == (1, 1, (1, 1, None))


async def test_procedures_finished_before_0009_become_rounds_with_their_ending(
    engine: AsyncEngine,
) -> None:
    """Mon parcours lists rounds since 0009: those finished before are carried over, a
    help ending as not settled yet, not as a procedure done."""

    def at_0008(connection: Connection) -> None:
        command.upgrade(alembic_config(connection), "0008")
        connection.exec_driver_sql(
            "INSERT INTO persons (id, telegram_user_id, language, onboarding_stage, "
            "created_at, last_seen_at) VALUES (1, 22, 'fr', 'ready', "
            "'2026-11-25 09:00:00', '2026-11-25 09:00:00')"
        )
        for number, (flow, step, status) in enumerate(
            [
                ("demande-rsa", "end", "finished"),
                ("aide-logement", "end-help", "finished"),
                ("prime-activite", "apply", "active"),
            ]
        ):
            state = f'{{"current": "{step}", "started_on": "2026-10-0{number + 1}", '
            state += '"updated_on": "2026-11-20"}'
            connection.execute(
                text(
                    "INSERT INTO flow_progress (person_id, flow_id, flow_version, status, "
                    "state, started_at, updated_at) VALUES (1, :flow, 1, :status, :state, "
                    "'2026-10-01 09:00:00', '2026-11-20 09:00:00')"
                ),
                {"flow": flow, "status": status, "state": state},
            )

    async with engine.begin() as connection:
        await connection.run_sync(at_0008)
    await upgrade_to_head(engine)
    async with engine.connect() as connection:
        rows = await connection.exec_driver_sql(
            "SELECT flow_id, ending, started_on, finished_on FROM finished_rounds ORDER BY flow_id"
        )
        found = [tuple(str(value) for value in row) for row in rows]
    assert found == [
        ("aide-logement", "not_yet", "2026-10-02", "2026-11-20"),
        ("demande-rsa", "done", "2026-10-01", "2026-11-20"),
    ]


async def test_downgrade_to_base_and_up_again(engine: AsyncEngine) -> None:
    await upgrade_to_head(engine)

    def down(connection: Connection) -> set[str]:
        command.downgrade(alembic_config(connection), "base")
        return set(inspect(connection).get_table_names())

    async with engine.begin() as connection:
        assert await connection.run_sync(down) <= {"alembic_version"}
    await upgrade_to_head(engine)
    assert await current_revision(engine) is not None


async def test_an_update_is_stored_once_handled_once_and_forgotten_later(
    engine: AsyncEngine,
) -> None:
    await upgrade_to_head(engine)
    db = create_session_factory(engine)
    assert await inbox.receive(db, 42, '{"update_id": 42}', NOW)
    assert await inbox.receive(db, 42, '{"update_id": 42}', NOW), "still to handle"
    assert await inbox.unfinished(db) == [(42, '{"update_id": 42}')]
    assert isinstance(await begin_update(db, 42, None, NOW), Caller)
    await inbox.finish(db, 42, NOW)
    assert await inbox.unfinished(db) == [], "done: its content is gone"
    assert not await inbox.receive(db, 42, '{"update_id": 42}', NOW), "a redelivery"
    assert await begin_update(db, 42, None, NOW + timedelta(minutes=1)) is Turn.ALREADY_DONE
    assert await inbox.forget_old(db, NOW + timedelta(days=1)) == 0
    assert await inbox.forget_old(db, NOW + timedelta(days=3)) == 1
    assert isinstance(await begin_update(db, 42, None, NOW + timedelta(days=3)), Caller)


async def test_an_update_that_keeps_breaking_its_handling_is_given_up(
    engine: AsyncEngine,
) -> None:
    await upgrade_to_head(engine)
    db = create_session_factory(engine)
    assert await inbox.receive(db, 7, '{"update_id": 7}', NOW)
    for _ in range(MAX_ATTEMPTS):  # each start, then the process dies before it is done
        assert isinstance(await begin_update(db, 7, None, NOW), Caller)
    assert await begin_update(db, 7, None, NOW) is Turn.GIVEN_UP
    assert await inbox.unfinished(db) == []


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    try:
        async with engine.connect() as connection:
            assert (await connection.exec_driver_sql("PRAGMA journal_mode")).scalar() == "wal"
            assert (await connection.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1
            assert (await connection.exec_driver_sql("PRAGMA synchronous")).scalar() == 1
    finally:
        await engine.dispose()


async def test_two_bookings_of_one_staff_members_time_cannot_both_be_stored(
    engine: AsyncEngine,
) -> None:
    """The guarantee against double booking is the database's, not the screens': two
    transactions booking overlapping times at once, only one commits its meeting."""
    await upgrade_to_head(engine)
    db = create_session_factory(engine)
    async with db.begin() as session:
        site = await site_store.add_site(
            session, name="Rezé", timezone="Europe/Paris", holiday_region="metropole", now=NOW
        )
        julien = await staff_store.add_staff(session, 9101, "Julien", "fr", NOW)
        amina = await staff_store.add_staff(session, 9102, "Amina", "fr", NOW)
        people = await ready_people(session, [7001, 7002, 7003], NOW)
        ids = (site.id, julien.id, amina.id, [p.id for p in people])
    site_id, julien_id, amina_id, (first, second, third) = ids
    ten = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)

    async def book(person_id: int, staff_id: int, start: datetime, minutes: int) -> bool:
        end = start + timedelta(minutes=minutes)
        async with db.begin() as session:
            meeting = _meeting(site_id, person_id, staff_id, start, end)
            return await meeting_store.add_meeting(session, meeting, cells(start, end))

    at_once = await asyncio.gather(
        book(first, julien_id, ten, 60), book(second, julien_id, ten + timedelta(minutes=45), 30)
    )
    assert sorted(at_once) == [False, True], "the overlapping quarter refuses one of them"
    assert await book(third, amina_id, ten, 60), "another staff member's time is free"
    assert await book(third, julien_id, ten + timedelta(hours=1), 30), "right after: free"
    async with db.begin() as session:
        booked = await meeting_store.of_staff_between(session, julien_id, ten, ten + DAY)
        assert len(booked) == 2, "the refused meeting left no row"
        await meeting_store.free_cells(session, booked[0].id)
    assert await book(second, julien_id, booked[0].starts_at, 15), "a freed time is bookable"


def _meeting(
    site_id: int, person_id: int, staff_id: int, start: datetime, end: datetime
) -> Meeting:
    return Meeting(
        site_id=site_id,
        person_id=person_id,
        staff_id=staff_id,
        type_name="Premier rendez-vous",
        mode="office",
        place_label="12 rue de la Paix",
        timezone="Europe/Paris",
        starts_at=start,
        ends_at=end,
        status="booked",
        sequence=0,
        created_at=NOW,
        updated_at=NOW,
    )
