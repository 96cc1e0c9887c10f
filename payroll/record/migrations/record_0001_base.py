"""record: workers and their versions, contracts and their terms, 중도포기서, the documents register,
opening balances, 사업 budgets, 경력증명서 requests, payslip e-mails; worker accounts on console_user.

Revision ID: record_0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "record_0001"
down_revision = None
branch_labels = ("record",)
depends_on = ("store_0001", "web_0001")


def _who() -> list[sa.Column]:
    return [sa.Column("recorded_at", sa.DateTime, nullable=False), sa.Column("recorded_by", sa.String(120), nullable=False)]


def upgrade() -> None:
    with op.batch_alter_table("console_user") as b:
        b.add_column(sa.Column("worker_id", sa.String(64), nullable=True))
        b.add_column(sa.Column("must_change_password", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_index("ix_console_user_worker_id", "console_user", ["worker_id"])
    op.create_table(
        "record_workers",
        sa.Column("worker_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("first_hire_date", sa.Date, nullable=True),
        sa.Column("rrn_masked", sa.String(14), nullable=False, server_default=""),
        *_who(),
    )
    op.create_index("ix_record_workers_name", "record_workers", ["name"])
    op.create_table(
        "record_worker_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("worker_id", sa.String(64), sa.ForeignKey("record_workers.worker_id"), nullable=False),
        sa.Column("effective", sa.Date, nullable=False),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("job", sa.String(100), nullable=False, server_default=""),
        sa.Column("employment", sa.String(16), nullable=False),
        sa.Column("income_type", sa.String(8), nullable=False),
        sa.Column("family", sa.Integer, nullable=False),
        sa.Column("children_8_20", sa.Integer, nullable=False),
        sa.Column("children_under_6", sa.Integer, nullable=True),
        sa.Column("withholding_ratio", sa.Integer, nullable=False),
        sa.Column("insurance_base", sa.BigInteger, nullable=True),
        sa.Column("pension_base", sa.BigInteger, nullable=True),
        sa.Column("bank", sa.String(60), nullable=False, server_default=""),
        sa.Column("account", sa.String(60), nullable=False, server_default=""),
        sa.Column("email", sa.String(200), nullable=False, server_default=""),
        *_who(),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.UniqueConstraint("worker_id", "effective", name="uq_record_worker_versions_effective"),
        sa.CheckConstraint("employment in ('public_service', 'fixed_term')", name="ck_record_worker_versions_employment"),
        sa.CheckConstraint("income_type in ('regular', 'daily')", name="ck_record_worker_versions_income_type"),
        sa.CheckConstraint("withholding_ratio in (80, 100, 120)", name="ck_record_worker_versions_ratio"),
    )
    op.create_index("ix_record_worker_versions_worker_id", "record_worker_versions", ["worker_id"])
    op.create_index("ix_record_worker_versions_department", "record_worker_versions", ["department"])
    op.create_table(
        "record_contracts",
        sa.Column("contract_id", sa.String(64), primary_key=True),
        sa.Column("worker_id", sa.String(64), sa.ForeignKey("record_workers.worker_id"), nullable=False),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("end", sa.Date, nullable=True),
        sa.Column("business", sa.String(100), nullable=False, server_default=""),
        *_who(),
    )
    op.create_index("ix_record_contracts_worker_id", "record_contracts", ["worker_id"])
    op.create_index("ix_record_contracts_business", "record_contracts", ["business"])
    op.create_table(
        "record_contract_terms",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("contract_id", sa.String(64), sa.ForeignKey("record_contracts.contract_id"), nullable=False),
        sa.Column("effective", sa.Date, nullable=False),
        sa.Column("pay_type", sa.String(8), nullable=False),
        sa.Column("wage", sa.BigInteger, nullable=False),
        sa.Column("pay_grade", sa.String(40), nullable=False, server_default=""),
        sa.Column("meal_allowance", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("work_days", sa.String(7), nullable=False),
        sa.Column("start_time", sa.String(5), nullable=False),
        sa.Column("end_time", sa.String(5), nullable=False),
        sa.Column("break_minutes", sa.Integer, nullable=False, server_default="0"),
        sa.Column("break_start", sa.String(5), nullable=True),
        sa.Column("workplace", sa.String(100), nullable=False, server_default=""),
        sa.Column("duties", sa.String(200), nullable=False, server_default=""),
        *_who(),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.UniqueConstraint("contract_id", "effective", name="uq_record_contract_terms_effective"),
        sa.CheckConstraint("pay_type in ('hourly', 'daily', 'monthly')", name="ck_record_contract_terms_pay_type"),
    )
    op.create_index("ix_record_contract_terms_contract_id", "record_contract_terms", ["contract_id"])
    op.create_table(
        "record_resignations",
        sa.Column("contract_id", sa.String(64), sa.ForeignKey("record_contracts.contract_id"), primary_key=True),
        sa.Column("worker_id", sa.String(64), nullable=False),
        sa.Column("last_working_day", sa.Date, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("submitted_on", sa.Date, nullable=False),
        *_who(),
    )
    op.create_index("ix_record_resignations_worker_id", "record_resignations", ["worker_id"])
    op.create_table(
        "record_documents",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("number", sa.String(32), nullable=True, unique=True),
        sa.Column("worker_id", sa.String(64), nullable=False),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.Column("purpose", sa.String(200), nullable=False, server_default=""),
        sa.Column("sha256", sa.String(64), nullable=False, server_default=""),
        sa.Column("issued_at", sa.DateTime, nullable=False),
        sa.Column("issued_by", sa.String(120), nullable=False),
    )
    op.create_index("ix_record_documents_worker_id", "record_documents", ["worker_id"])
    money = [sa.Column(n, sa.BigInteger, nullable=False) for n in ("total_pay", "non_taxable", "national_pension", "health_insurance",
                                                                  "long_term_care", "employment_insurance", "income_tax", "local_income_tax")]
    op.create_table("record_opening_pay", sa.Column("worker_id", sa.String(64), primary_key=True), sa.Column("year", sa.Integer, primary_key=True), *money, *_who())
    op.create_table("record_opening_wages", sa.Column("worker_id", sa.String(64), primary_key=True), sa.Column("month", sa.String(7), primary_key=True),
                    sa.Column("wages", sa.BigInteger, nullable=False), *_who())
    op.create_table(
        "record_opening_leave",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("worker_id", sa.String(64), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("minutes", sa.Integer, nullable=True),
        sa.Column("note", sa.String(200), nullable=False, server_default=""),
        *_who(),
    )
    op.create_index("ix_record_opening_leave_worker_id", "record_opening_leave", ["worker_id"])
    op.create_table("record_budgets", sa.Column("business", sa.String(100), primary_key=True), sa.Column("year", sa.Integer, primary_key=True),
                    sa.Column("amount", sa.BigInteger, nullable=False), *_who())
    op.create_table(
        "record_career_requests",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("worker_id", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(200), nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("requested_at", sa.DateTime, nullable=False),
        sa.Column("requested_by", sa.String(120), nullable=False),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("record_documents.id"), nullable=True),
        sa.Column("handled_at", sa.DateTime, nullable=True),
        sa.Column("handled_by", sa.String(120), nullable=True),
        sa.CheckConstraint("status in ('requested', 'issued', 'refused')", name="ck_record_career_requests_status"),
    )
    op.create_index("ix_record_career_requests_worker_id", "record_career_requests", ["worker_id"])
    op.create_table(
        "record_payslip_deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("run_id", sa.String(40), sa.ForeignKey("runs.run_id"), nullable=False),
        sa.Column("worker_id", sa.String(64), nullable=False),
        sa.Column("address", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("detail", sa.Text, nullable=False, server_default=""),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("by", sa.String(120), nullable=False),
        sa.CheckConstraint("status in ('sent', 'failed', 'bounced')", name="ck_record_payslip_deliveries_status"),
    )
    op.create_index("ix_record_payslip_deliveries_month", "record_payslip_deliveries", ["month"])
    # a worker's pay history (the worker page, receipts) is read by worker across every run
    op.create_index("ix_worker_results_by_worker", "worker_results", ["worker_id", "run_id"])


def downgrade() -> None:
    op.drop_index("ix_worker_results_by_worker", "worker_results")
    for table in ("record_payslip_deliveries", "record_career_requests", "record_budgets", "record_opening_leave", "record_opening_wages",
                  "record_opening_pay", "record_documents", "record_resignations", "record_contract_terms", "record_contracts",
                  "record_worker_versions", "record_workers"):
        op.drop_table(table)
    op.drop_index("ix_console_user_worker_id", "console_user")
    with op.batch_alter_table("console_user") as b:
        b.drop_column("must_change_password")
        b.drop_column("worker_id")
