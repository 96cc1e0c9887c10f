"""The attendance check report: printed text and an XLSX (요약, 예외, 보정, 근무)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from payroll.attendance.checks import LABELS, SEVERITY, CheckResult
from payroll.attendance.xlsx import write_xlsx


def summary_rows(result: CheckResult) -> list[list[object]]:
    rows: list[list[object]] = [["파일", "형식", "프로필", "모양", "행 수"]]
    for path, fmt, profile, shape, n in result.files:
        rows.append([path, fmt, profile, "타각 기록" if shape == "punch" else "일별 출퇴근", n])
    rows.extend([["참고", note] for note in result.notes])
    rows.append([])
    used = result.rows.filter("used").height
    reported = result.rows.filter("reported").height
    neither = result.rows.filter(~pl.col("used") & ~pl.col("reported")).height
    rows.append(["입력 행", result.rows.height, "사용", used, "보고", reported, "누락", neither])
    rows.append(["근무 (shifts)", result.shifts.height, "보정 적용", result.corrections.height])
    rows.append([])
    rows.append(["코드", "내용", "구분", "건수", "미해결"])
    counts = result.exceptions.group_by("code").agg(pl.len().alias("n"), pl.col("resolved_by").is_null().sum().alias("open"))
    by_code = {r["code"]: (r["n"], r["open"]) for r in counts.iter_rows(named=True)}
    for code in SEVERITY:
        if code in by_code:
            rows.append([code, LABELS[code], SEVERITY[code], by_code[code][0], by_code[code][1]])
    return rows


def render_text(result: CheckResult, limit: int = 200) -> str:
    out = []
    for path, fmt, profile, shape, n in result.files:
        out.append(f"{path}: {fmt}, profile {profile}, {'punch log' if shape == 'punch' else 'daily sheet'}, {n} rows")
    out.extend(f"  note: {note}" for note in result.notes)
    used = result.rows.filter("used").height
    reported = result.rows.filter("reported").height
    out.append(f"rows {result.rows.height}: used {used}, reported {reported}; shifts {result.shifts.height}; corrections applied {result.corrections.height}")
    counts = result.exceptions.group_by("code").agg(pl.len().alias("n"), pl.col("resolved_by").is_null().sum().alias("open"))
    by_code = {r["code"]: (r["n"], r["open"]) for r in counts.iter_rows(named=True)}
    for code in SEVERITY:
        if code in by_code:
            n, open_ = by_code[code]
            out.append(f"  {code:<17} {SEVERITY[code]:<5} {n:>6}  (open {open_})  {LABELS[code]}")
    errors = result.open_errors
    if errors.height:
        out.append(f"open exceptions ({errors.height}):")
        for r in errors.head(limit).iter_rows(named=True):
            day = r["date"].isoformat() if r["date"] else "-"
            out.append(f"  {r['source']}:{r['line']}  {r['worker_id'] or '-'}  {day}  {r['code']}  {r['detail']}")
        if errors.height > limit:
            out.append(f"  … {errors.height - limit} more (see the XLSX report)")
    else:
        out.append("clean: no open exceptions")
    return "\n".join(out)


def write_report(result: CheckResult, path: Path | str) -> Path:
    exc = result.exceptions.select("source", "line", "worker_id", "date", "code", "label", "severity", "detail", "resolved_by")
    shifts = result.shifts.with_columns(pl.col("refs").list.join(", ")).sort(["worker_id", "in_ts"])
    return write_xlsx(path, {"요약": summary_rows(result), "예외": exc, "보정": result.corrections, "근무": shifts})
