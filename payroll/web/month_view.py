"""What a month's page shows: its runs and jobs, the files read, what a run would refuse on (grouped by
worker, with the decisions taken), and the exceptions report (errors first, notes folded away).

The page calls the functions the run calls (payroll.web.month_check.month_check → payroll.runs.prechecks),
so what the page says is open is exactly what the run refuses on.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from markupsafe import Markup
from sqlmodel import Session

from payroll.case import InputError
from payroll.web import inputs as web_inputs
from payroll.web import month_check as web_check
from payroll.web import services
from payroll.web.cache import ComputedOnce

MAX_EXCEPTION_ROWS = 500  # a page shows at most this many; the filters narrow the rest
MAX_NOTE_ROWS = 200


def _strip(text: str, root: Path) -> str:
    return text.replace(str(root) + "/", "").replace(str(Path(root).resolve()) + "/", "")


def open_by_worker(check, names: dict[str, str] | None = None) -> list[dict]:
    """The findings a run would refuse on, one entry per worker (the blank id as "(빈칸)"); a file is
    named as the clerk uploaded it (``names``: stored name → uploaded name)."""
    import dataclasses

    from payroll.runs.decisions import BLANK_ID

    groups: dict[str, dict] = {}
    for f in check.findings:
        key = f.worker_id or BLANK_ID
        g = groups.setdefault(key, {"worker_id": key, "name": f.name, "department": f.department, "known": bool(f.name), "findings": []})
        if names and f.where:
            path, _, line = f.where.rpartition(":")
            leaf = path.rsplit("/", 1)[-1]
            f = dataclasses.replace(f, where=f"{names.get(leaf, leaf)}:{line}")
        g["findings"].append(f)
    return [groups[k] for k in sorted(groups)]


def decisions_shown(check) -> list[dict]:
    workers = getattr(check.roster, "workers", {}) or {}
    out = []
    for wid, d in sorted(check.decisions.items()):
        w = workers.get(wid)
        out.append({"worker_id": wid, "name": w.name if w else "", "decision": d.decision, "label": d.label, "reason": d.reason})
    return out


def exceptions_context(check, root: Path, names: dict[str, str], code: str = "", department: str = "", worker: str = "", date: str = "") -> dict:
    """The exceptions report in report order (payroll.attendance.report.ordered), filtered; counts by kind."""
    from payroll.attendance.report import counts, ordered

    frame = ordered(check.exceptions, check.roster, root)
    departments = sorted(set(frame.get_column("department").drop_nulls().to_list()))
    kinds = [(c, label) for _, label, c, _, _ in counts(check.exceptions)]
    f = frame
    if code:
        f = f.filter(pl.col("code") == code)
    if department:
        f = f.filter(pl.col("department") == department)
    if worker:
        f = f.filter(pl.col("worker_id").fill_null("").str.contains(worker, literal=True))
    if date:
        f = f.filter(pl.col("date").cast(pl.Utf8).fill_null("") == date)
    main = f.filter(pl.col("severity") != "info")
    notes = f.filter(pl.col("severity") == "info")

    def rows(part: pl.DataFrame, limit: int) -> list[dict]:
        out = part.head(limit).to_dicts()
        for r in out:
            leaf = str(r["source_name"]).rsplit("/", 1)[-1]
            r["source_name"] = names.get(leaf, leaf)
        return out

    return {
        "exc_rows": rows(main, MAX_EXCEPTION_ROWS), "exc_matching": main.height, "note_rows": rows(notes, MAX_NOTE_ROWS), "note_matching": notes.height,
        "counts": counts(check.exceptions), "departments": departments, "kinds": kinds,
        "filter": {"code": code, "department": department, "worker": worker, "date": date},
    }


#: what the month page lays out from a check — its exceptions report (``_exceptions.html``), its
#: precheck (``_precheck.html``), the open errors by worker — by the check (kept here with them, so
#: its id stays its own), the month, the files' names, the filter and the viewer's role and form
#: token: the check is itself kept by the hashes of its inputs (payroll.web.month_check.month_check), so
#: another view of an unchanged month lays out and renders none of its thousands of rows again
_KEPT: ComputedOnce = ComputedOnce(size=32)


def _kept(key: tuple, check, make):
    """``make()``, kept by ``key`` (whose first element is ``id(check)``) with ``check``."""
    return _KEPT.get(key, lambda: (check, make()))[1]


def _rendered(template: str, ctx: dict, principal, extra: dict | None = None) -> Markup:
    from payroll.web.app import mask_rrn, templates

    values = {**ctx, **(extra or {}), "principal": principal}
    if isinstance(values.get("exc_error"), str):  # as payroll.web.app.render: never a full 주민등록번호
        values["exc_error"] = mask_rrn(values["exc_error"])
    return Markup(templates.get_template(template).render(values))


def _viewed(ctx: dict, principal) -> tuple:
    """What a page laid out from the month's check depends on besides the check."""
    return (ctx["month"], str(ctx["inputs_root"]), tuple(sorted(ctx["names"].items())), getattr(principal, "role", None),
            getattr(principal, "csrf_token", None))


