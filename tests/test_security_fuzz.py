"""Bad input is a clear error, never a crash: random bytes and mutated real files into every importer
and every upload route. An importer returns or raises InputError (the CLI's exit 2); an upload
answers 200 or a 4xx page in Korean, and a refused upload stores nothing.

Each property runs a bounded number of examples (``settings(max_examples=…, deadline=None)``):
a few seconds each.
"""

from __future__ import annotations

import csv
import functools
import io
import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from payroll.case import InputError
from payroll.law import RuleError

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "small"
TEXT_SAMPLES = ("daily_utf8.csv", "daily_bom.csv", "punch_cp949.csv")
SHEET_SAMPLES = ("punch.xlsx", "daily.xls")
SMALL_FILES = ("roster.csv", "contracts.csv", "corrections.csv", "leave.csv", "overtime.csv", "ytd.csv", "wages.csv")
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
HANGUL = re.compile("[가-힣]")


# --- mutations of the bundled samples ---------------------------------------------------------


def _decode(raw: bytes) -> tuple[str, str]:
    for enc in ("utf-8-sig", "cp949"):
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1"), "latin-1"


def mutate_text(raw: bytes, rng: random.Random) -> bytes:
    """A real CSV with its cells swapped, cut, duplicated, blanked or garbled, or re-encoded."""
    text, enc = _decode(raw)
    rows = list(csv.reader(io.StringIO(text)))
    op = rng.choice(["swap", "cut", "duplicate", "blank", "garble", "reencode", "columns", "truncate"])
    body = rows[1:] or [[""]]
    r = rng.randrange(len(body))
    row = body[r]
    if op == "swap" and len(row) > 1:
        i, j = rng.sample(range(len(row)), 2)
        row[i], row[j] = row[j], row[i]
    elif op == "cut":
        body[r] = row[: rng.randrange(len(row) + 1)]
    elif op == "duplicate":
        body.insert(r, list(row))
    elif op == "blank" and row:
        row[rng.randrange(len(row))] = ""
    elif op == "garble" and row:
        row[rng.randrange(len(row))] = rng.choice(["1", "2", "99:99", "-", "=1+1", "24:00", "2026-02-30", "٣", "\x00", "9" * 30, "０９：００", "'", "\"", "오후 25시"])
    elif op == "columns":
        rows[0] = rows[0][::-1]
    out = io.StringIO()
    csv.writer(out, lineterminator=rng.choice(["\n", "\r\n"])).writerows([rows[0], *body])
    data = out.getvalue()
    if op == "truncate":
        return raw[: rng.randrange(len(raw) + 1)]
    if op == "reencode":
        return data.encode(rng.choice(["utf-8", "utf-8-sig", "cp949", "utf-16", "latin-1"]), errors="replace")
    return data.encode(enc if enc != "latin-1" else "utf-8", errors="replace")


def mutate_sheet(raw: bytes, rng: random.Random) -> bytes:
    """A real XLSX with cells swapped, blanked or garbled (re-saved), or any real workbook cut or bit-flipped."""
    op = rng.choice(["cells", "truncate", "flip"]) if raw.startswith(b"PK") else rng.choice(["truncate", "flip"])
    if op == "truncate":
        return raw[: rng.randrange(len(raw) + 1)]
    if op == "flip":
        data = bytearray(raw)
        for _ in range(rng.randrange(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(raw))
    ws = wb.active
    cells = [c for row in ws.iter_rows() for c in row]
    for _ in range(rng.randrange(1, 6)):
        a, b = rng.choice(cells), rng.choice(cells)
        choice = rng.choice(["swap", "blank", "garble"])
        if choice == "swap":
            a.value, b.value = b.value, a.value
        elif choice == "blank":
            a.value = None
        else:
            a.value = rng.choice(["1", "=1+1", "99:99", "x" * 300, 3.7, -1, "2026-13-01"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def mutated(names: tuple[str, ...]):
    return st.tuples(st.sampled_from(names), st.randoms(use_true_random=False)).map(
        lambda t: (t[0], (mutate_sheet if t[0].endswith((".xlsx", ".xls")) else mutate_text)((SAMPLES / t[0]).read_bytes(), t[1])))


def _only_input_errors(fn, *args):
    try:
        fn(*args)
    except (InputError, RuleError) as exc:
        assert str(exc).strip() and "Traceback" not in str(exc)


# --- the attendance readers (under the limits) ------------------------------------------------


@FUZZ
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".xlsx", ".xls", ".txt"]))
def test_random_bytes_into_the_attendance_reader(tmp_path_factory, data, suffix):
    from payroll.attendance.guarded import read_untrusted

    path = tmp_path_factory.mktemp("fuzz") / f"export{suffix}"
    path.write_bytes(data)
    _only_input_errors(read_untrusted, path)


