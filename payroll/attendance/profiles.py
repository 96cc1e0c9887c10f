"""Attendance profiles: how one device's export is laid out, described in TOML alone (loaded by
:mod:`payroll.attendance.profile_files`).

A profile has a **layout** and one table per shape it reads — ``[punch]`` (a punch log: one row per
punch) and/or ``[daily]`` (one row per worker and day, first in and last out):

- ``header`` (the default): a header row names the columns; each field lists header aliases,
  matched on :func:`norm_header` (Unicode NFKC, spaces, BOM and zero-width characters removed,
  case ignored, a trailing "(…)" note dropped). Title rows above it are passed over.
- ``position``: no header row; each field is a column number (1 = the first), in a delimited text
  (``delimiter``: ``,`` ``;`` ``|`` ``tab`` or ``space`` — runs of spaces and tabs, the ZKTeco
  ``attlog.dat`` family; default: sniffed) or a sheet without a header.
- ``fixed``: fixed-width records; each field is ``[first, last]`` character positions (1-based,
  inclusive), e.g. ``2026040108454510107`` = date [1, 8], time [9, 14], direction [15, 15],
  device [16, 17], worker [18, 19]; ``record`` is a pattern every record must match.
- ``matrix``: a report with days across the columns (``[matrix]``: title, period, id and name labels;
  the ZKTeco 근태 report XLS, its data on a later sheet).

Punch fields: worker_id, name, timestamp or date + time, device, direction, event. Daily fields:
worker_id, name, date, in, out, out_date. Direction is given by code or text
(``[punch.direction_values]`` in/out/ignore), by pattern (``[punch.direction_patterns]``, regular
expressions, e.g. a BioStar 2 event name with its function key), or not at all (no direction field:
the punches pair by time). ``unknown_direction = "error"`` makes a value no list explains an error
naming its row (default ``"pair"``: paired by time). ``[punch.events]`` says which values of the
event column are punches (``punch`` pattern) and which are not records (``ignore``); any other
event is an error naming the row.

``[ids]``: ``pattern`` extracts the worker id (group ``id``) and name (group ``name``) from a
compound cell such as ``105(정하늘)``; ``map`` names a device-user → worker-id table (CSV
``device_user,worker_id[,device]``) in the installation's profile folder; ``name_fallback``
(default true) lets a row without an id be matched by the roster's only worker of that name, with
a warning. ``summary_labels``, ``blank_values`` and ``[punch.direction_values] ignore`` default to
the generic profile's.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

PUNCH_FIELDS = ("worker_id", "name", "timestamp", "date", "time", "device", "direction", "event")
DAILY_FIELDS = ("worker_id", "name", "date", "in", "out", "out_date")
LAYOUTS = ("header", "position", "fixed", "matrix")

Spec = tuple[str, ...] | int | tuple[int, int]  # header aliases | column index (0-based) | character span [start, end)

_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad"), None)
_NOTE = re.compile(r"^(.+?)[(\[].*[)\]]$")


def norm_value(text: str) -> str:
    """A cell value for comparison: NFKC, no spaces or invisible characters, case ignored."""
    text = unicodedata.normalize("NFKC", str(text)).translate(_INVISIBLE)
    return "".join(text.split()).casefold()


def norm_header(text: str) -> str:
    """A header for matching: :func:`norm_value` without a trailing "(…)" or "[…]" note."""
    text = norm_value(text)
    m = _NOTE.match(text)
    return m.group(1) if m else text


@dataclass(frozen=True)
class Matrix:
    """A days-across-the-columns report: how its parts are recognised (regular expressions)."""

    title: tuple[str, ...] = ()  # any of these in the first rows marks the report (optional)
    period: str = r"(\d{4}\s*[-./]\s*\d{1,2}\s*[-./]\s*\d{1,2})\s*[~∼〜-]\s*(\d{4}\s*[-./]\s*\d{1,2}\s*[-./]\s*\d{1,2})"
    id_label: tuple[str, ...] = ("工号", "사번", "사원번호", "번호", "id", "no", "userid", "ac-no")
    name_label: tuple[str, ...] = ("姓名", "이름", "성명", "name")


@dataclass(frozen=True)
class Profile:
    name: str
    label: str
    punch: dict[str, Spec]
    daily: dict[str, Spec]
    direction_in: frozenset[str] = frozenset()
    direction_out: frozenset[str] = frozenset()
    direction_ignore: frozenset[str] | None = None  # None: the generic profile's
    summary_labels: tuple[str, ...] | None = None  # None: the generic profile's
    blank_values: frozenset[str] | None = None  # None: the generic profile's
    aliases: tuple[str, ...] = ()
    layout: str = "header"
    delimiter: str | None = None  # position layout of a text file: None = sniffed; " " = runs of spaces/tabs
    skip_rows: int = 0
    record: str | None = None  # fixed layout: the pattern of a record
    sheet: str | None = None  # a workbook's sheet to read (pattern); None = the first that fits
    day_first: bool | None = None  # 01/06/2026 as 1 June (None: from the column's values)
    detect: bool = True  # tried when no profile is named
    direction_patterns: dict[str, str] = field(default_factory=dict)  # in | out | ignore → regular expression
    unknown_direction: str = "pair"  # pair | error
    event_punch: str | None = None
    event_ignore: str | None = None
    id_pattern: str | None = None
    id_map: str | None = None
    name_fallback: bool = True
    matrix: Matrix | None = None
    source: Path | None = None  # the TOML file
    installed: bool = False  # from the installation's profile folder

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def shape_of(self) -> str:
        """The one shape of a positional, fixed or matrix profile."""
        return "punch" if self.punch or self.layout == "matrix" else "daily"

    def _find(self, spec: dict[str, Spec], headers: list[str]) -> dict[str, int]:
        normed: dict[str, int] = {}
        for j, h in enumerate(headers):
            key = norm_header(h)
            if key:
                normed.setdefault(key, j)
        found: dict[str, int] = {}
        taken: set[int] = set()
        for fld, aliases in spec.items():
            for alias in aliases:  # type: ignore[union-attr]  # a header profile's specs are alias tuples
                j = normed.get(norm_header(alias))
                if j is not None and j not in taken:
                    found[fld] = j
                    taken.add(j)
                    break
        return found

    def match(self, headers: list[str], by_name: bool = False) -> tuple[str, dict[str, int]] | None:
        """('daily' | 'punch', our field → the column index) when the headers fit, else None.

        A table fits with the worker's id and its times; ``by_name`` (tried when no profile fits so)
        lets the worker's name stand for a missing id column (matched to the roster with a warning,
        ``name_fallback``)."""
        if self.layout != "header":
            return None
        ident = {"worker_id", "name"} if by_name and self.name_fallback else {"worker_id"}
        if self.daily:
            found = self._find(self.daily, headers)
            if ident & found.keys() and {"date", "in", "out"} <= found.keys():
                return "daily", found
        if self.punch:
            found = self._find(self.punch, headers)
            if ident & found.keys() and ("timestamp" in found or {"date", "time"} <= found.keys()):
                if "timestamp" in found:  # a date column stays: it dates a time-only timestamp
                    found.pop("time", None)
                return "punch", found
        return None

    def positions(self) -> dict[str, Spec]:
        """The fields of a positional or fixed profile's one shape."""
        return self.punch if self.shape_of() == "punch" else self.daily

    def direction_of(self, text: str | None) -> str | None:
        """'in' | 'out' | 'ignore' for a direction cell, or None when no value or pattern explains it."""
        if text is None:
            return None
        key = norm_value(text)
        if key in self.direction_in:
            return "in"
        if key in self.direction_out:
            return "out"
        if self.direction_ignore and key in self.direction_ignore:
            return "ignore"
        for kind in ("ignore", "in", "out"):
            pattern = self.direction_patterns.get(kind)
            if pattern and re.search(pattern, text, re.IGNORECASE):
                return kind
        return None

    @property
    def has_direction_rules(self) -> bool:
        return bool(self.direction_in or self.direction_out or self.direction_patterns)
