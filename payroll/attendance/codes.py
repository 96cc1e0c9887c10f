"""The reason codes of the attendance checks, their severity and label, and the frames they fill.

Severity ``error`` needs HR (a correction, or an answer) and keeps ``payroll attendance`` exiting
non-zero; ``warning`` was decided but should be looked at; ``info`` was handled.
"""

from __future__ import annotations

import polars as pl

SEVERITY = {
    "unknown_worker": "error",
    "unexplained_row": "error",
    "malformed_time": "error",
    "missing_in": "error",
    "missing_out": "error",
    "single_punch": "error",
    "overlap": "error",
    "outside_contract": "error",
    "direction_mismatch": "error",
    "out_before_in": "error",
    "date_order": "error",
    "day_long_shift": "error",
    "no_records": "error",
    "matched_by_name": "warning",
    "no_record": "warning",
    "duplicate": "info",
    "crosses_midnight": "info",
    "other_month": "info",
    "edge_week": "info",
    "not_data": "info",
}
LABELS = {
    "unknown_worker": "명부에 없는 사번 (또는 사번 없음)",
    "unexplained_row": "프로필로 해석할 수 없는 행",
    "malformed_time": "일자·시각 형식 오류",
    "missing_in": "출근 기록 없음",
    "missing_out": "퇴근 기록 없음",
    "single_punch": "짝 없는 단일 타각",
    "overlap": "근무시간 중복",
    "outside_contract": "계약기간 밖 근무",
    "direction_mismatch": "출근·퇴근 구분이 맞지 않는 짝",
    "out_before_in": "퇴근 시각이 출근보다 이름 (주간 근무자)",
    "date_order": "일/월 순서를 알 수 없는 날짜 (이 달 밖으로 읽힘)",
    "day_long_shift": "하루를 넘는 교대 계약의 근무 (정정 파일로 입력)",
    "matched_by_name": "사번 없이 성명으로 찾은 근로자",
    "no_record": "이 달 출퇴근 기록이 없는 근로자 (휴가·휴직이 아니면 확인)",
    "no_records": "이 달 출퇴근 기록이 아무에게도 없음 (빈 파일이거나 다른 달의 파일)",
    "duplicate": "중복 타각",
    "crosses_midnight": "자정 넘는 근무 (한 근무로 처리)",
    "other_month": "다른 달의 근무일",
    "edge_week": "다른 달의 근무일 (경계 주의 주 40시간·주휴 판단에 사용, 지급은 그 달)",
    "not_data": "근무 기록이 아닌 행 (합계·머리말 등)",
}

EXC_SCHEMA = {"source": pl.Utf8, "line": pl.Int64, "worker_id": pl.Utf8, "date": pl.Date, "code": pl.Utf8, "detail": pl.Utf8}
SHIFT_SCHEMA = {"worker_id": pl.Utf8, "date": pl.Date, "in_ts": pl.Datetime("us"), "out_ts": pl.Datetime("us"), "origin": pl.Utf8, "refs": pl.List(pl.Utf8)}
CORR_SCHEMA = {"line": pl.Int64, "worker_id": pl.Utf8, "date": pl.Date, "in_ts": pl.Datetime("us"), "out_ts": pl.Datetime("us"), "reason": pl.Utf8, "source": pl.Utf8}
ABSENCE_SCHEMA = {"worker_id": pl.Utf8, "date": pl.Date, "ref": pl.Utf8}


def ref(source: pl.Expr, line: pl.Expr) -> pl.Expr:
    """An input row's name: ``file:line``."""
    return pl.format("{}:{}", source, line)


def exc(frame: pl.DataFrame, code: str, detail: pl.Expr | str, date: pl.Expr | None = None) -> pl.DataFrame:
    """One exception per row of ``frame`` (which has source, line, worker_id and, unless ``date`` is given, date)."""
    detail_expr = pl.lit(detail) if isinstance(detail, str) else detail
    return frame.select(
        pl.col("source"), pl.col("line"), pl.col("worker_id"),
        (date if date is not None else pl.col("date")).cast(pl.Date).alias("date"),
        pl.lit(code).alias("code"), detail_expr.cast(pl.Utf8).alias("detail"),
    )


def hhmm(minutes: pl.Expr) -> pl.Expr:
    return pl.format("{}:{}", (minutes // 60).cast(pl.Utf8).str.zfill(2), (minutes % 60).cast(pl.Utf8).str.zfill(2))
