"""사업 and 인건비: budgets per 사업 and year, spent, committed, forecast (payroll.record.budgets)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from payroll.case import InputError
from payroll.web.app import render
from payroll.web.auth import ANYONE, CLERK, Principal
from payroll.web.pages.workers import audit, today

router = APIRouter()


def _year(text: str, default: int) -> int:
    if not text:
        return default
    if not (len(text) == 4 and text.isdigit() and 2000 <= int(text) <= 2100):
        raise InputError(f"연도: 2000~2100의 네 자리 연도가 아닙니다: {text[:10]!r}")
    return int(text)


@router.get("/budgets")
def budgets_page(request: Request, year: str = "", user: Principal = Depends(ANYONE)):
    from payroll.record.budgets import year_figures

    y = _year(year, today(request).year)
    with Session(request.app.state.store.engine) as db:
        figures = list(year_figures(db, y).values())
    return render(request, "budgets.html", {"year": y, "figures": figures})


@router.post("/budgets")
def set_budget(request: Request, business: str = Form(""), year: str = Form(""), amount: str = Form(""), user: Principal = Depends(CLERK)):
    from payroll.record.budgets import set_budget as put

    y = _year(year, today(request).year)
    try:
        won = int(amount.replace(",", "").strip())
    except ValueError:
        raise InputError(f"예산: 원 단위 정수가 아닙니다: {amount[:20]!r}") from None
    if not business.strip() or won < 0:
        raise InputError("사업 이름과 0 이상의 예산을 넣으세요")
    with Session(request.app.state.store.engine) as db:
        put(db, business.strip()[:100], y, won, user.name)
        db.commit()
    return RedirectResponse(f"/budgets?year={y}", status_code=303)


@router.get("/budgets/{year}/report.xlsx")
def budget_report(request: Request, year: str, user: Principal = Depends(ANYONE)):
    from payroll.record.budgets import report_xlsx

    y = _year(year, today(request).year)
    with Session(request.app.state.store.engine) as db:
        data = report_xlsx(db, y)
    audit(request, user, "output_download", f"budget-report/{y}")
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="personnel-cost-{y}.xlsx"'})
