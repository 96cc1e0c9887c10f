"""The console's routes, one module per area of work."""

from __future__ import annotations

from fastapi import FastAPI


def register_pages(app: FastAPI) -> None:
    from payroll.web.pages import audit, months, session

    for module in (session, months, audit):
        app.include_router(module.router)
