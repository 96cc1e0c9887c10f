"""The console's routes, one module per area of work."""

from __future__ import annotations

from fastapi import FastAPI


def register_pages(app: FastAPI) -> None:
    from payroll.web.pages import accounts, audit, month, months, rules, runs, session, welfare, workers, yearend

    for module in (session, months, month, runs, workers, welfare, yearend, audit, rules, accounts):
        app.include_router(module.router)
