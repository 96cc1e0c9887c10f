"""A deterministic inputs directory for a month of N generated workers (for the full-month benchmark).

    python benchmarks/month_inputs.py OUT_DIR [--workers 1165] [--month 2026-06]

Writes the layout ``payroll run`` reads (docs/runs.md): roster.csv, contracts.csv, employer.toml,
MONTH/run.toml and MONTH/attendance/daily.csv — a daily sheet (generic profile: worker_id, name,
date, in, out) with every scheduled day of every worker; some days run late (연장), a few
workers work evenings (야간). Same N and month ⇒ the same bytes (a seeded generator, no clock).
"""

from __future__ import annotations

import argparse
import calendar
import csv
import datetime as dt
import random
from pathlib import Path

DEPARTMENTS = ("총무과", "재무과", "민원여권과", "복지정책과", "환경과", "청소행정과", "공원녹지과", "건설관리과", "보건소", "문화체육과")
SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = ("민준", "서연", "도윤", "지우", "하준", "서윤", "은우", "지아", "시우", "하은", "주원", "수아", "지호", "예은", "준서", "다은")
BANKS = ("국민은행", "신한은행", "우리은행", "하나은행", "농협은행", "기업은행")


def write(out: Path, workers: int = 1165, month: str = "2026-06", pay_date: dt.date | None = None, seed: int = 20260601) -> Path:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    year, mon = (int(x) for x in month.split("-"))
    pay_date = pay_date or (dt.date(year + (mon == 12), mon % 12 + 1, 10))
    roster, contracts, plans = [], [], []
    for i in range(1, workers + 1):
        wid = f"E{i:05d}"
        birth = dt.date(1962, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 40))
        family = rng.choice((1, 1, 2, 3, 4))
        kids = rng.randint(0, family - 1) if family > 1 else 0
        daily = i % 40 == 0
        part_time = not daily and i % 9 == 0
        employment = "public_service" if i % 3 else "fixed_term"
        roster.append({
            "worker_id": wid, "name": rng.choice(SURNAMES) + rng.choice(GIVEN), "birth_date": birth.isoformat(),
            "department": DEPARTMENTS[i % len(DEPARTMENTS)], "job": "환경미화" if i % 10 == 5 else "행정지원",
            "employment": employment, "income_type": "daily" if daily else "regular", "family": family, "children_8_20": kids,
            "first_hire_date": (dt.date(2016, 3, 1) + dt.timedelta(days=rng.randrange(0, 3000))).isoformat(),
            "bank": rng.choice(BANKS), "account": f"{rng.randrange(100, 999)}-{rng.randrange(10, 99)}-{rng.randrange(100000, 999999)}",
        })
        start, end = ("09:00", "13:00") if part_time else ("09:00", "18:00")
        contracts.append({
            "contract_id": f"C{i:05d}", "worker_id": wid, "start": f"{year}-01-01", "end": "" if employment == "public_service" else f"{year}-12-31",
            "pay_type": "daily" if daily else "hourly", "wage": 120_000 if daily else rng.choice((10_320, 11_210, 12_121, 13_400)),
            "work_days": "12345", "start_time": start, "end_time": end, "break_minutes": 0 if part_time else 60,
        })
        plans.append((wid, roster[-1]["name"], part_time, i % 25 == 0))
    _csv(out / "roster.csv", roster)
    _csv(out / "contracts.csv", contracts)
    (out / "employer.toml").write_text(
        'name = "○○구청 (벤치마크)"\nbusiness_number = "305-83-00005"\nrepresentative = "○○구청장"\naddress = "서울특별시 ○○구"\npay_day = 10\n',
        encoding="utf-8")
    mdir = out / month / "attendance"
    mdir.mkdir(parents=True, exist_ok=True)
    (out / month / "run.toml").write_text(f"pay_date = {pay_date.isoformat()}\n", encoding="utf-8")
    rows = []
    days = calendar.monthrange(year, mon)[1]
    for wid, name, part_time, evening in plans:
        for d in range(1, days + 1):
            day = dt.date(year, mon, d)
            if day.isoweekday() > 5:
                continue
            t_in = dt.datetime.combine(day, dt.time(8, 40)) + dt.timedelta(minutes=rng.randrange(0, 19))
            end = dt.time(13, 0) if part_time else dt.time(18, 0)
            t_out = dt.datetime.combine(day, end) + dt.timedelta(minutes=rng.randrange(0, 10))
            if not part_time and rng.random() < 0.12:  # float ok: a random choice, not money
                t_out += dt.timedelta(hours=rng.choice((1, 2, 3)))
            if evening and rng.random() < 0.3:  # float ok
                t_out = dt.datetime.combine(day, dt.time(23, 0))
            rows.append({"worker_id": wid, "name": name, "date": day.isoformat(), "in": t_in.strftime("%H:%M"), "out": t_out.strftime("%H:%M")})
    _csv(mdir / "daily.csv", rows)
    return out


def _csv(path: Path, rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--workers", type=int, default=1165)
    ap.add_argument("--month", default="2026-06")
    a = ap.parse_args()
    print(write(a.out, a.workers, a.month))
