"""The 계산방법 texts of a payslip, read back from the trace: a reference split into its article and
its parameters (with percentages and short citations), each deduction's formula, and why a
deduction that is 0 is 0 (the worker is not covered)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

from payroll.documents.pdf import won_text


def _int(value: Any) -> int:
    return 0 if value is None else int(value)


# --- the trace, read back ------------------------------------------------------------------

_RATIO = re.compile(r"^(\d+)/(\d+)$")


def percent_text(value: str) -> str:
    """'19/400' → '4.75%'; a non-terminating ratio keeps its exact form with an approximation."""
    m = _RATIO.match(value.strip())
    if not m:
        return value
    frac = Fraction(int(m.group(1)), int(m.group(2))) * 100
    den = frac.denominator
    while den % 2 == 0:
        den //= 2
    while den % 5 == 0:
        den //= 5
    if den == 1:  # terminating decimal: exact
        text = format(Decimal(frac.numerator) / Decimal(frac.denominator), "f")
        text = text.rstrip("0").rstrip(".") if "." in text else text
        return f"{text}%"
    approx = Decimal(frac.numerator) / Decimal(frac.denominator)
    return f"{value} (≈{approx.quantize(Decimal('0.0001'))}%)"


def _short_citation(text: str) -> str:
    """'국민연금법 §88 (법률 제…, 시행 2026-01-01) — note' → '국민연금법 §88'."""
    text = text.split(" — ")[0]
    at = text.rfind(", 시행 ")
    if at < 0:
        return text.strip()
    depth = 0
    for i in range(at, -1, -1):  # the '(' that opens the promulgation group
        ch = text[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            if depth == 0:
                return text[:i].strip()
            depth -= 1
    return text.strip()


def _value_text(value: str) -> str:
    value = value.strip()
    if _RATIO.match(value):
        return percent_text(value)
    if re.fullmatch(r"-?\d+", value) and len(value) >= 4:
        return f"{int(value):,}"
    return value


def _split_top(text: str, sep: str = "; ") -> list[str]:
    """Split on ``sep`` outside parentheses (labels and citations may hold '; ' inside them)."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch in "(<":
            depth += 1
        elif ch in ")>":
            depth = max(0, depth - 1)
        elif depth == 0 and text.startswith(sep, i):
            parts.append(text[start:i])
            i += len(sep)
            start = i
            continue
        i += 1
    parts.append(text[start:])
    return parts


_DECISION = re.compile(r",? (?:decision|결정) D\d+(?:, [^;]*)?")


def parse_reference(reference: str) -> tuple[str, list[tuple[str, str, str]]]:
    """A trace reference → (article, [(parameter label, value, short citation)])."""
    article, params = _parsed_reference(reference)
    return article, list(params)


@lru_cache(maxsize=4096)
def _parsed_reference(reference: str) -> tuple[str, tuple[tuple[str, str, str], ...]]:
    """:func:`parse_reference`, memoised: every worker of a month cites the same few references,
    and splitting them was a tenth of a payslip's time."""
    parts = _split_top(reference)
    article = _DECISION.sub("", parts[0]).strip()
    params = []
    for part in parts[1:]:
        head, sep, citation = part.partition(" — ")
        label, colon, value = head.rpartition(": ")
        if not sep or not colon:
            continue
        params.append((label, _value_text(value), _short_citation(citation)))
    return article, tuple(params)


def _trace_by_step(trace: Sequence[dict]) -> dict[str, dict[str, dict]]:
    out: dict[str, dict[str, dict]] = {}
    for entry in trace:
        step, _, column = str(entry["step"]).partition(".")
        out.setdefault(step, {})[column] = entry
    return out


def _employee_rate(params: list[tuple[str, str, str]]) -> str | None:
    for label, value, _ in params:
        if "근로자" in label and value.endswith("%"):
            return value
    return None


#: deduction → (the row's "applies" flag, its note column, the insurance's name): why a 0 is a 0
EXEMPTION = {
    "national_pension": ("np_applies", "np_note", "국민연금"),
    "health_insurance": ("hi_applies", "hi_note", "건강보험"),
    "long_term_care": ("hi_applies", "hi_note", "장기요양보험"),
    "employment_insurance": ("ei_unemployment_applies", "ei_note", "고용보험(실업급여)"),
}
_NOTE = re.compile(r"^(?P<reason>[^:]+):\s*(?P<rest>.*?)\s*(?:\((?P<article>[^()]*(?:\([^()]*\)[^()]*)*)\))?$")


def exemption_text(column: str, row: dict) -> str | None:
    """Why a deduction is 0 for this worker — "60세 이상 — 국민연금 제외 (국민연금법 §8①, §12①4)" — or
    None when the worker is covered (or the amount is not 0)."""
    spec = EXEMPTION.get(column)
    if spec is None or _int(row.get(column)) != 0:
        return None
    flag, note_column, name = spec
    if row.get(flag) is not False:
        return None
    note = str(row.get(note_column) or "")
    m = _NOTE.match(note)
    if not m:
        return f"{name} 제외" + (f" — {note}" if note else "")
    article = f" ({m.group('article')})" if m.group("article") else ""
    return f"{m.group('reason').strip()} — {name} 제외{article}"


def deduction_method(column: str, row: dict, steps: dict[str, dict[str, dict]]) -> str:
    exempt = exemption_text(column, row)
    if exempt:
        return exempt

    def ref(step: str) -> list[tuple[str, str, str]]:
        entries = steps.get(step, {})
        if not entries:
            return []
        return _parsed_reference(next(iter(entries.values()))["reference"])[1]

    if column == "national_pension" and "np_base" in row:
        rate = _employee_rate(ref("national_pension"))
        base = f"기준소득월액 {won_text(_int(row['np_base']))}원"
        return f"{base} × {rate}, 10원 미만 절사" if rate else base
    if column == "health_insurance" and "hi_base" in row:
        rate = _employee_rate(ref("health_insurance"))
        base = f"보수월액 {won_text(_int(row['hi_base']))}원"
        return f"{base} × {rate}, 10원 미만 절사" if rate else base
    if column == "long_term_care":
        ratio = next((v for label, v, _ in ref("long_term_care") if "비율" in label), None)
        return f"건강보험료 {won_text(_int(row.get('health_insurance')))}원 × {ratio}, 10원 미만 절사" if ratio else "건강보험료 × 장기요양보험료율 ÷ 건강보험료율"
    if column == "employment_insurance" and "ei_base" in row:
        rate = _employee_rate(ref("employment_insurance"))
        base = f"보수 {won_text(_int(row['ei_base']))}원"
        return f"{base} × {rate}, 10원 미만 절사" if rate else base
    if column == "income_tax":
        note = row.get("income_tax_note")
        if note:
            return str(note)
        entry = steps.get("income_tax", {}).get("income_tax")
        return entry["note"] if entry else ""
    if column == "local_income_tax":
        return "소득세 × 10%, 10원 미만 절사 (지방세법 §103의13)"
    if column.startswith("settlement"):
        return "중도퇴사자 연말정산 (소득세법 §137); 음수는 환급"
    if column.startswith("retirement"):
        return "퇴직소득 원천징수 (소득세법 §146)"
    return ""
