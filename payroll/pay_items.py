"""The pay-item catalogue (rules/employer/pay_items.toml): each code's label and tax treatment."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from payroll.law import RuleError, default_rules_dir, resolved_rules_dir

TAX_TREATMENTS = ("taxable", "non_taxable_limited", "non_taxable", "separate")


@dataclass(frozen=True)
class PayItem:
    code: str
    label: str
    tax: str
    limit: str | None = None  # parameter name of the monthly non-taxable limit
    limit_group: str | None = None
    cash: bool = True
    hour_based: bool = False
    ordinary: bool = False  # 통상임금


@dataclass(frozen=True)
class Catalogue:
    items: dict[str, PayItem]

    def __contains__(self, code: str) -> bool:
        return code in self.items

    def __getitem__(self, code: str) -> PayItem:
        try:
            return self.items[code]
        except KeyError:
            raise KeyError(f"알 수 없는 지급 코드 {code!r} (아는 코드: {', '.join(sorted(self.items))})") from None

    def label(self, code: str) -> str:
        return self.items[code].label if code in self.items else code


def load_catalogue(rules_dir: Path | None = None) -> Catalogue:
    path = Path(rules_dir or default_rules_dir()) / "employer" / "pay_items.toml"
    with path.open("rb") as fh:
        doc = tomllib.load(fh)
    items = {}
    for code, raw in doc.get("items", {}).items():
        tax = raw.get("tax")
        if tax not in TAX_TREATMENTS:
            raise RuleError(f"{path.name}: 항목 {code}: tax는 다음 중 하나여야 합니다: {TAX_TREATMENTS} (받은 값 {tax!r})")
        if tax == "non_taxable_limited" and not (raw.get("limit") and raw.get("limit_group")):
            raise RuleError(f"{path.name}: 항목 {code}: 한도가 있는 비과세 항목에는 `limit`와 `limit_group`이 필요합니다")
        items[code] = PayItem(
            code=code,
            label=raw["label"],
            tax=tax,
            limit=raw.get("limit"),
            limit_group=raw.get("limit_group"),
            cash=bool(raw.get("cash", True)),
            hour_based=bool(raw.get("hour_based", False)),
            ordinary=bool(raw.get("ordinary", False)),
        )
    return Catalogue(items)


@lru_cache(maxsize=4)
def _cached(path: str) -> Catalogue:
    return load_catalogue(Path(path))


def current(rules_dir: Path | None = None) -> Catalogue:
    return _cached(resolved_rules_dir(rules_dir))
