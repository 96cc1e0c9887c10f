"""The record: the one lasting account of people, contracts and what HR registers about them.

Workers (identity and dated versions), contracts (period, 사업, dated terms), 중도포기서, the
documents register, opening balances, 사업 budgets, console accounts and the audit log live here,
in the payroll database (SQLite or PostgreSQL, Alembic revisions in ``migrations/``). The CLI
(``payroll/commands``) and the console (``payroll/web``) are two doors over these functions; the
runs and the documents read them. Files (roster.csv, contracts.csv, …) are import formats only.
"""
