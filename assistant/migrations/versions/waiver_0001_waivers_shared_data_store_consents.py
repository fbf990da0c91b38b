"""waivers: shared-data store (persons, relations, e-licences, shared records), consents

The shared_* tables stand for the province's 电子证照库; waiver_consent records each consent
and is the rate limiter's ledger (index on requester_hash, at).

Revision ID: waiver_0001
Revises: kb_0001
Create Date: 2026-11-22 00:13:26.057792
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "waiver_0001"
down_revision: str | Sequence[str] | None = "kb_0001"
branch_labels: str | Sequence[str] | None = ("waiver",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shared_person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("id_number", sqlmodel.sql.sqltypes.AutoString(length=18), nullable=True),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("sex", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("ethnicity", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("hukou_province", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("hukou_city", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("hukou_district", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("hukou_address", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("marital_status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("died_on", sa.Date(), nullable=True),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("shared_person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shared_person_id_number"), ["id_number"], unique=True)

    op.create_table(
        "waiver_consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("requester_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("subject_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("subject_masked", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("target", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("waiver_consent", schema=None) as batch_op:
        batch_op.create_index(
            "ix_waiver_consent_requester_at", ["requester_hash", "at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_waiver_consent_subject_hash"), ["subject_hash"], unique=False
        )

    op.create_table(
        "shared_licence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("type_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("holder_name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("issuer", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("region", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["shared_person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", "type_code", "number"),
    )
    with op.batch_alter_table("shared_licence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_shared_licence_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "shared_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("keeper", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("updated_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["shared_person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", "kind"),
    )
    with op.batch_alter_table("shared_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shared_record_person_id"), ["person_id"], unique=False)

    op.create_table(
        "shared_relation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("relative_id", sa.Integer(), nullable=False),
        sa.Column("relation", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["shared_person.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["relative_id"], ["shared_person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", "relative_id", "relation"),
    )
    with op.batch_alter_table("shared_relation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_shared_relation_person_id"), ["person_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("shared_relation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shared_relation_person_id"))

    op.drop_table("shared_relation")
    with op.batch_alter_table("shared_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shared_record_person_id"))

    op.drop_table("shared_record")
    with op.batch_alter_table("shared_licence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shared_licence_person_id"))

    op.drop_table("shared_licence")
    with op.batch_alter_table("waiver_consent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_waiver_consent_subject_hash"))
        batch_op.drop_index("ix_waiver_consent_requester_at")

    op.drop_table("waiver_consent")
    with op.batch_alter_table("shared_person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shared_person_id_number"))

    op.drop_table("shared_person")
