"""The console's routes, one module per area of work."""

from __future__ import annotations

from fastapi import FastAPI


def register_pages(app: FastAPI) -> None:
    from payroll.web.pages import (
        accounts, audit, budgets, me, month, month_inputs, months, record_forms, rules, runs, session, welfare, worker_docs, workers, yearend,
    )

    # record_forms before workers: /workers/new is a form, not a worker id
    for module in (session, me, months, month, month_inputs, runs, record_forms, workers, worker_docs, budgets, welfare, yearend, audit, rules, accounts):
        app.include_router(module.router)
