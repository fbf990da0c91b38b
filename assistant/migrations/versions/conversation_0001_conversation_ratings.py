"""conversation: citizens' ratings of the service (好差评)

Revision ID: conversation_0001
Revises: kb_0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "conversation_0001"
down_revision: str | Sequence[str] | None = "kb_0001"
branch_labels: str | Sequence[str] | None = ("conversation",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "conversation_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("guide_name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name="ck_conversation_rating_score"),
    )
    with op.batch_alter_table("conversation_rating") as batch_op:
        batch_op.create_index("ix_conversation_rating_created_at", ["created_at"])
        batch_op.create_index("ix_conversation_rating_sender_hash", ["sender_hash"])


def downgrade() -> None:
    op.drop_table("conversation_rating")
