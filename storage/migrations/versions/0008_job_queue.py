"""job queue: procrastinate's tables and functions, for the scale path (PostgreSQL only)

The schema is the one the installed procrastinate ships (pinned to 3.x in pyproject);
applying it here keeps one migration history. A later procrastinate that changes its
schema comes with its own migration files: each becomes an Alembic revision
(docs/decisions/0007-procrastinate-for-the-scale-path.md). SQLite needs none of it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 07:00:00
"""

import re
from collections.abc import Sequence

from alembic import op
from procrastinate.schema import SchemaManager

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CREATED = re.compile(r"^CREATE (TABLE|TYPE|FUNCTION) (\w+)", re.MULTILINE)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # As is: its functions hold % signs and colons that no driver must read as parameters.
    as_is = op.get_bind().execution_options(no_parameters=True)
    as_is.exec_driver_sql(SchemaManager.get_schema())


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    created = _CREATED.findall(SchemaManager.get_schema())
    for kind in ("TABLE", "FUNCTION", "TYPE"):
        for name in reversed([name for found, name in created if found == kind]):
            op.execute(f"DROP {kind} IF EXISTS {name} CASCADE")
