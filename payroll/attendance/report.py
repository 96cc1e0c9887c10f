"""The attendance exceptions report: one order and one set of Korean headers for the console, the
printed text, the check's XLSX and the run's ``attendance/exceptions.xlsx``.

Order: errors first (the open ones before those corrected or decided), then warnings, then the
informational notes (duplicate punches, overnight shifts… — handled, shown folded away: their
own sheet in the XLSX, a closed section in the console). Within a severity: department, worker,
day, file and row. Counts by kind head the report.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from payroll.attendance.checks import LABELS, CheckResult
from payroll.attendance.xlsx import write_xlsx, xlsx_bytes

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
SEVERITY_LABELS = {"error": "오류", "warning": "경고", "info": "참고"}
#: (column of the ordered frame, Korean header) — the XLSX and the console show these
COLUMNS = (
    ("severity_label", "구분"), ("state", "처리"), ("label", "사유"), ("department", "부서"), ("worker_id", "사번"), ("name", "성명"),
    ("date", "일자"), ("source_name", "파일"), ("line", "행"), ("detail", "내용"), ("resolved_by", "처리 내역"), ("code", "코드"),
)
COUNT_HEADERS = ("구분", "사유", "코드", "건수", "미해결")


def _state(frame: pl.DataFrame) -> pl.Expr:
    resolved = pl.col("resolved_by")
    return (
        pl.when(pl.col("severity") != "error").then(pl.lit("—"))
        .when(resolved.is_null()).then(pl.lit("미해결"))
        .when(resolved.str.contains(r"decisions\.csv:\d+ \(", literal=False)).then(pl.lit("결정됨"))
        .otherwise(pl.lit("정정됨"))
    )


def ordered(exceptions: pl.DataFrame, roster=None, root: Path | None = None) -> pl.DataFrame:
    """The exceptions in report order, with department, name, the severity's and the state's Korean
    labels and the file name relative to ``root`` (``source_name``)."""
    ids, names, depts = [], [], []
    for wid, w in (getattr(roster, "workers", None) or {}).items():
        ids.append(wid)
        names.append(w.name)
        depts.append(w.department)
    people = pl.DataFrame({"worker_id": ids, "name": names, "department": depts}, schema={"worker_id": pl.Utf8, "name": pl.Utf8, "department": pl.Utf8})
    frame = exceptions.drop("name", "department", strict=False).join(people, on="worker_id", how="left", maintain_order="left")
    source = pl.col("source").cast(pl.Utf8)
    text_cols = [c for c in ("source", "resolved_by", "detail") if c in frame.columns]
    if root is not None:
        roots = sorted({str(root), str(Path(root).resolve())}, key=len, reverse=True)
        stripped = []
        for c in text_cols:
            e = pl.col(c)
            for r in roots:
                e = e.str.replace_all(r.rstrip("/") + "/", "", literal=True)
            stripped.append(e.alias(c))
        frame = frame.with_columns(stripped)
        source = pl.col("source")
    frame = frame.with_columns(
        pl.col("severity").replace_strict(SEVERITY_RANK, default=3, return_dtype=pl.Int64).alias("_rank"),
        (pl.col("resolved_by").is_not_null()).alias("_done"),
        pl.col("severity").replace_strict(SEVERITY_LABELS, default=pl.col("severity"), return_dtype=pl.Utf8).alias("severity_label"),
        _state(frame).alias("state"),
        source.alias("source_name"),
        pl.col("department").fill_null("(명부에 없음)"),
        pl.col("name").fill_null(""),
    )
    return frame.sort(["_rank", "_done", "department", "worker_id", "date", "source", "line"], nulls_last=True).drop("_rank", "_done")


def korean_table(frame: pl.DataFrame) -> pl.DataFrame:
    """An :func:`ordered` frame with the report's Korean headers."""
    return frame.select([pl.col(c).alias(h) for c, h in COLUMNS])


