"""agreements: main agreements, service appendices and versions, user councils, meetings and decisions,
roadmap items and change requests

Revision ID: 0100
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0100"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agreement_main",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("signed_date", sa.Date(), nullable=True),
        sa.Column("signatory", sa.String(length=200), nullable=True),
        sa.Column("template_version", sa.String(length=40), nullable=True),
        sa.Column("document_ref", sa.String(length=200), nullable=True),
        sa.Column("terminated_date", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_agreement_main_organisation_id_organisation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_main")),
        sa.UniqueConstraint("organisation_id", name=op.f("uq_agreement_main_organisation_id")),
    )
    op.create_table(
        "agreement_appendix",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("appendix_version", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("signed_date", sa.Date(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("price_model", sa.String(length=40), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_agreement_appendix_organisation_id_organisation")),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], name=op.f("fk_agreement_appendix_service_id_service")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_appendix")),
    )
    op.create_index("ix_agreement_appendix_org_service", "agreement_appendix", ["organisation_id", "service_id"])
    op.create_index("ix_agreement_appendix_service_period", "agreement_appendix",
                    ["service_id", "start_date", "end_date"])
    op.create_table(
        "agreement_appendix_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"],
                                name=op.f("fk_agreement_appendix_version_service_id_service")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_appendix_version")),
        sa.UniqueConstraint("service_id", "version", name=op.f("uq_agreement_appendix_version_service_id_version")),
    )
    op.create_index(op.f("ix_agreement_appendix_version_service_id"), "agreement_appendix_version", ["service_id"])
    op.create_table(
        "agreement_council",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("mandate", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], name=op.f("fk_agreement_council_service_id_service")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_council")),
        sa.UniqueConstraint("service_id", name=op.f("uq_agreement_council_service_id")),
    )
    op.create_table(
        "agreement_roadmap_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("quarter BETWEEN 1 AND 4", name=op.f("ck_agreement_roadmap_item_quarter_range")),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"],
                                name=op.f("fk_agreement_roadmap_item_service_id_service")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_roadmap_item")),
    )
    op.create_index(op.f("ix_agreement_roadmap_item_service_id"), "agreement_roadmap_item", ["service_id"])
    op.create_table(
        "agreement_change_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("submitted_by", sa.String(length=200), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("council_priority", sa.Integer(), nullable=True),
        sa.Column("assessment", sa.Text(), nullable=False),
        sa.Column("roadmap_item_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_agreement_change_request_organisation_id_organisation")),
        sa.ForeignKeyConstraint(["roadmap_item_id"], ["agreement_roadmap_item.id"],
                                name="fk_agreement_change_request_roadmap_item", ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"],
                                name=op.f("fk_agreement_change_request_service_id_service")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_change_request")),
    )
    op.create_index(op.f("ix_agreement_change_request_service_id"), "agreement_change_request", ["service_id"])
    op.create_table(
        "agreement_council_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["council_id"], ["agreement_council.id"],
                                name=op.f("fk_agreement_council_meeting_council_id_agreement_council"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_council_meeting")),
    )
    op.create_index(op.f("ix_agreement_council_meeting_council_id"), "agreement_council_meeting", ["council_id"])
    op.create_table(
        "agreement_council_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("person_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("term_from", sa.Date(), nullable=False),
        sa.Column("term_to", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("term_to IS NULL OR term_to >= term_from",
                           name=op.f("ck_agreement_council_member_term_order")),
        sa.ForeignKeyConstraint(["council_id"], ["agreement_council.id"],
                                name=op.f("fk_agreement_council_member_council_id_agreement_council"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_agreement_council_member_organisation_id_organisation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_council_member")),
    )
    op.create_index(op.f("ix_agreement_council_member_council_id"), "agreement_council_member", ["council_id"])
    op.create_table(
        "agreement_council_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("change_request_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["change_request_id"], ["agreement_change_request.id"],
                                name="fk_agreement_decision_change_request", ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["meeting_id"], ["agreement_council_meeting.id"],
                                name="fk_agreement_decision_meeting", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_council_decision")),
        sa.UniqueConstraint("meeting_id", "number", name=op.f("uq_agreement_council_decision_meeting_id_number")),
    )


def downgrade() -> None:
    op.drop_table("agreement_council_decision")
    op.drop_index(op.f("ix_agreement_council_member_council_id"), table_name="agreement_council_member")
    op.drop_table("agreement_council_member")
    op.drop_index(op.f("ix_agreement_council_meeting_council_id"), table_name="agreement_council_meeting")
    op.drop_table("agreement_council_meeting")
    op.drop_index(op.f("ix_agreement_change_request_service_id"), table_name="agreement_change_request")
    op.drop_table("agreement_change_request")
    op.drop_index(op.f("ix_agreement_roadmap_item_service_id"), table_name="agreement_roadmap_item")
    op.drop_table("agreement_roadmap_item")
    op.drop_table("agreement_council")
    op.drop_index(op.f("ix_agreement_appendix_version_service_id"), table_name="agreement_appendix_version")
    op.drop_table("agreement_appendix_version")
    op.drop_index("ix_agreement_appendix_service_period", table_name="agreement_appendix")
    op.drop_index("ix_agreement_appendix_org_service", table_name="agreement_appendix")
    op.drop_table("agreement_appendix")
    op.drop_table("agreement_main")