@FUZZ
@given(sample=mutated(TEXT_SAMPLES + SHEET_SAMPLES))
def test_mutated_exports_into_the_attendance_check(tmp_path_factory, sample):
    """Every bundled export, mutated, through `payroll attendance check` with the bundled roster."""
    from payroll.attendance.checks import check_files
    from payroll.roster import load_roster

    name, data = sample
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_bytes(data)
    roster = load_roster(SAMPLES / "roster.csv", SAMPLES / "contracts.csv")
    _only_input_errors(check_files, [path], roster)


def test_a_truncated_time_is_an_error_not_midnight(tmp_path):
    """Before: a time cell `1` (or `2`) was read as 24:00 and the day paid to midnight."""
    from payroll.attendance.checks import check_files
    from payroll.roster import load_roster

    path = tmp_path / "daily.csv"
    path.write_text("worker_id,name,date,in,out\nP00003,x,2026-06-02,09:00,1\nP00003,x,2026-06-03,2,18:00\n", encoding="utf-8")
    result = check_files([path], load_roster(SAMPLES / "roster.csv", SAMPLES / "contracts.csv"))
    codes = result.exceptions.filter(result.exceptions["worker_id"] == "P00003").get_column("code").to_list()
    assert codes.count("malformed_time") == 2
    assert result.shifts.filter(result.shifts["worker_id"] == "P00003").height == 0


# --- the small HR files -------------------------------------------------------------------------


def _small_loaders(tmp: Path):
    from payroll.attendance.checks import load_corrections
    from payroll.record.opening import load_wages_csv
    from payroll.leave import inputs as leave_inputs
    from payroll.roster import load_roster
    from payroll.settlement import load_claims, load_ytd_csv
    from payroll.timesheet.inputs import load_approvals, load_leave

    roster = load_roster(SAMPLES / "roster.csv", SAMPLES / "contracts.csv")
    contracts = tmp / "contracts.csv"
    contracts.write_bytes((SAMPLES / "contracts.csv").read_bytes())
    roster_file = tmp / "roster.csv"
    roster_file.write_bytes((SAMPLES / "roster.csv").read_bytes())
    return {
        "roster.csv": lambda p: load_roster(p, contracts),
        "contracts.csv": lambda p: load_roster(roster_file, p),
        "corrections.csv": lambda p: load_corrections(p, roster),
        "leave.csv": lambda p: (load_leave(p, roster), leave_inputs.load_leave(p, roster)),
        "overtime.csv": lambda p: load_approvals(p, roster),
        "ytd.csv": load_ytd_csv,
        "wages.csv": load_wages_csv,
        "claims.json": load_claims,
        "leave_notices.csv": leave_inputs.load_register,
        "leave_opening.csv": lambda p: leave_inputs.load_opening(p, roster),
        "resignations.csv": _resignations,
        "employer.toml": _employer,
        "run.toml": _run_config,
    }


def _resignations(p: Path):
    from payroll.documents.resignation import read_register_file

    return read_register_file(p)


def _employer(p: Path):
    import types

    from payroll.runs.batch import employer_of

    return employer_of(types.SimpleNamespace(employer=p, root=p.parent))


def _run_config(p: Path):
    from payroll.runs.inputs import _config

    return _config(p)


@FUZZ
@given(which=st.sampled_from(["roster.csv", "contracts.csv", "corrections.csv", "leave.csv", "overtime.csv", "ytd.csv", "wages.csv",
                              "claims.json", "leave_notices.csv", "leave_opening.csv", "resignations.csv", "employer.toml", "run.toml"]),
       data=st.one_of(st.binary(max_size=600), st.text(max_size=300).map(lambda t: t.encode("utf-8"))))
@example(which="roster.csv", data=b"\r\x00")  # a lone CR then NUL: csv.Error escaped the roster reader
@example(which="contracts.csv", data=b'worker_id\r\n"a\x00')
def test_random_bytes_into_every_small_importer(tmp_path_factory, which, data):
    tmp = tmp_path_factory.mktemp("small")
    path = tmp / f"in-{which}"
    path.write_bytes(data)
    _only_input_errors(_small_loaders(tmp)[which], path)


@FUZZ
@given(sample=mutated(SMALL_FILES))
def test_mutated_small_files_into_their_importers(tmp_path_factory, sample):
    name, data = sample
    tmp = tmp_path_factory.mktemp("small")
    path = tmp / f"in-{name}"
    path.write_bytes(data)
    _only_input_errors(_small_loaders(tmp)[name], path)


