"""The console's routes, one module per area of work."""

from __future__ import annotations

from fastapi import FastAPI


def register_pages(app: FastAPI) -> None:
    from payroll.web.pages import audit, month, month_inputs, months, rules, runs, session, welfare, workers, yearend

    for module in (session, months, month, month_inputs, runs, workers, welfare, yearend, audit, rules):
        app.include_router(module.router)
