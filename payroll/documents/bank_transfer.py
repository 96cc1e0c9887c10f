"""The bank-transfer file of a month: who gets how much, into which account.

Format (UTF-8 with a byte-order mark so Excel opens Korean text correctly; CRLF line ends, RFC
4180 quoting): a header line ``worker_id,name,bank,account,net_pay``, then one line per worker
sorted by worker id, ``net_pay`` in whole won without separators. The account is written as
given (keep the hyphens: Excel then leaves it as text and keeps leading zeros).

Every worker of the results is in the file, a 0원 line included (nothing is dropped silently; the
bank's upload may skip it). A negative net pay cannot be transferred and is refused. With
``total=True`` a last line ``TOTAL,<n>명,,,<sum>`` is added for a person checking the file by eye;
leave it off (the default) for bank upload formats that take detail lines only.
"""

from __future__ import annotations

import io

import polars as pl

from payroll.case import InputError
from payroll.security.cells import csv_writer

COLUMNS = ("worker_id", "name", "bank", "account", "net_pay")
BOM = "\ufeff"


def bank_transfer_csv(results: pl.DataFrame, *, total: bool = False, source: str = "results", shortfall_as_zero: bool = False) -> bytes:
    """The transfer list as CSV bytes (deterministic). ``results`` needs the five columns above.

    A negative net pay (deductions above the pay of the month) is refused, unless ``shortfall_as_zero``:
    then that worker is listed with 0 — the monthly run does so and names the shortfall in its warnings."""
    missing = [c for c in COLUMNS if c not in results.columns]
    if missing:
        raise InputError(f"{source}: 계좌 이체에 필요한 열이 없습니다: {', '.join(missing)}")
    frame = results.select(COLUMNS).sort("worker_id")
    for i, row in enumerate(frame.iter_rows(named=True)):
        for field in ("worker_id", "name", "bank", "account"):
            if row[field] is None or str(row[field]).strip() == "":
                raise InputError(f"{source}: {i + 1}행: {field}: 근로자 {row['worker_id']}의 값이 비어 있어 이체할 수 없습니다")
        if row["net_pay"] is None:
            raise InputError(f"{source}: {i + 1}행: net_pay: 근로자 {row['worker_id']}의 실지급액이 없습니다")
        if int(row["net_pay"]) < 0 and not shortfall_as_zero:
            raise InputError(f"{source}: {i + 1}행: net_pay: 근로자 {row['worker_id']}의 실지급액 {int(row['net_pay']):,}이(가) 음수입니다; 이체액은 음수일 수 없습니다")
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\r\n")  # a name such as =HYPERLINK(…) stays text
    writer.writerow(COLUMNS)
    for row in frame.iter_rows():
        worker_id, name, bank, account, net = row
        writer.writerow([worker_id, name, bank, account, max(int(net), 0)])
    if total:
        writer.writerow(["TOTAL", f"{frame.height}명", "", "", int(frame.get_column("net_pay").clip(lower_bound=0).sum() or 0)])
    return (BOM + out.getvalue()).encode("utf-8")
