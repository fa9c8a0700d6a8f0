"""meetings: types, availability, meetings and their quarter-hour cells

A meeting takes one `meeting_cells` row per quarter hour of its staff member's time: the
primary key refuses a second booking of the same time on both engines. Places get their
own time zone (their site's, to begin with) and a key for the availability file; outbox
rows name the meeting they are about (its message log). A person may choose discreet
mode: messages about meetings then name no place and no reason. When no proposed time
fits, the person's own days wait in `meeting_requests` for the staff member's answer; a
person who would come earlier waits in `waiting_list`. Staff choose how much they are
told about their meetings (`notify_level`); a person agrees to Telegram calls for phone
meetings (`accepts_calls`: no phone number is asked). Collective workshops have numbered
seats: a seat is a meeting, and (workshop, seat) is unique.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 04:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMNs: a batch rebuild of `persons` on SQLite would drop the table, and
    # with foreign keys on, everything that cascades from it (consents, progress...).
    _add_if_missing(
        "persons", sa.Column("discreet", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    _add_if_missing(
        "persons",
        sa.Column("accepts_calls", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    _add_if_missing(
        "staff_members",
        sa.Column("notify_level", sa.String(length=8), server_default="all", nullable=False),
    )
    op.create_table(
        "meeting_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("modes", sa.String(length=80), nullable=False),
        sa.Column("notice_minutes", sa.Integer(), nullable=False),
        sa.Column("horizon_days", sa.Integer(), nullable=False),
        sa.Column("buffer_minutes", sa.Integer(), nullable=False),
        sa.Column("cancel_until_minutes", sa.Integer(), nullable=False),
        sa.Column("move_until_minutes", sa.Integer(), nullable=False),
        sa.Column("referent_only", sa.Boolean(), nullable=False),
        sa.Column("before_text", sa.Text(), nullable=True),
        sa.Column("after_text", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_meeting_types_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_types")),
        sa.UniqueConstraint("site_id", "key", name=op.f("uq_meeting_types_site_id")),
    )
    with op.batch_alter_table("meeting_types", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_types_site_id"), ["site_id"], unique=False)

    op.create_table(
        "availability",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("from_time", sa.Time(), nullable=True),
        sa.Column("to_time", sa.Time(), nullable=True),
        sa.Column("starts_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ends_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("why", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["meeting_places.id"],
            name=op.f("fk_availability_place_id_meeting_places"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_members.id"],
            name=op.f("fk_availability_staff_id_staff_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_availability")),
    )
    with op.batch_alter_table("availability", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_availability_place_id"), ["place_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_availability_staff_id"), ["staff_id"], unique=False)

    op.create_table('workshops',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=True),
    sa.Column('place_label', sa.String(length=200), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('starts_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['place_id'], ['meeting_places.id'], name=op.f('fk_workshops_place_id_meeting_places'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_workshops_site_id_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshops')),
    sa.UniqueConstraint('site_id', 'key', name=op.f('uq_workshops_site_id'))
    )
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshops_site_id'), ['site_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workshops_starts_at'), ['starts_at'], unique=False)

    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("type_id", sa.Integer(), nullable=True),
        sa.Column("type_name", sa.String(length=120), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("place_label", sa.String(length=200), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("starts_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("cancelled_by", sa.String(length=16), nullable=True),
        sa.Column("workshop_id", sa.Integer(), nullable=True),
        sa.Column("seat", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_meetings_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["meeting_places.id"],
            name=op.f("fk_meetings_place_id_meeting_places"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_meetings_site_id_sites"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_members.id"],
            name=op.f("fk_meetings_staff_id_staff_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["type_id"],
            ["meeting_types.id"],
            name=op.f("fk_meetings_type_id_meeting_types"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshops.id"],
            name=op.f("fk_meetings_workshop_id_workshops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sa.UniqueConstraint("workshop_id", "seat", name=op.f("uq_meetings_workshop_id")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_meetings_person_id_starts_at", ["person_id", "starts_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_meetings_place_id"), ["place_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meetings_site_id"), ["site_id"], unique=False)
        batch_op.create_index(
            "ix_meetings_staff_id_starts_at", ["staff_id", "starts_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_meetings_type_id"), ["type_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meetings_workshop_id"), ["workshop_id"], unique=False)

    op.create_table(
        "meeting_cells",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_cells_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_members.id"],
            name=op.f("fk_meeting_cells_staff_id_staff_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("staff_id", "starts_at", name=op.f("pk_meeting_cells")),
    )
    with op.batch_alter_table("meeting_cells", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_cells_meeting_id"), ["meeting_id"], unique=False
        )

    with op.batch_alter_table("meeting_places", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_meeting_places_site_id"), ["site_id", "key"]
        )
    op.execute(
        "UPDATE meeting_places SET key = kind, timezone = "
        "(SELECT sites.timezone FROM sites WHERE sites.id = meeting_places.site_id)"
    )
    with op.batch_alter_table("meeting_places", schema=None) as batch_op:
        batch_op.alter_column("timezone", existing_type=sa.String(length=64), nullable=False)

    op.create_table('meeting_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('type_id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('moving_id', sa.Integer(), nullable=True),
    sa.Column('days', sa.String(length=120), nullable=False),
    sa.Column('part_of_day', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('offered_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answered_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_requests_meeting_id_meetings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['moving_id'], ['meetings.id'], name=op.f('fk_meeting_requests_moving_id_meetings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_meeting_requests_person_id_persons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['place_id'], ['meeting_places.id'], name=op.f('fk_meeting_requests_place_id_meeting_places'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_members.id'], name=op.f('fk_meeting_requests_staff_id_staff_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['type_id'], ['meeting_types.id'], name=op.f('fk_meeting_requests_type_id_meeting_types'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_requests'))
    )
    with op.batch_alter_table('meeting_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_requests_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_requests_staff_id'), ['staff_id'], unique=False)

    op.create_table('waiting_list',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('offers', sa.Integer(), nullable=False),
    sa.Column('last_offer_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('hold_id', sa.Integer(), nullable=True),
    sa.Column('hold_until', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['hold_id'], ['meetings.id'], name=op.f('fk_waiting_list_hold_id_meetings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_waiting_list_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_waiting_list_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waiting_list')),
    sa.UniqueConstraint('meeting_id', name=op.f('uq_waiting_list_meeting_id'))
    )
    with op.batch_alter_table('waiting_list', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waiting_list_hold_until'), ['hold_until'], unique=False)
        batch_op.create_index(batch_op.f('ix_waiting_list_joined_at'), ['joined_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_waiting_list_person_id'), ['person_id'], unique=False)

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("meeting_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_meeting_id_meetings"),
            "meetings",
            ["meeting_id"],
            ["id"],
            ondelete="CASCADE",
        )



def _add_if_missing(table: str, column: sa.Column[object]) -> None:
    """A downgrade on SQLite leaves these columns: they are there when coming back."""
    if column.name not in {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}:
        op.add_column(table, column)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":  # there, a rebuild would cascade: left as is
        op.drop_column("persons", "discreet")
        op.drop_column("persons", "accepts_calls")
        op.drop_column("staff_members", "notify_level")


    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outbox_meeting_id_meetings"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_outbox_meeting_id"))
        batch_op.drop_column("meeting_id")

    with op.batch_alter_table("meeting_places", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_meeting_places_site_id"), type_="unique")
        batch_op.drop_column("timezone")
        batch_op.drop_column("key")

    with op.batch_alter_table("waiting_list", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_waiting_list_person_id"))
        batch_op.drop_index(batch_op.f("ix_waiting_list_joined_at"))
        batch_op.drop_index(batch_op.f("ix_waiting_list_hold_until"))
    op.drop_table("waiting_list")
    with op.batch_alter_table("meeting_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_requests_staff_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_requests_person_id"))
    op.drop_table("meeting_requests")
    with op.batch_alter_table("meeting_cells", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_cells_meeting_id"))

    op.drop_table("meeting_cells")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetings_workshop_id"))
        batch_op.drop_index(batch_op.f("ix_meetings_type_id"))
        batch_op.drop_index("ix_meetings_staff_id_starts_at")
        batch_op.drop_index(batch_op.f("ix_meetings_site_id"))
        batch_op.drop_index(batch_op.f("ix_meetings_place_id"))
        batch_op.drop_index("ix_meetings_person_id_starts_at")

    op.drop_table("meetings")
    with op.batch_alter_table("workshops", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workshops_starts_at"))
        batch_op.drop_index(batch_op.f("ix_workshops_site_id"))
    op.drop_table("workshops")
    with op.batch_alter_table("availability", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_availability_staff_id"))
        batch_op.drop_index(batch_op.f("ix_availability_place_id"))

    op.drop_table("availability")
    with op.batch_alter_table("meeting_types", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_types_site_id"))

    op.drop_table("meeting_types")
