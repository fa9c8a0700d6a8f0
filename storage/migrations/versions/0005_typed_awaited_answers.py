"""typed awaited answers: room for a flow id in `awaiting`

The awaited answer is now a typed value encoded by `core.intents` (`date:<flow id>`,
`note:<invite id>`, `site_search`). Flow ids are up to 40 characters, so both columns
grow; a pending date stored under the old format (a hash of the flow id) is dropped, and
the person is simply asked again when they tap "type the date".

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 02:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SQLite does not enforce VARCHAR lengths, and altering a column there rebuilds the
    # table: with foreign keys on, dropping the old table would cascade to every row that
    # points at it. So the columns only grow where the length is real.
    if op.get_bind().dialect.name != "sqlite":
        _resize(persons=(24, 64), staff_members=(40, 64))
    op.execute("UPDATE persons SET awaiting = NULL WHERE awaiting LIKE 'date:%'")


def downgrade() -> None:
    op.execute("UPDATE persons SET awaiting = NULL WHERE length(awaiting) > 24")
    op.execute("UPDATE staff_members SET awaiting = NULL WHERE length(awaiting) > 40")
    if op.get_bind().dialect.name != "sqlite":
        _resize(persons=(64, 24), staff_members=(64, 40))


def _resize(**tables: tuple[int, int]) -> None:
    for table, (before, after) in tables.items():
        op.alter_column(
            table,
            "awaiting",
            existing_type=sa.String(length=before),
            type_=sa.String(length=after),
        )