def exceptions_html(ctx: dict, principal) -> Markup:
    """The month's exceptions report as HTML: ``_exceptions.html`` on ``ctx`` (a :func:`month_context`),
    rendered once for the same check, names, filter and viewer."""
    check = ctx["check"]
    if check is None:
        return _rendered("_exceptions.html", ctx, principal)

    def make() -> Markup:
        exc = exceptions_context(check, ctx["inputs_root"], ctx["names"], **ctx["filter"])
        exc["kinds_found"] = exc.pop("kinds")
        return _rendered("_exceptions.html", ctx, principal, exc)

    return _kept((id(check), "exceptions", *_viewed(ctx, principal), tuple(sorted(ctx["filter"].items()))), check, make)


def precheck_html(ctx: dict, principal) -> Markup:
    """The month's 계산 전 확인 as HTML (``_precheck.html``): the open errors by worker, with the
    clerk's decision forms, and the decisions taken; rendered once for the same check, names and viewer."""
    check = ctx["check"]
    if check is None:
        return _rendered("_precheck.html", ctx, principal)
    return _kept((id(check), "precheck", *_viewed(ctx, principal)), check, lambda: _rendered("_precheck.html", ctx, principal))


def month_context(app, month: str, *, principal=None, code: str = "", department: str = "", worker: str = "", date: str = "",
                  message: str | None = None, error: str | None = None, results: list[dict] | None = None, preview: dict | None = None) -> dict:
    """What the month page shows; ``exceptions_html`` is its exceptions report, rendered for ``principal``."""
    root = app.state.inputs_dir
    with Session(app.state.store.engine) as db:
        uploads = web_inputs.current_uploads(db, root, month)
    names = {u.stored_name.rsplit("/", 1)[-1]: u.original_name for u in uploads}
    check, check_error = None, None
    try:
        check = web_check.month_check(root, month, app.state.store.engine, services.check_cache(app))
    except InputError as exc:
        check_error = _strip(str(exc), root)
    from payroll import law as law_module
    from payroll.runs.figures import expected_pay_date, month_states
    from payroll.runs.mail import deliveries

    states = month_states(law_module.current(), month, expected_pay_date(root, month))
    budget = services.budget_warnings(app, int(month[:4]))
    with Session(app.state.store.engine) as db:
        sent = deliveries(db, month)
    ctx = {
        "figures_missing": [f for f in states if f.state == "missing"], "figures_unconfirmed": [f for f in states if f.state == "unconfirmed"],
        "budget_warnings": budget, "deliveries": sent, "mail_configured": app.state.smtp is not None,
        "month": month, "status": services.month_status(app, month), "runs": services.runs_of(app, month), "lock": services.lock_of(app, month),
        "uploads": uploads, "kinds": web_inputs.KINDS, "check": check, "exc_error": check_error, "message": message, "error": error,
        "upload_results": results or [], "preview": preview, "jobs": app.state.jobs.of_target(month), "employer": services.employer_state(app),
        "filter": {"code": code, "department": department, "worker": worker, "date": date},
        "files": [], "open_workers": [], "decisions": [], "exc_rows": [], "note_rows": [], "counts": [], "departments": [], "kinds_found": [],
        "exc_matching": 0, "note_matching": 0, "names": names, "inputs_root": root,
    }
    if check is not None:
        files = web_check.file_results(check)
        for f in files:
            leaf = str(f["path"]).rsplit("/", 1)[-1]
            f["name"] = names.get(leaf, leaf)
        open_workers = _kept((id(check), "open", tuple(sorted(names.items()))), check, lambda: open_by_worker(check, names))
        ctx.update(files=files, open_workers=open_workers, decisions=decisions_shown(check))
    ctx["exceptions_html"] = exceptions_html(ctx, principal)
    ctx["precheck_html"] = precheck_html(ctx, principal)
    return ctx


