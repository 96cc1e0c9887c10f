"""The XLSX twin of an HR document's data (the same dict as its JSON), deterministic bytes.

Layout, so another system (or a clerk in Excel) reads it without guessing:

- sheet ``document``: two columns ``field`` and ``value``, one row per scalar of the dict, the
  field being its JSON path (``settlement.tax_base``, ``workplace_income.period[0]``);
- one more sheet per list of objects (``periods``, ``trace``): a header row with the objects'
  keys (nested keys dotted), one row per object. The ``document`` sheet names that sheet in the
  list's row (``periods`` → ``sheet:periods``).

Numbers stay numbers (integer won, days), text stays text, booleans are TRUE/FALSE, ``None`` and
the empty string are an empty cell (XLSX has no empty text). The file's timestamps are the document's issue date (``stamp_for``), never the clock,
so the same data gives the same bytes (payroll/documents/xlsx.py ``workbook_bytes``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl import Workbook

from payroll.documents.xlsx import BOLD, HEADER_FILL, stamp_for, workbook_bytes
from payroll.security.cells import append_row

SHEET_NAME_MAX = 31
_BAD_SHEET_CHARS = set("[]:*?/\\")


def _cell(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, dict)):
        raise TypeError("not a scalar")
    return value


def _flatten(prefix: str, value: Any, out: list[tuple[str, Any]], tables: dict[str, list[dict[str, Any]]]) -> None:
    if isinstance(value, dict):
        if not value and prefix:
            out.append((prefix, None))
        for k, v in value.items():
            _flatten(f"{prefix}.{k}" if prefix else str(k), v, out, tables)
    elif isinstance(value, (list, tuple)):
        if value and all(isinstance(x, dict) for x in value):
            name = _sheet_name(prefix, tables)
            tables[name] = list(value)
            out.append((prefix, f"sheet:{name}"))
        elif not value:
            out.append((prefix, None))
        else:
            for i, x in enumerate(value):
                _flatten(f"{prefix}[{i}]", x, out, tables)
    else:
        out.append((prefix, _cell(value)))


def _sheet_name(path: str, taken: dict[str, Any]) -> str:
    base = "".join("_" if ch in _BAD_SHEET_CHARS else ch for ch in path)[:SHEET_NAME_MAX] or "table"
    name, n = base, 2
    while name in taken or name == "document":
        suffix = f"_{n}"
        name, n = base[: SHEET_NAME_MAX - len(suffix)] + suffix, n + 1
    return name


def _row_of(obj: dict[str, Any]) -> list[tuple[str, Any]]:
    flat: list[tuple[str, Any]] = []
    for k, v in obj.items():
        if isinstance(v, dict):
            sub: list[tuple[str, Any]] = []
            _flatten(str(k), v, sub, {})
            flat += sub
        elif isinstance(v, (list, tuple)):
            flat.append((str(k), ", ".join(str(_cell(x)) for x in v)))
        else:
            flat.append((str(k), _cell(v)))
    return flat


def data_workbook(data: dict[str, Any], issued: dt.date | None) -> bytes:
    """The document's data as XLSX bytes (module docstring); ``issued`` stamps the file."""
    rows: list[tuple[str, Any]] = []
    tables: dict[str, list[dict[str, Any]]] = {}
    _flatten("", data, rows, tables)
    wb = Workbook()
    ws = wb.active
    ws.title = "document"
    append_row(ws, ["field", "value"])
    for row in rows:
        append_row(ws, row)
    _style(ws, widths=(36, 48))
    for name, objs in tables.items():
        sheet = wb.create_sheet(name)
        flat = [_row_of(o) for o in objs]
        header: list[str] = []
        for f in flat:
            for k, _ in f:
                if k not in header:
                    header.append(k)
        append_row(sheet, header)
        for f in flat:
            d = dict(f)
            append_row(sheet, [d.get(k) for k in header])
        _style(sheet, widths=tuple(18 for _ in header))
    return workbook_bytes(wb, stamp_for(issued))


def _style(ws, widths: tuple[int, ...]) -> None:
    for cell in ws[1]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
    for i, w in enumerate(widths):
        ws.column_dimensions[ws.cell(row=1, column=i + 1).column_letter].width = w
    ws.freeze_panes = "A2"


def read_back(xlsx: bytes) -> dict[str, Any]:
    """The ``document`` sheet as {field: value} and every other sheet as a list of row dicts (tests, importers)."""
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(xlsx), read_only=True)
    out: dict[str, Any] = {}
    for ws in wb.worksheets:
        values = list(ws.iter_rows(values_only=True))
        if ws.title == "document":
            out["document"] = {f: v for f, v in values[1:]}
        else:
            header = values[0]
            out[ws.title] = [dict(zip(header, r)) for r in values[1:]]
    return out
