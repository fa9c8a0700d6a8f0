"""How long the reminder job takes when many reminders fall due at 9:00 at once.

    .venv/bin/python -m bench.reminders_claim [--persons 2000] [--database-url URL]

Seeds persons with three due reminders each (deadline, later, check) and times one
`queue_due` pass: reading, pacing (3 a day, 7 a week), marking them queued and writing
their outbox messages. Sending itself is the outbox sender's and not measured here.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bench import common
from services.reminders import queue_due
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade_to_head
from storage.models import Person, Reminder

NOW = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)  # 9:30 in Paris


async def measure(persons: int, database_url: str) -> dict[str, float]:
    engine = create_engine(database_url)
    await upgrade_to_head(engine)
    db = create_session_factory(engine)
    async with db.begin() as session:
        for index in range(persons):
            person = Person(
                telegram_user_id=10_000_000 + index,
                language="fr",
                onboarding_stage="ready",
                created_at=NOW,
                last_seen_at=NOW,
            )
            session.add(person)
            await session.flush()
            for kind in ("deadline", "later", "check"):
                session.add(
                    Reminder(
                        person_id=person.id,
                        key=f"{kind}:bench:{index}",
                        kind=kind,
                        flow_id="demande-rsa",
                        due_at=NOW - timedelta(minutes=30),
                    )
                )
    started = time.perf_counter()
    claimed = await queue_due(db, NOW, ZoneInfo("Europe/Paris"), most=persons * 3)
    elapsed = time.perf_counter() - started
    await engine.dispose()
    return {"reminders": persons * 3, "claimed": claimed, "seconds": elapsed}


def main() -> None:
    backend, result = common.run(__doc__ or "", "persons", 2000, measure)
    print(
        f"{backend}: {result['reminders']:.0f} due reminders, "
        f"{result['claimed']:.0f} claimed in {result['seconds']:.2f} s "
        f"({result['reminders'] / result['seconds']:.0f} reminders/s)"
    )


if __name__ == "__main__":
    main()
