"""Where profiles come from: the bundled ones (``rules/attendance/*.toml``) and the installation's own
folder beside the database (``profiles/`` in the installation folder of :mod:`payroll.installation`,
``X/name-installation/profiles/`` beside ``X/name.db``; ``$PAYROLL_PROFILES`` names another), searched first — a clerk adds a device by saving a TOML file there (``payroll attendance
detect FILE`` proposes one), never by replacing the rules folder.

``--profile`` takes a profile name (or one of its ``aliases``) or the path of a TOML file.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from payroll.attendance.profiles import DAILY_FIELDS, LAYOUTS, PUNCH_FIELDS, Matrix, Profile, Spec, norm_value
from payroll.case import InputError
from payroll.law import RuleError, default_rules_dir

PROFILES_ENV = "PAYROLL_PROFILES"
PROFILE_FOLDER = "profiles"
DELIMITER_NAMES = {",": ",", "comma": ",", ";": ";", "semicolon": ";", "|": "|", "bar": "|", "tab": "\t", "\t": "\t", "space": " ", "whitespace": " ", " ": " "}
_TOP_KEYS = {"name", "label", "aliases", "layout", "summary_labels", "blank_values", "punch", "daily", "ids", "matrix"}
_LAYOUT_KEYS = {"kind", "delimiter", "skip_rows", "record", "sheet", "day_first", "detect"}


def installation_dir(db: str | None = None) -> Path:
    """The installation's profile folder: ``$PAYROLL_PROFILES``, else ``profiles/`` in the installation
    folder of the database (``db``; else the one a command opened, ``$PAYROLL_HOME`` or beside
    ``$PAYROLL_DB``); a database server without ``$PAYROLL_HOME`` has none: ``./profiles``."""
    if os.environ.get(PROFILES_ENV):
        return Path(os.environ[PROFILES_ENV])
    from payroll import installation

    if db is not None:
        folder = Path(os.environ[installation.HOME_ENV]) if os.environ.get(installation.HOME_ENV) else installation.folder_for_database(db)
    else:
        folder = installation.directory()
    return folder / PROFILE_FOLDER if folder is not None else Path(PROFILE_FOLDER)


def _strings(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RuleError(f"{where}: 비어 있지 않은 문자열의 목록이어야 합니다")
    return tuple(value)


def _pattern(value: object, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise RuleError(f"{where}: 정규식(문자열)이어야 합니다")
    try:
        re.compile(value)
    except re.error as exc:
        raise RuleError(f"{where}: 올바른 정규식이 아닙니다: {exc}") from None
    return value


def _spec(value: object, layout: str, where: str) -> Spec:
    if layout == "header":
        return _strings(value, where)
    if layout == "position":
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise RuleError(f"{where}: 위치(position) 모양에서는 열 번호가 필요합니다 (1 = 첫 열)")
        return value - 1
    if layout == "fixed":
        if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) and not isinstance(v, bool) for v in value) and 1 <= value[0] <= value[1]):
            raise RuleError(f"{where}: 고정 폭(fixed) 모양에서는 [처음, 끝] 글자 위치가 필요합니다 (1부터 셈)")
        return (value[0] - 1, value[1])
    raise RuleError(f"{where}: {layout} 모양에는 필드 열이 없습니다")


def _fields(raw: dict, fields: tuple[str, ...], layout: str, where: str) -> dict[str, Spec]:
    out: dict[str, Spec] = {}
    for key, value in raw.items():
        if key in ("direction_values", "direction_patterns", "events", "unknown_direction"):
            continue
        if key not in fields:
            raise RuleError(f"{where}: 알 수 없는 필드 {key!r} (쓸 수 있는 필드: {', '.join(fields)})")
        out[key] = _spec(value, layout, f"{where}.{key}")
    return out


def load_profile(path: Path, installed: bool = False) -> Profile:
    """One profile from its TOML file; a mistake is a :class:`RuleError` naming the file and key."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            doc = tomllib.load(fh)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RuleError(f"{path}: 근태 프로필을 읽을 수 없습니다: {exc}") from None
    where = path.name
    unknown = set(doc) - _TOP_KEYS
    if unknown:
        raise RuleError(f"{where}: 알 수 없는 키 {sorted(unknown)[0]!r} (쓸 수 있는 키: {', '.join(sorted(_TOP_KEYS))})")
    lay = doc.get("layout", {})
    if isinstance(lay, str):
        lay = {"kind": lay}
    if set(lay) - _LAYOUT_KEYS:
        raise RuleError(f"{where}:layout: 알 수 없는 키 {sorted(set(lay) - _LAYOUT_KEYS)[0]!r} (쓸 수 있는 키: {', '.join(sorted(_LAYOUT_KEYS))})")
    layout = lay.get("kind", "header")
    if layout not in LAYOUTS:
        raise RuleError(f"{where}:layout.kind: {layout!r}은(는) 다음 중 하나가 아닙니다: {', '.join(LAYOUTS)}")
    name = str(doc.get("name") or path.stem)
    punch_raw, daily_raw = doc.get("punch", {}), doc.get("daily", {})
    punch = _fields(punch_raw, PUNCH_FIELDS, layout if layout != "matrix" else "header", f"{where}:punch") if layout != "matrix" else {}
    daily = _fields(daily_raw, DAILY_FIELDS, layout, f"{where}:daily") if layout != "matrix" else {}
    if layout in ("header",) and not punch and not daily:
        raise RuleError(f"{where}: 프로필에는 [punch]나 [daily] 표가 필요합니다")
    if layout in ("position", "fixed"):
        if bool(punch) == bool(daily):
            raise RuleError(f"{where}: {layout} 모양은 한 가지만 적습니다: [punch]나 [daily] 표 중 하나")
        fields = punch or daily
        if "worker_id" not in fields and "name" not in fields:
            raise RuleError(f"{where}: worker_id(또는 name) 열이 필요합니다")
        need = ("timestamp",) if "timestamp" in fields else ("date", "time") if punch else ("date", "in", "out")
        missing = [f for f in need if f not in fields]
        if missing:
            raise RuleError(f"{where}: 없는 열: {', '.join(missing)}")
    dv = punch_raw.get("direction_values", {})
    dp = punch_raw.get("direction_patterns", {})
    ev = punch_raw.get("events", {})
    for key, table in (("direction_values", dv), ("direction_patterns", dp)):
        bad = set(table) - {"in", "out", "ignore"}
        if bad:
            raise RuleError(f"{where}:punch.{key}: 알 수 없는 키 {sorted(bad)[0]!r} (쓸 수 있는 키: in, out, ignore)")
    if set(ev) - {"punch", "ignore"}:
        raise RuleError(f"{where}:punch.events: 알 수 없는 키 {sorted(set(ev) - {'punch', 'ignore'})[0]!r} (쓸 수 있는 키: punch, ignore)")
    if ev and "event" not in punch and layout != "matrix":
        raise RuleError(f"{where}:punch.events: 이벤트 열(event)이 필요합니다")
    unknown_direction = punch_raw.get("unknown_direction", "pair")
    if unknown_direction not in ("pair", "error"):
        raise RuleError(f"{where}:punch.unknown_direction: 'pair'나 'error'여야 합니다")
    ids = doc.get("ids", {})
    if set(ids) - {"pattern", "map", "name_fallback"}:
        raise RuleError(f"{where}:ids: 알 수 없는 키 {sorted(set(ids) - {'pattern', 'map', 'name_fallback'})[0]!r} (쓸 수 있는 키: pattern, map, name_fallback)")
    id_pattern = _pattern(ids["pattern"], f"{where}:ids.pattern") if "pattern" in ids else None
    if id_pattern and "id" not in re.compile(id_pattern).groupindex:
        raise RuleError(f"{where}:ids.pattern: 이름이 id인 그룹이 필요합니다: (?P<id>…)")
    summary = doc.get("summary_labels")
    blanks = doc.get("blank_values")
    delimiter = lay.get("delimiter")
    if delimiter is not None and delimiter not in DELIMITER_NAMES:
        raise RuleError(f"{where}:layout.delimiter: {delimiter!r}은(는) 다음 중 하나가 아닙니다: , ; | tab space")
    record = _pattern(lay["record"], f"{where}:layout.record") if "record" in lay else None
    matrix = None
    if layout == "matrix":
        m = doc.get("matrix", {})
        defaults = Matrix()
        matrix = Matrix(
            title=tuple(_pattern(t, f"{where}:matrix.title") for t in _strings(m["title"], f"{where}:matrix.title")) if "title" in m else (),
            period=_pattern(m["period"], f"{where}:matrix.period") if "period" in m else defaults.period,
            id_label=_strings(m["id_label"], f"{where}:matrix.id_label") if "id_label" in m else defaults.id_label,
            name_label=_strings(m["name_label"], f"{where}:matrix.name_label") if "name_label" in m else defaults.name_label,
        )
    return Profile(
        name=name,
        label=str(doc.get("label", name)),
        aliases=_strings(doc["aliases"], f"{where}:aliases") if "aliases" in doc else (),
        punch=punch,
        daily=daily,
        layout=layout,
        delimiter=DELIMITER_NAMES[delimiter] if delimiter is not None else None,
        skip_rows=int(lay.get("skip_rows", 0)),
        record=record,
        sheet=_pattern(lay["sheet"], f"{where}:layout.sheet") if "sheet" in lay else None,
        day_first=lay.get("day_first"),
        detect=bool(lay.get("detect", True)),
        direction_in=frozenset(norm_value(v) for v in _strings(dv.get("in", []), f"{where}:punch.direction_values.in")) if dv.get("in") else frozenset(),
        direction_out=frozenset(norm_value(v) for v in _strings(dv.get("out", []), f"{where}:punch.direction_values.out")) if dv.get("out") else frozenset(),
        direction_ignore=frozenset(norm_value(v) for v in _strings(dv["ignore"], f"{where}:punch.direction_values.ignore")) if "ignore" in dv else None,
        direction_patterns={k: _pattern(v, f"{where}:punch.direction_patterns.{k}") for k, v in dp.items()},
        unknown_direction=unknown_direction,
        event_punch=_pattern(ev["punch"], f"{where}:punch.events.punch") if "punch" in ev else None,
        event_ignore=_pattern(ev["ignore"], f"{where}:punch.events.ignore") if "ignore" in ev else None,
        id_pattern=id_pattern,
        id_map=str(ids["map"]) if "map" in ids else None,
        name_fallback=bool(ids.get("name_fallback", True)),
        summary_labels=tuple(norm_value(v) for v in _strings(summary, f"{where}:summary_labels")) if summary is not None else None,
        blank_values=frozenset(norm_value(v) for v in _strings(blanks, f"{where}:blank_values")) if blanks is not None else None,
        matrix=matrix,
        source=path,
        installed=installed,
    )


