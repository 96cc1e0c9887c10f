"""근로소득 연말정산 for leavers (§137) and for everyone at year end (§137의2)."""

from payroll.settlement.claims import Claims, YearToDate, load_claims, load_ytd_csv, parse_claims
from payroll.settlement.engine import Settlement, build_inputs, input_frame, leaver_carried_columns, settle, settle_frame

__all__ = ["Claims", "YearToDate", "Settlement", "settle", "settle_frame", "input_frame", "build_inputs", "leaver_carried_columns",
           "load_claims", "load_ytd_csv", "parse_claims"]
