"""finished rounds: a procedure done again keeps the earlier rounds in Mon parcours

Backfilled from the procedures finished so far (one round each). Their ending is read
from the step they ended on: the shipped flows' endings that are not a procedure done,
as of this revision, are listed here (the flows themselves may change later).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 07:45:00
"""

import json
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOT_YET_ENDINGS = {
    ("aide-logement", "end-help"),
    ("changement-situation", "end-first"),
    ("declaration-trimestrielle", "end-not-yet"),
    ("renouvellement-titre-sejour", "end-help"),
}


def upgrade() -> None:
    rounds = op.create_table(
        "finished_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("flow_id", sa.String(length=40), nullable=False),
        sa.Column("ending", sa.String(length=16), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("finished_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_finished_rounds_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finished_rounds")),
    )
    with op.batch_alter_table("finished_rounds", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_finished_rounds_person_id"), ["person_id"], unique=False
        )
    progress = sa.table(
        "flow_progress",
        sa.column("person_id", sa.Integer()),
        sa.column("flow_id", sa.String()),
        sa.column("status", sa.String()),
        sa.column("state", sa.Text()),
    )
    finished = op.get_bind().execute(
        sa.select(progress.c.person_id, progress.c.flow_id, progress.c.state).where(
            progress.c.status == "finished"
        )
    )
    backfill = []
    for person_id, flow_id, state in finished:
        record = json.loads(state)
        ending = "not_yet" if (flow_id, record.get("current")) in NOT_YET_ENDINGS else "done"
        backfill.append(
            {
                "person_id": person_id,
                "flow_id": flow_id,
                "ending": ending,
                "started_on": date.fromisoformat(record["started_on"]),
                "finished_on": date.fromisoformat(record["updated_on"]),
            }
        )
    if backfill:
        op.bulk_insert(rounds, backfill)


def downgrade() -> None:
    with op.batch_alter_table("finished_rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finished_rounds_person_id"))
    op.drop_table("finished_rounds")