def counts(exceptions: pl.DataFrame) -> list[list[object]]:
    """Counts by kind, in report order: [구분, 사유, 코드, 건수, 미해결] (미해결: errors only)."""
    agg = exceptions.group_by("code", "severity").agg(
        pl.len().alias("n"), pl.col("resolved_by").is_null().sum().alias("open"),
        (pl.col("label").first() if "label" in exceptions.columns else pl.lit(None, dtype=pl.Utf8)).alias("label"),
    )
    rows = []
    for r in sorted(agg.iter_rows(named=True), key=lambda r: (SEVERITY_RANK.get(r["severity"], 3), r["code"])):
        severity = r["severity"]
        rows.append([SEVERITY_LABELS.get(severity, severity), r["label"] or LABELS.get(r["code"], r["code"]), r["code"], int(r["n"]),
                     int(r["open"]) if severity == "error" else "—"])
    return rows


def _sheets(exceptions: pl.DataFrame, roster, root: Path | None, preface: list[list[object]] = ()) -> dict[str, pl.DataFrame | list[list[object]]]:
    frame = ordered(exceptions, roster, root)
    main = frame.filter(pl.col("severity") != "info")
    notes = frame.filter(pl.col("severity") == "info")
    summary = [*preface, list(COUNT_HEADERS), *counts(exceptions)]
    return {"요약": summary, "오류·경고": korean_table(main), "참고": korean_table(notes)}


def exceptions_workbook(exceptions: pl.DataFrame, roster=None, root: Path | None = None) -> bytes:
    """The run's ``attendance/exceptions.xlsx``: 요약 (counts by kind), 오류·경고, 참고 (folded away)."""
    return xlsx_bytes(_sheets(exceptions, roster, root))


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
    rows.append(["근무", result.shifts.height, "보정 적용", result.corrections.height])
    rows.append([])
    return rows


def render_text(result: CheckResult, limit: int = 200) -> str:
    out = []
    for path, fmt, profile, shape, n in result.files:
        out.append(f"{path}: {fmt}, 프로필 {profile}, {'타각 기록' if shape == 'punch' else '일별 출퇴근'}, {n}행")
    out.extend(f"  참고: {note}" for note in result.notes)
    used = result.rows.filter("used").height
    reported = result.rows.filter("reported").height
    out.append(f"입력 {result.rows.height}행: 사용 {used}, 보고 {reported}; 근무 {result.shifts.height}건; 정정 적용 {result.corrections.height}건")
    for severity, label, code, n, open_ in counts(result.exceptions):
        out.append(f"  {severity} {label:<20} {code:<17} {n:>6}건" + (f"  (미해결 {open_})" if open_ != "—" else ""))
    errors = result.open_errors
    if errors.height:
        out.append(f"미해결 오류 {errors.height}건:")
        for r in ordered(errors).head(limit).iter_rows(named=True):
            day = r["date"].isoformat() if r["date"] else "-"
            out.append(f"  {r['source']}:{r['line']}  {r['worker_id'] or '-'}  {day}  {r['label']} ({r['code']})  {r['detail']}")
        if errors.height > limit:
            out.append(f"  … 그 밖에 {errors.height - limit}건 (XLSX 보고서 참고)")
    else:
        out.append("깨끗함: 미해결 오류 없음")
    return "\n".join(out)


def write_report(result: CheckResult, path: Path | str, roster=None) -> Path:
    """The check's XLSX: 요약 (files, rows, counts by kind), 오류·경고, 참고, 보정, 근무."""
    sheets = _sheets(result.exceptions, roster, None, summary_rows(result))
    corrections = result.corrections.select(
        pl.col("worker_id").alias("사번"), pl.col("date").alias("일자"), pl.col("in_ts").alias("출근"), pl.col("out_ts").alias("퇴근"),
        pl.col("reason").alias("사유"), pl.col("source").alias("파일"), pl.col("line").alias("행"),
    )
    shifts = result.shifts_named().sort(["worker_id", "in_ts"]).select(
        pl.col("worker_id").alias("사번"), pl.col("date").alias("근무일"), pl.col("in_ts").alias("출근"), pl.col("out_ts").alias("퇴근"),
        pl.col("origin").replace_strict({"punch": "타각", "daily": "일별", "correction": "정정"}, default=pl.col("origin")).alias("출처"),
        pl.col("refs").list.join(", ").alias("파일:행"),
    )
    return write_xlsx(path, {**sheets, "보정": corrections, "근무": shifts})