def _with_generic_defaults(profiles: list[Profile], generic: Profile | None) -> list[Profile]:
    if generic is None:
        return profiles
    return [
        replace(p, summary_labels=p.summary_labels if p.summary_labels is not None else generic.summary_labels,
                blank_values=p.blank_values if p.blank_values is not None else generic.blank_values,
                direction_ignore=p.direction_ignore if p.direction_ignore is not None else generic.direction_ignore)
        for p in profiles
    ]


def _folder_key(folder: Path) -> tuple:
    """A folder's TOML files with their sizes and times: a profile saved while the console runs is seen."""
    if not folder.is_dir():
        return ()
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob("*.toml")))


@dataclass(frozen=True)
class Catalog:
    """The profiles to choose from: the installation's first (a name there wins), then the bundled ones."""

    profiles: tuple[Profile, ...]
    install_dir: Path | None

    def get(self, wanted: str) -> Profile:
        """A profile by name or alias, or from a TOML file path."""
        if wanted.endswith(".toml") or os.sep in wanted or "/" in wanted:
            path = Path(wanted)
            if not path.is_file():
                raise InputError(f"--profile: 프로필 파일 {path}이(가) 없습니다")
            return self.load(path)
        for p in self.profiles:
            if wanted in p.names:
                return p
        known = ", ".join(dict.fromkeys(p.name for p in self.profiles))
        raise InputError(f"--profile: 알 수 없는 근태 프로필 {wanted!r} (있는 프로필: {known}; 또는 TOML 파일 경로)")

    def load(self, path: Path) -> Profile:
        """A profile file outside the folders (a path given to --profile, a proposal), with the generic defaults."""
        generic = next((p for p in self.profiles if p.name == "generic"), None)
        return _with_generic_defaults([load_profile(path, installed=True)], generic)[0]

    def candidates(self, wanted: str | Profile | None = None) -> list[Profile]:
        if isinstance(wanted, Profile):
            return [wanted]
        if wanted:
            return [self.get(wanted)]
        return [p for p in self.profiles if p.detect]

    def map_path(self, profile: Profile) -> Path:
        """Where the profile's device-user table is: the installation folder, else beside the profile file."""
        assert profile.id_map is not None
        places = ([self.install_dir] if self.install_dir else []) + ([profile.source.parent] if profile.source else [])
        for folder in places:
            if (folder / profile.id_map).is_file():
                return folder / profile.id_map
        looked = ", ".join(str(f) for f in places) or "(찾을 곳 없음)"
        raise InputError(f"프로필 {profile.name!r}: 기기 사용자 표 {profile.id_map!r}이(가) {looked}에 없습니다 "
                         "(설치 폴더의 프로필 폴더에 device_user,worker_id CSV를 두세요)")