@functools.lru_cache(maxsize=2)
def _record_workbook(kind: str) -> bytes:
    """The record's import format as XLSX (Korean headers), from the bundled roster or contracts."""
    import csv

    from openpyxl import Workbook

    from payroll.record import files

    words = files.ROSTER_HEADERS if kind == "roster" else files.CONTRACT_HEADERS
    korean = {v: k for k, v in words.items()}
    rows = list(csv.reader(io.StringIO((SAMPLES / f"{kind}.csv").read_text(encoding="utf-8"))))
    keep = [i for i, h in enumerate(rows[0]) if h in korean]
    wb = Workbook()
    for k, row in enumerate(rows[:40]):
        wb.active.append([korean[row[i]] if k == 0 else row[i] for i in keep])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(kind=st.sampled_from(["roster", "contracts"]), suffix=st.sampled_from([".csv", ".xlsx"]), seed=st.randoms(use_true_random=False),
       raw=st.booleans())
def test_the_records_import_files_random_and_mutated(tmp_path_factory, kind, suffix, seed, raw):
    """`payroll import roster|contracts` and the console's 기록 가져오기 read these: an input error, never a crash."""
    from payroll.record import files

    base = (SAMPLES / f"{kind}.csv").read_bytes() if suffix == ".csv" else _record_workbook(kind)
    data = bytes(seed.randrange(256) for _ in range(seed.randrange(600))) if raw else (mutate_sheet if suffix == ".xlsx" else mutate_text)(base, seed)
    path = tmp_path_factory.mktemp("record") / f"in{suffix}"
    path.write_bytes(data)
    _only_input_errors(files.read_roster_file if kind == "roster" else files.read_contracts_file, path)


# --- the upload routes -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    from test_web_fixtures import PASSWORDS, FrozenClock, add_users, csrf_from, login, make_client, make_store, upload_file

    tmp = tmp_path_factory.mktemp("upload")
    clock = FrozenClock()
    store = make_store(tmp)
    add_users(store, clock)
    client = make_client(store, clock, tmp)
    client.__enter__()
    assert login(client, "clerk", PASSWORDS["clerk"]).status_code == 303
    client.csrf = csrf_from(client.get("/months").text)
    for kind, name in (("roster", "roster.csv"), ("contracts", "contracts.csv")):
        r = upload_file(client, "2026-06", kind, name, (SAMPLES / name).read_bytes(), client.csrf)
        assert 'data-ok="yes"' in r.text, r.text
    yield store, client, tmp / "data" / "inputs"
    client.__exit__(None, None, None)
    store.dispose()


KIND_OF = {"roster.csv": "roster", "contracts.csv": "contracts", "corrections.csv": "corrections", "leave.csv": "leave", "overtime.csv": "overtime",
           "ytd.csv": "ytd", "wages.csv": "wages", **{n: "attendance" for n in TEXT_SAMPLES + SHEET_SAMPLES}}


def _stored(store, inputs: Path) -> tuple[int, int, list[str]]:
    from sqlmodel import select

    from payroll.store.models import InputBlob
    from payroll.web.models import ConsoleUpload

    with store.session() as s:
        return (len(s.exec(select(InputBlob)).all()), len(s.exec(select(ConsoleUpload)).all()),
                sorted(str(p.relative_to(inputs)) for p in inputs.rglob("*") if p.is_file()))


def _upload(console, kind: str, name: str, data: bytes) -> None:
    store, client, inputs = console
    before = _stored(store, inputs)
    from test_web_fixtures import upload_file

    r = upload_file(client, "2026-06", kind, name, data, client.csrf)  # an import job: its page once it has ended
    assert r.status_code in (200, 400, 413), (r.status_code, r.text[-500:])
    assert "Traceback" not in r.text and "내부 오류" not in r.text and 'data-state="failed"' not in r.text
    if r.status_code != 200:
        message = re.search(r'class="msg error"[^>]*>(.*?)</div>', r.text, re.S)
        assert message and HANGUL.search(message.group(1) + r.text), r.text[-500:]
        assert _stored(store, inputs) == before  # nothing stored from a refused file
    elif 'data-ok="no"' in r.text:
        refused = re.search(r'<tr data-ok="no"><td>.*?</td><td>거부</td>.*?<td>([^<]+)</td></tr>', r.text, re.S)
        assert refused, r.text[-500:]  # refused, with the importer's message
        assert _stored(store, inputs) == before  # nothing stored from a refused file


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(kind=st.sampled_from(["attendance", "corrections", "leave", "overtime", "ytd", "wages", "claims", "notices", "leave_opening", "employer"]),
       data=st.binary(min_size=1, max_size=1500))
def test_random_bytes_into_every_upload_route(console, kind, data):
    from payroll.web.inputs import KINDS

    _upload(console, kind, f"x{KINDS[kind].suffixes[0]}", data)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(sample=mutated(TEXT_SAMPLES + SHEET_SAMPLES + ("corrections.csv", "leave.csv", "overtime.csv", "ytd.csv", "wages.csv")))
def test_mutated_files_into_the_upload_routes(console, sample):
    name, data = sample
    if data:
        _upload(console, KIND_OF[name], name, data)
