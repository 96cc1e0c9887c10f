"""The HR console: FastAPI app factory, error pages, limits, templates.

Routes live in ``payroll/web/pages/*.py``; each parses the request, checks the role with a
:class:`payroll.web.auth.Guard` and calls the same functions the CLI calls. No payroll logic here.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from payroll.case import InputError
from payroll.law import RuleError
from payroll.money import won
from payroll.record.users import utc_now
from payroll.record.audit import mask_rrn
from payroll.web.auth import Forbidden, NotAuthenticated, PasswordChangeRequired
from payroll.web.jobs import Jobs
from payroll.record.models import ROLE_LABELS

WEB_DIR = Path(__file__).resolve().parent
MAX_BODY_BYTES = 20 * 1024 * 1024  # the largest upload the console accepts (an attendance export of a year fits)
KST = dt.timezone(dt.timedelta(hours=9))

log = logging.getLogger("payroll.web")

templates = Jinja2Templates(directory=str(WEB_DIR / "templates"))


def _won(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return won(int(value))


def _kst(value: dt.datetime | None) -> str:
    if value is None:
        return "—"
    return value.replace(tzinfo=dt.timezone.utc).astimezone(KST).strftime("%Y-%m-%d %H:%M:%S")


def _reference(text: str) -> dict:
    """A trace reference split for display: the article, then each parameter with its value and citation."""
    from payroll.documents.payslip import parse_reference

    article, params = parse_reference(str(text or ""))
    return {"article": article, "params": params}


def _trace_value(value: Any) -> str:
    if isinstance(value, bool):
        return "예" if value else "아니오"
    if isinstance(value, int):
        return won(value)
    return "" if value is None else str(value)


def _leave(minutes: Any, as_of: Any = None, day_minutes: int | None = None) -> str:
    """연차 in days and hours (payroll.leave.units; a day of ``day_minutes``, else 8시간), never minutes."""
    from payroll.leave.units import FULL_DAY_MINUTES, leave_text

    if minutes is None or minutes == "":
        return "—"
    day = dt.date.fromisoformat(str(as_of)) if as_of else None
    return leave_text(int(minutes), day, day_minutes=int(day_minutes or FULL_DAY_MINUTES))


def _hours(minutes: Any) -> str:
    from payroll.leave.units import hours_text

    return "—" if minutes is None or minutes == "" else hours_text(int(minutes))


templates.env.filters["reference"] = _reference
templates.env.filters["trace_value"] = _trace_value
templates.env.filters["won"] = _won
templates.env.filters["kst"] = _kst
templates.env.filters["mask_rrn"] = mask_rrn
templates.env.filters["leave"] = _leave
templates.env.filters["hours"] = _hours
templates.env.globals["ROLE_LABELS"] = ROLE_LABELS
#: what the audit log's action codes mean (the code itself is shown beside it)
ACTION_LABELS = {
    "login": "로그인", "login_failed": "로그인 실패", "lockout": "계정 잠김", "logout": "로그아웃", "upload": "파일 올림", "upload_remove": "파일 뺌",
    "run.regular": "급여 계산", "run.correction": "정정 실행", "run.replay": "재현 검증", "month.close": "월 마감", "payslip_view": "임금명세서 보기",
    "payslip_download": "임금명세서 내려받기", "payslip_zip": "임금명세서 ZIP", "output_download": "출력 파일 내려받기", "diff": "실행 비교",
    "explain": "계산 과정 보기", "user.add": "사용자 추가", "user.disable": "사용자 중지", "user.unlock": "잠금 해제",
}
#: the run's outputs by their manifest names
OUTPUT_LABELS = {
    "register.xlsx": "급여대장 (임금대장) XLSX", "bank_transfer.csv": "계좌 이체 파일 CSV", "filings/withholding.csv": "원천징수이행상황신고 자료 CSV",
    "filings/insurance.csv": "4대보험 요약 CSV", "filings/filings.json": "신고 요약 JSON", "filings/filings.xlsx": "신고 요약 XLSX",
    "attendance/exceptions.xlsx": "근태 예외 보고서 XLSX",
}
templates.env.globals["ACTION_LABELS"] = ACTION_LABELS
templates.env.globals["OUTPUT_LABELS"] = OUTPUT_LABELS


def render(request: Request, name: str, context: dict | None = None, status_code: int = 200) -> HTMLResponse:
    ctx = {"principal": getattr(request.state, "principal", None), **(context or {})}
    for key in ("error", "message", "exc_error", "ledger_error"):  # messages may quote input rows: never a full 주민등록번호
        if isinstance(ctx.get(key), str):
            ctx[key] = mask_rrn(ctx[key])
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes (413), by Content-Length and while streaming."""

    def __init__(self, app, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        for key, value in scope.get("headers", []):
            if key == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    too_big = True
                if too_big:
                    return await _too_large(send, self.limit)
        seen = 0

        async def limited_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _BodyTooLarge()
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _BodyTooLarge:
            await _too_large(send, self.limit)


class _BodyTooLarge(Exception):
    pass


async def _too_large(send, limit: int) -> None:
    body = f"파일이 너무 큽니다 (최대 {limit // (1024 * 1024)} MiB).".encode()
    await send({"type": "http.response.start", "status": 413, "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-src 'self'; object-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'",
    "Cache-Control": "no-store",
}


def create_app(
    db_url: str | None = None,
    *,
    store=None,
    data_dir: str | Path | None = None,
    inputs_dir: str | Path | None = None,
    secure_cookies: bool = False,
    clock: Callable[[], dt.datetime] = utc_now,
    max_body_bytes: int = MAX_BODY_BYTES,
    allowed_hosts: list[str] | None = None,
    smtp=None,
) -> FastAPI:
    """The console on the store at ``db_url`` (or an already open ``store``)."""
    from payroll.store import open_store
    from payroll.web.pages import register_pages

    app = FastAPI(title="급여 콘솔", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store = store if store is not None else open_store(db_url)
    app.state.clock = clock
    app.state.secure_cookies = secure_cookies
    app.state.max_body_bytes = max_body_bytes
    app.state.data_dir = Path(data_dir) if data_dir else _default_data_dir(app.state.store.url)
    app.state.inputs_dir = Path(inputs_dir) if inputs_dir else app.state.data_dir / "inputs"
    app.state.inputs_dir.mkdir(parents=True, exist_ok=True)
    remove_staged_uploads(app.state.inputs_dir)
    app.state.jobs = Jobs(app.state.store, clock)
    app.state.jobs.interrupt_stale()  # a job left "running" by an earlier process never finishes
    _check_employer(app.state.inputs_dir)
    start_reading_processes()
    app.state.smtp = smtp  # payroll.runs.mail.SmtpConfig: payslips are e-mailed when a month is closed

    app.mount("/static", StaticFiles(directory=str(WEB_DIR / "static")), name="static")
    register_pages(app)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            if k == "Cache-Control" and request.url.path.startswith(("/static/", "/fonts/")):
                continue
            response.headers.setdefault(k, v)
        return response

    @app.exception_handler(NotAuthenticated)
    async def _login_redirect(request: Request, exc: NotAuthenticated):
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(PasswordChangeRequired)
    async def _password_first(request: Request, exc: PasswordChangeRequired):
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": "/password"})
        return RedirectResponse("/password", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden):
        return render(request, "error.html", {"title": "권한 없음", "message": exc.message}, status_code=403)

    @app.exception_handler(InputError)
    async def _input_error(request: Request, exc: InputError):
        return render(request, "error.html", {"title": "입력 오류", "message": mask_rrn(str(exc))}, status_code=400)

    @app.exception_handler(RuleError)
    async def _rule_error(request: Request, exc: RuleError):
        return render(request, "error.html", {"title": "규칙 오류", "message": mask_rrn(str(exc))}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError):
        fields = ", ".join(".".join(str(p) for p in e.get("loc", ())[1:]) or "요청" for e in exc.errors()[:3])
        return render(request, "error.html", {"title": "입력 오류", "message": f"요청 값이 올바르지 않습니다: {fields}"}, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        titles = {404: "찾을 수 없음", 405: "허용되지 않는 요청", 409: "처리할 수 없음", 413: "파일이 너무 큼"}
        message = exc.detail if isinstance(exc.detail, str) and exc.status_code != 404 else "요청한 화면이나 파일이 없습니다."
        return render(request, "error.html", {"title": titles.get(exc.status_code, "오류"), "message": message}, status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception):  # never a stack trace on the page
        log.error("internal error on %s %s: %s", request.method, request.url.path, type(exc).__name__, exc_info=exc)
        return render(request, "error.html", {"title": "내부 오류", "message": "처리 중 오류가 발생했습니다. 관리자에게 문의하세요."}, status_code=500)

    app.add_middleware(BodyLimit, limit=max_body_bytes)
    if allowed_hosts:  # a Host header naming another site (DNS rebinding) is refused with 400
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        app.add_middleware(TrustedHostMiddleware, allowed_hosts=host_patterns(allowed_hosts))
    return app


def _check_employer(inputs_dir: Path) -> None:
    """The employer's settings are validated when the console starts: a wrong ``employer.toml`` stops
    it with the key named (a missing one is asked for on the pages, where the clerk uploads it)."""
    from payroll.employer import FILE_NAME, load_employer

    if (inputs_dir / FILE_NAME).is_file():
        load_employer(inputs_dir / FILE_NAME)


def start_reading_processes() -> None:
    """Start the server that reading processes fork from now (it returns at once), so the first page
    that reads a spreadsheet export does not wait for it (:mod:`payroll.security.sandbox`)."""
    from multiprocessing import forkserver

    from payroll.security.sandbox import process_context

    process_context()
    forkserver.ensure_running()


def remove_staged_uploads(inputs_dir: Path) -> None:
    """Uploads still being checked when a server stopped (``.upload-*``: never a month's input) are removed on start."""
    from payroll.web.inputs import STAGING_PREFIX

    for path in inputs_dir.rglob(f"{STAGING_PREFIX}*"):
        if path.is_file():
            path.unlink(missing_ok=True)


def host_patterns(names: list[str]) -> list[str]:
    """The names a Host header is compared with. An IPv6 address comes in a Host header in brackets
    (``[::1]:8000``, RFC 3986 §3.2.2), so ``::1`` or ``[0:0::1]`` given by the user becomes ``[::1]``;
    names are compared in lower case."""
    import ipaddress

    out: list[str] = []
    for name in names:
        name = name.strip().lower()
        bare = name[1:-1] if name.startswith("[") and name.endswith("]") else name
        try:
            address = ipaddress.ip_address(bare)
        except ValueError:
            out.append(name)
            continue
        out.append(f"[{address.compressed}]" if address.version == 6 else address.compressed)
    return sorted(set(out))


def _default_data_dir(url: str) -> Path:
    """Beside an SQLite database (``DIR/inputs``, ``DIR/runs``: the layout of ``payroll run`` and ``payroll demo``), else here."""
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        return Path(url.removeprefix("sqlite:///")).expanduser().resolve().parent
    return Path.cwd()