@lru_cache(maxsize=8)
def _catalog(bundled: str, install: str | None, _bundled_key: tuple, _install_key: tuple) -> Catalog:
    own = [load_profile(p, installed=True) for p in sorted(Path(install).glob("*.toml"))] if install else []
    shipped = [load_profile(p) for p in sorted(Path(bundled).glob("*.toml"))]
    for group, where in ((own, install), (shipped, bundled)):
        names = [n for p in group for n in p.names]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise RuleError(f"{where}: 근태 프로필 이름이 두 번 정의됨: {', '.join(dupes)}")
    generic = next((p for p in own + shipped if p.name == "generic"), None)
    # the installation's first, then the vendors', the generic profile last (a vendor's that fits is more specific)
    ordered = _with_generic_defaults(own, generic) + sorted(_with_generic_defaults(shipped, generic), key=lambda p: (p.name == "generic", p.name))
    return Catalog(tuple(ordered), Path(install) if install else None)


def catalog(install_dir: Path | None = None, rules_dir: Path | None = None) -> Catalog:
    """The bundled profiles and those of ``install_dir`` (default :func:`installation_dir`)."""
    bundled = (Path(rules_dir or default_rules_dir()) / "attendance").resolve()
    install = Path(install_dir) if install_dir is not None else installation_dir()
    install_key = _folder_key(install)
    return _catalog(str(bundled), str(install.resolve()) if install_key else None, _folder_key(bundled), install_key)
