"""Login, logout, the font, the front door."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse
from sqlmodel import Session

from payroll.record import users
from payroll.web.app import render
from payroll.web.auth import ABSOLUTE_TIMEOUT, LOGIN_CSRF_COOKIE, SESSION_COOKIE, end_session, new_session, tokens_match

router = APIRouter()

#: routes anyone may reach without a session (the security test checks this list is exactly that)
PUBLIC_ROUTES = {("GET", "/login"), ("POST", "/login"), ("POST", "/logout"), ("GET", "/fonts/{weight}.ttf"), ("GET", "/")}



def _login_page(request: Request, message: str | None = None, status_code: int = 200, name: str = ""):
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", {"login_csrf": token, "message": message, "name": name}, status_code=status_code)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=request.app.state.secure_cookies, path="/login")
    return response


@router.get("/")
def front_door(request: Request):
    return RedirectResponse("/months", status_code=303)


@router.get("/login")
def login_form(request: Request):
    return _login_page(request)


@router.post("/login")
def login(request: Request, name: str = Form(""), password: str = Form(""), csrf_token: str = Form("")):
    if not tokens_match(request.cookies.get(LOGIN_CSRF_COOKIE), csrf_token):
        return _login_page(request, "로그인 화면이 만료되었습니다. 다시 시도하세요.", status_code=403, name=name[:64])
    app = request.app
    clock = app.state.clock
    source = request.client.host if request.client else ""
    with Session(app.state.store.engine, expire_on_commit=False) as db:
        try:
            user = users.authenticate(db, name.strip()[:64], password[:1024], clock=clock, source=source)
        except users.LoginRefused as exc:
            status = 429 if exc.reason == "throttled" else 401
            response = _login_page(request, exc.message, status_code=status, name=name[:64])
            if exc.wait:
                response.headers["Retry-After"] = str(exc.wait)
            return response
        token = new_session(db, user, clock())
        db.commit()
    home = "/password" if user.must_change_password else "/me" if user.role == "worker" else "/months"
    response = RedirectResponse(home, status_code=303)
    response.set_cookie(SESSION_COOKIE, token, max_age=int(ABSOLUTE_TIMEOUT.total_seconds()), httponly=True, samesite="strict", secure=app.state.secure_cookies, path="/")
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, csrf_token: str = Form("")):
    """Ends the session (the form carries the session's CSRF token like every other form)."""
    from payroll.record.audit import record
    from payroll.web.auth import Forbidden, load_principal

    app = request.app
    token = request.cookies.get(SESSION_COOKIE)
    with Session(app.state.store.engine) as db:
        principal = load_principal(db, token, app.state.clock())
        if principal is not None and not tokens_match(principal.csrf_token, csrf_token or request.headers.get("x-csrf-token")):
            raise Forbidden("요청 확인 토큰(CSRF)이 없거나 맞지 않습니다.")
        end_session(db, token)
        if principal is not None:
            record(db, principal.name, "logout", clock=app.state.clock)
        db.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/fonts/{weight}.ttf")
def font(weight: str):
    """The bundled Korean font (Noto Sans KR static instance) for @font-face; never a user path."""
    from payroll.documents.fonts import WEIGHTS, font_path

    if weight not in WEIGHTS:
        raise HTTPException(404)
    return FileResponse(font_path(weight), media_type="font/ttf", headers={"Cache-Control": "public, max-age=86400"})
