"""Deterministic sample workforce and one month of fingerprint exports (fixed seed).

    python -m samples.generate --out DIR [--month 2026-06] [--small] [--seed 20260610]

The full set is the district's whole workforce: 1,165 workers — 186 공무직 on monthly pay (the
pay table in rules/employer/timesheet.toml) and 979 기간제 at 생활임금 (rules/employer/living_wage.toml):
full-timers, 20 h and 14 h and 12 h part-timers (the last two under 15 h a week, the 12 h ones
under 60 h a month), CCTV 관제 night shifts (22:00–06:00, some Wednesday–Sunday), 일용 daily workers
on 일급, some aged 60+ and some first hired at 65+, contracts that start or end inside the month.
``--small`` writes about 40 workers of the same kinds (the committed ``samples/small``).

Files written: roster.csv, contracts.csv (payroll.roster format), five exports of the month in
both shapes and several encodings — daily_utf8.csv (generic), daily_bom.csv (UTF-8 with BOM),
punch_cp949.csv (vendor_a punch log), punch.xlsx (vendor_b punch log, separate Date/Time),
daily.xls (vendor_a daily sheet, legacy XLS) — and leave.csv, overtime.csv, corrections.csv, the
employer's settings (employer.toml with its 직인 seal.png) and decisions.csv: the clerk's decision for
each worker whose attendance errors the corrections leave open (payroll.runs.decisions), so that
``payroll run`` takes the month as it is. The exports also hold the previous month's last week (as real exports often do): those days decide the
40 hours and the 주휴 of the week that crosses into the month. Realistic faults: a few percent missing
punches, duplicate punches, late arrivals, absences, an unknown id, a malformed time, a punch after a
contract ended, a worker in two exports with an overlapping interval. Work on 2026-06-03 (지방선거일):
환경미화 crews and CCTV, and a few office workers, each with an approval (a 공휴일 has no schedule window).
Only masked 주민등록번호 (YYMMDD-G******) are written.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import datetime as dt
import io
import random
from dataclasses import dataclass
from pathlib import Path

from payroll import law as law_module

SEED = 20260610
EMPLOYER_TOML = """\
# 사업장 설정: 모든 문서 (임금명세서, 급여대장, 근로계약서, 증명서, 원천징수영수증)가 이 파일을 읽는다 (payroll/employer.py)
name = "서울특별시 ○○구청"
business_number = "305-83-00005"
representative = "○○구청장 홍길동"
address = "서울특별시 ○○구 ○○로 1"
phone = "02-0000-0000"
pay_day = 10                       # 임금지급일: 매월 10일 (휴일이면 그 전 근무일)
pay_month = "next"                 # 전월분을 지급
pay_method = "근로자 명의 예금통장에 입금"
issuer_department = "총무과"
seal_image = "seal.png"            # 직인
"""
SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = "민서지현수영준우진하은도윤예연성훈태경미정석희나래"


@dataclass
class Kind:
    key: str
    count_full: int
    count_small: int
    employment: str
    pay_type: str
    work_days: str
    start: str
    end: str
    brk: int
    job: str
    department: str
    income_type: str = "regular"


#: the 사업 (budget line) that funds each kind of post
BUSINESSES = {"clean": "공무직 인건비", "office_ps": "공무직 인건비", "cctv": "CCTV 통합관제 운영", "cctv_wknd": "CCTV 통합관제 운영",
              "daily": "공공근로 사업", "pt20": "민원 행정 지원", "pt14": "작은도서관 운영", "pt12": "경로당 급식 지원", "ft": "기간제 행정 지원"}

KINDS = [
    Kind("clean", 90, 3, "public_service", "monthly", "12345", "06:00", "15:00", 60, "환경미화", "청소행정과"),
    Kind("office_ps", 96, 3, "public_service", "monthly", "12345", "09:00", "18:00", 60, "시설관리", "총무과"),
    Kind("cctv", 30, 2, "fixed_term", "hourly", "12345", "22:00", "06:00", 60, "CCTV관제", "안전총괄과"),
    Kind("cctv_wknd", 10, 2, "fixed_term", "hourly", "34567", "22:00", "06:00", 60, "CCTV관제", "안전총괄과"),
    Kind("daily", 30, 3, "fixed_term", "daily", "12345", "09:00", "18:00", 60, "공공근로", "일자리정책과", "daily"),
    Kind("pt20", 120, 4, "fixed_term", "hourly", "1245", "09:00", "14:00", 0, "행정보조", "민원여권과"),
    Kind("pt14", 25, 2, "fixed_term", "hourly", "24", "09:00", "16:00", 0, "도서관보조", "문화체육과"),
    Kind("pt12", 20, 2, "fixed_term", "hourly", "25", "10:00", "16:00", 0, "급식보조", "복지정책과"),
    Kind("ft", 744, 19, "fixed_term", "hourly", "12345", "09:00", "18:00", 60, "행정보조", "총무과"),
]
GRADES = {"clean": ["공무직1-1", "공무직1-5"], "office_ps": ["공무직2-1", "공무직2-5", "공무직3-1", "공무직3-5"]}


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


def _rrn(birth: dt.date, rng: random.Random) -> str:
    gender = rng.choice("12") if birth.year < 2000 else rng.choice("34")
    return f"{birth:%y%m%d}-{gender}******"


def _t(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def _sample_law():
    """The rules with figures not yet announced carried forward: a sample month of next year is
    built at the last 생활임금 and pay table (a sample is not a payroll run; D14)."""
    return law_module.load(provisional=True)


def build_roster(month: str, small: bool, rng: random.Random):
    year, mon = int(month[:4]), int(month[5:])
    first = dt.date(year, mon, 1)
    last = dt.date(year, mon, calendar.monthrange(year, mon)[1])
    on = _sample_law().on(first)
    living = int(on["living_wage.hourly"])
    table = on["timesheet.public_service_pay_table"]
    workers, contracts = [], []
    n = 0
    for kind in KINDS:
        count = kind.count_small if small else kind.count_full
        for i in range(count):
            n += 1
            wid = f"{'P' if kind.employment == 'public_service' else 'T'}{n:05d}"
            age = rng.randint(24, 59)
            special = ""
            if kind.key == "ft" and i == 0:
                age, special = 62, "60+"
            elif kind.key == "ft" and i == 1:
                age, special = 67, "hired65"
            elif rng.random() < 0.08:
                age = rng.randint(60, 66)
            birth = dt.date(first.year - age, rng.randint(1, 12), rng.randint(1, 28))
            start = dt.date(year, 1, 1)
            end: dt.date | None = dt.date(year, 12, 31)
            if kind.employment == "public_service":
                start = dt.date(rng.randint(2005, year - 1), rng.randint(1, 12), 1)
                end = None
                if i == 1:
                    start = first + dt.timedelta(days=9)  # joins inside the month: 일할계산
            elif kind.key == "daily":
                start, end = first + dt.timedelta(days=7), first + dt.timedelta(days=25)
            elif kind.key == "ft" and i == 2:
                start = first + dt.timedelta(days=14)  # starts mid-month
            elif kind.key == "ft" and i == 3:
                end = first + dt.timedelta(days=18)  # leaves mid-month
            first_hire = start
            if special == "hired65":
                first_hire = dt.date(birth.year + 66, 3, 1)
                start = max(start, first_hire)
            family = rng.choice([1, 1, 2, 3, 4])
            kids = rng.randint(0, family - 1) if family > 1 else 0
            workers.append({
                "worker_id": wid, "name": _name(rng), "birth_date": birth.isoformat(), "department": kind.department, "job": kind.job,
                "employment": kind.employment, "income_type": kind.income_type, "family": family, "children_8_20": kids,
                "children_under_6": "", "withholding_ratio": "", "first_hire_date": first_hire.isoformat(), "insurance_base": "",
                "bank": "서울은행", "account": f"000-{rng.randint(100000, 999999)}-00", "rrn_masked": _rrn(birth, rng),
            })
            if kind.pay_type == "monthly":
                grade = rng.choice(GRADES[kind.key])
                wage = int(table[grade])
                meal = 140_000
            elif kind.pay_type == "daily":
                grade, wage, meal = "", living * (_t(kind.end) - _t(kind.start) - kind.brk) // 60, 0
            else:
                grade, wage, meal = "", living, 0
            contracts.append({
                "contract_id": f"C{n:05d}", "worker_id": wid, "start": start.isoformat(), "end": end.isoformat() if end else "",
                "pay_type": kind.pay_type, "wage": wage, "work_days": kind.work_days, "start_time": kind.start, "end_time": kind.end,
                "break_minutes": kind.brk, "workplace": "구청", "duties": kind.job, "meal_allowance": meal, "pay_grade": grade,
                "business": BUSINESSES[kind.key],
                "_kind": kind.key,
            })
    return workers, contracts, first, last


def simulate(contracts, first: dt.date, last: dt.date, rng: random.Random):
    """Shifts actually worked (before faults), leave, approvals."""
    from payroll.holidays import holidays_between

    hol = holidays_between(first - dt.timedelta(days=1), last, None)
    shifts, leave, approvals = [], [], []
    for c in contracts:
        start_d = dt.date.fromisoformat(c["start"])
        end_d = dt.date.fromisoformat(c["end"]) if c["end"] else last
        s_min, e_min = _t(c["start_time"]), _t(c["end_time"])
        span = e_min - s_min if e_min > s_min else e_min + 1440 - s_min
        day = first - dt.timedelta(days=1)
        while day <= last:
            if str(day.isoweekday()) in c["work_days"] and start_d <= day <= end_d:
                is_hol = day in hol
                works_on_holiday = c["_kind"] in ("clean", "cctv", "cctv_wknd") or (c["_kind"] == "ft" and rng.random() < 0.05)
                if is_hol and not works_on_holiday:
                    day += dt.timedelta(days=1)
                    continue
                r = rng.random()
                if day >= first and not is_hol and r < 0.012:
                    day += dt.timedelta(days=1)  # absent
                    continue
                if day >= first and not is_hol and r < 0.03:
                    kind = rng.choice(["연차", "연차", "병가", "공가", "무급", "반차"])
                    leave.append({"worker_id": c["worker_id"], "date": day.isoformat(), "kind": kind, "minutes": ""})
                    if kind != "반차":
                        day += dt.timedelta(days=1)
                        continue
                base = dt.datetime.combine(day, dt.time())
                a = base + dt.timedelta(minutes=s_min - rng.randint(0, 20))
                b = base + dt.timedelta(minutes=s_min + span + rng.randint(0, 12))
                if rng.random() < 0.02:
                    a += dt.timedelta(minutes=rng.randint(25, 45))  # late
                if is_hol and c["_kind"] in ("clean", "cctv", "cctv_wknd"):
                    # a 공휴일 has no schedule window: the crews' ordered duty is approved (its scheduled hours)
                    approvals.append({"worker_id": c["worker_id"], "date": day.isoformat(), "start": c["start_time"], "end": c["end_time"], "reason": "지방선거일 근무 명령"})
                if is_hol and c["_kind"] == "ft":
                    # holiday duty of 10 hours with approval
                    a = base + dt.timedelta(minutes=s_min - 60)
                    b = base + dt.timedelta(minutes=s_min + span + 60)
                    approvals.append({"worker_id": c["worker_id"], "date": day.isoformat(), "start": f"{(s_min - 60) // 60:02d}:{(s_min - 60) % 60:02d}", "end": f"{(s_min + span + 60) % 1440 // 60:02d}:{(s_min + span + 60) % 60:02d}", "reason": "지방선거 투표소 지원"})
                elif c["_kind"] == "ft" and not is_hol and rng.random() < 0.04:
                    b = base + dt.timedelta(minutes=s_min + span + 120 + rng.randint(0, 10))
                    approvals.append({"worker_id": c["worker_id"], "date": day.isoformat(), "start": f"{(s_min + span) // 60:02d}:{(s_min + span) % 60:02d}", "end": f"{(s_min + span + 120) // 60:02d}:{(s_min + span + 120) % 60:02d}", "reason": "민원 처리 연장근무"})
                shifts.append((c["worker_id"], day, a, b))
            day += dt.timedelta(days=1)
    return shifts, leave, approvals


def edge_shifts(contracts, first: dt.date, rng: random.Random):
    """The shifts of the previous month's last week (the export holds them, as real ones do): they decide the
    40 hours and the 주휴 of a week that crosses into the month. Drawn with their own generator so the month's
    own days stay as they are; no faults, leave or holiday work."""
    from payroll.holidays import holidays_between

    hol = holidays_between(first - dt.timedelta(days=7), first, None)
    out = []
    for c in contracts:
        start_d = dt.date.fromisoformat(c["start"])
        end_d = dt.date.fromisoformat(c["end"]) if c["end"] else first
        s_min, e_min = _t(c["start_time"]), _t(c["end_time"])
        span = e_min - s_min if e_min > s_min else e_min + 1440 - s_min
        for back in range(7, 1, -1):  # first − 7 … first − 2 (first − 1 is simulated with the month)
            day = first - dt.timedelta(days=back)
            if str(day.isoweekday()) not in c["work_days"] or not start_d <= day <= end_d or day in hol:
                continue
            base = dt.datetime.combine(day, dt.time())
            out.append((c["worker_id"], day, base + dt.timedelta(minutes=s_min - rng.randint(0, 20)), base + dt.timedelta(minutes=s_min + span + rng.randint(0, 12))))
    return out


def _csv_text(header: list[str], rows: list[list[object]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def write_set(out: Path, month: str = "2026-06", small: bool = False, seed: int = SEED) -> dict[str, int]:

    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    workers, contracts, first, last = build_roster(month, small, rng)
    shifts, leave, approvals = simulate(contracts, first, last, rng)
    contracts = _with_renewed_history(workers, contracts, first)
    wcols = list(workers[0])
    (out / "roster.csv").write_text(_csv_text(wcols, [[w[c] for c in wcols] for w in workers]), encoding="utf-8")
    ccols = [c for c in contracts[0] if not c.startswith("_")]
    (out / "contracts.csv").write_text(_csv_text(ccols, [[c[k] for k in ccols] for c in contracts]), encoding="utf-8")
    names = {w["worker_id"]: w["name"] for w in workers}

    # route each worker to one export (by a stable hash of the id)
    routes = ["daily_utf8", "daily_bom", "punch_cp949", "punch_xlsx", "daily_xls"]
    route = {w["worker_id"]: routes[(int(w["worker_id"][1:]) * 7) % 5] for w in workers}
    daily: dict[str, list[list[object]]] = {r: [] for r in routes if r.startswith("daily")}
    punch: dict[str, list[list[object]]] = {"punch_cp949": [], "punch_xlsx": []}
    corrections = []
    faults = 0
    for wid, day, a, b in edge_shifts(contracts, first, random.Random(seed + 1)):
        r = route[wid]
        if r.startswith("daily"):
            daily[r].append([wid, names[wid], day.isoformat(), a.strftime("%H:%M"), b.strftime("%H:%M")])
        else:
            punch[r].extend([[wid, names[wid], a, "in"], [wid, names[wid], b, "out"]])
    for wid, day, a, b in shifts:
        r = route[wid]
        roll = rng.random()
        if r.startswith("daily"):
            a_txt, b_txt = a.strftime("%H:%M"), b.strftime("%H:%M")
            if roll < 0.015:
                b_txt = ""
                faults += 1
                if rng.random() < 0.5:
                    corrections.append({"worker_id": wid, "date": day.isoformat(), "in": a_txt, "out": b.strftime("%H:%M"), "reason": "퇴근 미타각 — 부서장 확인"})
            elif roll < 0.02:
                a_txt = ""
                faults += 1
            daily[r].append([wid, names[wid], day.isoformat(), a_txt, b_txt])
        else:
            events = [(a, "in"), (b, "out")]
            if roll < 0.015:
                events = events[:1] if rng.random() < 0.5 else events[1:]
                faults += 1
                if rng.random() < 0.5:
                    corrections.append({"worker_id": wid, "date": day.isoformat(), "in": a.strftime("%H:%M"), "out": b.strftime("%H:%M"), "reason": "타각 누락 — 근무 확인서"})
            elif roll < 0.04:
                events.append((events[0][0] + dt.timedelta(minutes=rng.randint(0, 2)), events[0][1]))  # pressed twice
                faults += 1
            for ts, direction in events:
                punch[r].append([wid, names[wid], ts, direction])
    # a handful of deliberate faults every set has
    some_daily = next(w for w in workers if route[w["worker_id"]] == "daily_utf8")["worker_id"]
    daily["daily_utf8"].append(["99999", "홍길동", (first + dt.timedelta(days=2)).isoformat(), "09:00", "18:00"])  # unknown id
    daily["daily_utf8"].append([some_daily, names[some_daily], (first + dt.timedelta(days=5)).isoformat(), "25:70", "18:00"])  # malformed
    leaver = next(c for c in contracts if c["_kind"] == "ft" and c["end"] and first <= dt.date.fromisoformat(c["end"]) < last)
    lr = route[leaver["worker_id"]]
    after = dt.date.fromisoformat(leaver["end"]) + dt.timedelta(days=3)
    if lr.startswith("daily"):
        daily[lr].append([leaver["worker_id"], names[leaver["worker_id"]], after.isoformat(), "09:00", "18:00"])
    else:
        punch[lr].append([leaver["worker_id"], names[leaver["worker_id"]], dt.datetime.combine(after, dt.time(8, 55)), "in"])
        punch[lr].append([leaver["worker_id"], names[leaver["worker_id"]], dt.datetime.combine(after, dt.time(18, 3)), "out"])
    twice = next(w for w in workers if route[w["worker_id"]] == "punch_cp949" and w["job"] == "행정보조")["worker_id"]
    daily["daily_bom"].append([twice, names[twice], (first + dt.timedelta(days=8)).isoformat(), "13:00", "15:00"])  # overlaps its punch-log shift

    def key(row):
        return (row[0], str(row[2]))

    for r in daily:
        daily[r].sort(key=key)
    for r in punch:
        punch[r].sort(key=key)
    dh = ["worker_id", "name", "date", "in", "out"]
    (out / "daily_utf8.csv").write_bytes(_csv_text(dh, daily["daily_utf8"]).encode("utf-8"))
    (out / "daily_bom.csv").write_bytes(b"\xef\xbb\xbf" + _csv_text(["사번", "성명", "일자", "출근시각", "퇴근시각"], daily["daily_bom"]).encode("utf-8"))
    pa = [[w, n, ts.strftime("%Y-%m-%d %H:%M:%S"), "단말기1", "출근" if d == "in" else "퇴근"] for w, n, ts, d in punch["punch_cp949"]]
    (out / "punch_cp949.csv").write_bytes(_csv_text(["사원번호", "이름", "인증일시", "단말기명", "인증구분"], pa).encode("cp949"))
    pb = [[w, n, ts.date(), ts.time(), "Gate-2", "C/In" if d == "in" else "C/Out"] for w, n, ts, d in punch["punch_xlsx"]]
    (out / "punch.xlsx").write_bytes(_punch_xlsx(pb))
    (out / "daily.xls").write_bytes(_daily_xls(daily["daily_xls"]))
    lcols = ["worker_id", "date", "kind", "minutes"]
    (out / "leave.csv").write_text(_csv_text(lcols, [[x[c] for c in lcols] for x in leave]), encoding="utf-8")
    ocols = ["worker_id", "date", "start", "end", "reason"]
    (out / "overtime.csv").write_text(_csv_text(ocols, [[x[c] for c in ocols] for x in approvals]), encoding="utf-8")
    kcols = ["worker_id", "date", "in", "out", "reason"]
    (out / "corrections.csv").write_text(_csv_text(kcols, [[x[c] for c in kcols] for x in corrections]), encoding="utf-8")
    ytd, wages = _leaver_history(workers, contracts, first)
    (out / "ytd.csv").write_text(_csv_text(YTD_COLUMNS, [[r[c] for c in YTD_COLUMNS] for r in ytd]), encoding="utf-8")
    (out / "wages.csv").write_text(_csv_text(WAGES_COLUMNS, [[r[c] for c in WAGES_COLUMNS] for r in wages]), encoding="utf-8")
    (out / "employer.toml").write_text(EMPLOYER_TOML, encoding="utf-8")
    (out / "seal.png").write_bytes(seal_png("○○구청장인"))
    (out / "decisions.csv").write_bytes(_decisions(out, month))
    return {"workers": len(workers), "contracts": len(contracts), "shifts": len(shifts), "faults": faults,
            "daily_rows": sum(len(v) for v in daily.values()), "punch_rows": sum(len(v) for v in punch.values()),
            "leave": len(leave), "approvals": len(approvals), "corrections": len(corrections)}


def seal_png(text: str) -> bytes:
    """A square red 직인 with the text in two columns, as an office seal looks (PNG, 240 px)."""
    from PIL import Image, ImageDraw, ImageFont

    from payroll.documents.fonts import font_path

    size = 240
    img = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(img)
    red = (200, 30, 30, 255)
    draw.rectangle([8, 8, size - 9, size - 9], outline=red, width=12)
    chars = [c for c in text if not c.isspace()]
    half = (len(chars) + 1) // 2
    font = ImageFont.truetype(str(font_path("bold")), 58)
    for col, part in enumerate((chars[:half], chars[half:])):  # read right column first, top to bottom
        x = size - 36 - 58 - col * 84
        for i, ch in enumerate(part):
            draw.text((x, 26 + i * (size - 52) // max(len(part), 1)), ch, fill=red, font=font)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def _decisions(out: Path, month: str) -> bytes:
    """The clerk's decisions for the errors the corrections leave open: the worker with the most open
    errors is held (지급 보류) while the department checks; a worker with only missing punches is paid
    the scheduled hours; anything else (an overlap, a day outside the contract, a malformed time, an
    id not on the roster) is paid as punched."""
    from payroll.attendance.checks import check_files
    from payroll.roster import load_roster
    from payroll.runs.decisions import AS_PUNCHED, HOLD, SCHEDULED, decision_key, decisions_csv

    y, m = (int(x) for x in month.split("-"))
    bounds = (dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1]))
    exports = [out / n for n in ("daily_utf8.csv", "daily_bom.csv", "punch_cp949.csv", "punch.xlsx", "daily.xls")]
    roster = load_roster(out / "roster.csv", out / "contracts.csv")
    errors = check_files(exports, roster, out / "corrections.csv", month=bounds).open_errors
    by_worker: dict[str, list[str]] = {}
    for wid, code in errors.select("worker_id", "code").iter_rows():
        by_worker.setdefault(decision_key(wid), []).append(code)
    counted = sorted((w for w in by_worker if w in roster.workers), key=lambda w: (-len(by_worker[w]), w))
    held = counted[0] if counted else None
    rows = []
    for wid, codes in sorted(by_worker.items()):
        if wid == held:
            rows.append((wid, HOLD, "근무 기록 확인 중 — 확인 후 정정 실행으로 지급"))
        elif wid in roster.workers and set(codes) <= {"missing_in", "missing_out", "single_punch"}:
            rows.append((wid, SCHEDULED, "부서장 확인: 소정근로시간 정상 근무"))
        elif wid in roster.workers:
            rows.append((wid, AS_PUNCHED, "기록 확인: 기록대로 지급"))
        else:
            rows.append((wid, AS_PUNCHED, "명부에 없는 사번 — 지급 대상 아님"))
    return decisions_csv(rows)


def _with_renewed_history(workers: list[dict], contracts: list[dict], first: dt.date) -> list[dict]:
    """The worker who leaves mid-month (중도포기) was renewed from a one-year contract of the previous
    year, so the month shows a leaver with 퇴직금 (1 year or more) as well as the settlement."""
    out = []
    for c in contracts:
        if c["_kind"] == "ft" and c["end"] and first.isoformat() <= c["end"] < (first + dt.timedelta(days=31)).isoformat() and c["start"] == dt.date(first.year, 1, 1).isoformat():
            prev_year = first.year - 1
            wage = int(_sample_law().on(dt.date(prev_year, 1, 1))["living_wage.hourly"])
            out.append({**c, "contract_id": c["contract_id"] + "A", "start": dt.date(prev_year, 1, 1).isoformat(), "end": dt.date(prev_year, 12, 31).isoformat(), "wage": wage})
            for w in workers:
                if w["worker_id"] == c["worker_id"]:
                    w["first_hire_date"] = dt.date(prev_year, 1, 1).isoformat()
        out.append(c)
    return out


YTD_COLUMNS = ["worker_id", "year", "total_pay", "non_taxable", "national_pension", "health_insurance", "long_term_care",
               "employment_insurance", "income_tax", "local_income_tax"]
WAGES_COLUMNS = ["worker_id", "month", "wages"]


def _leaver_history(workers: list[dict], contracts: list[dict], first: dt.date) -> tuple[list[dict], list[dict]]:
    """Pay of the months before the first run in this system, for the month's leavers: the year to date
    (ytd.csv, for the 중도퇴사 settlement) and the last months' wages (wages.csv, for 평균임금). Each month is
    the contract's scheduled month (209 h at the hourly wage) put through the engine — under the law with any
    figure not yet announced carried forward (잠정): this is made-up history, and a 2027 month must not
    need the 2027 고시s to be generated."""
    from payroll import law as law_module
    from payroll import pay_items
    from payroll.case import parse_case
    from payroll.case import case_frames
    from payroll.engine.pipeline import compute
    from payroll.engine.step import Context
    import json

    law = law_module.current()
    context = Context(law=law_module.load(law.rules_dir, installation=law.installation_text, provisional=True), catalogue=pay_items.current())

    by_id = {w["worker_id"]: w for w in workers}
    ytd, wages = [], []
    for c in contracts:
        last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        if not (c["end"] and first.isoformat() <= c["end"] <= last.isoformat() and c["start"] < first.isoformat()):
            continue
        w = by_id[c["worker_id"]]
        cases, months = [], []
        for back in range(6, 0, -1):
            year, mon = (first.year, first.month - back) if first.month > back else (first.year - 1, first.month - back + 12)
            month = f"{year}-{mon:02d}"
            start = dt.date(year, mon, 1)
            active = [k for k in contracts if k["worker_id"] == c["worker_id"] and k["start"] <= start.isoformat() and (not k["end"] or k["end"] >= start.isoformat())]
            if not active:
                continue
            pay = int(active[0]["wage"]) * 209
            pay_date = dt.date(year + (mon == 12), mon % 12 + 1, 10)
            cases.append(parse_case(json.dumps({
                "pay_date": pay_date.isoformat(), "month": month,
                "worker": {"id": w["worker_id"], "birth_date": w["birth_date"], "hire_date": w["first_hire_date"], "employment": w["employment"],
                           "income_type": "regular", "family": int(w["family"]), "children_8_20": int(w["children_8_20"]), "monthly_hours": 209},
                "pay_items": [{"code": "base_pay", "amount": pay}],
            })))
            months.append(month)
        rows = compute(*case_frames(cases), context).to_dicts()
        for month, r in zip(months, rows):
            wages.append({"worker_id": w["worker_id"], "month": month, "wages": r["gross_pay"]})
        this_year = [r for m, r in zip(months, rows) if m.startswith(str(first.year))]
        ytd.append({
            "worker_id": w["worker_id"], "year": first.year,
            **{k: sum(r[src] for r in this_year) for k, src in (
                ("total_pay", "taxable_pay"), ("non_taxable", "non_taxable_pay"), ("national_pension", "national_pension"),
                ("health_insurance", "health_insurance"), ("long_term_care", "long_term_care"),
                ("employment_insurance", "employment_insurance"), ("income_tax", "income_tax"), ("local_income_tax", "local_income_tax"))},
        })
    return ytd, wages


def _punch_xlsx(rows: list[list[object]]) -> bytes:
    """Vendor B: real date cells and time-only cells (calamine reads those as 1899-12-31 times)."""
    import io as _io

    from openpyxl import Workbook

    from payroll.attendance.xlsx import normalise_zip

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Log")
    ws.append(["User ID", "User Name", "Date", "Time", "Terminal", "State"])
    for r in rows:
        ws.append(r)
    wb.properties.creator = "samples"
    wb.properties.created = dt.datetime(2000, 1, 1)
    buf = _io.BytesIO()
    wb.save(buf)
    return normalise_zip(buf.getvalue())


def _daily_xls(rows: list[list[object]]) -> bytes:
    import io as _io

    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("근태")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    time_style = xlwt.easyxf(num_format_str="hh:mm")
    for j, h in enumerate(["사번", "성명", "근무일", "출근시각", "퇴근시각"]):
        ws.write(0, j, h)
    for i, (wid, name, day, a, b) in enumerate(rows, start=1):
        ws.write(i, 0, wid)
        ws.write(i, 1, name)
        ws.write(i, 2, dt.date.fromisoformat(day), date_style)
        for j, t in ((3, a), (4, b)):
            if t and len(t) == 5 and t[:2].isdigit() and int(t[:2]) < 24 and int(t[3:]) < 60:
                ws.write(i, j, dt.time(int(t[:2]), int(t[3:])), time_style)
            elif t:
                ws.write(i, j, t)
    buf = _io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m samples.generate", description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--month", default="2026-06")
    parser.add_argument("--small", action="store_true", help="about 40 workers (the committed samples/small)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    stats = write_set(args.out, args.month, args.small, args.seed)
    print(", ".join(f"{k} {v}" for k, v in stats.items()))


if __name__ == "__main__":
    main()
