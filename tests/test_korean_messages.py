"""Everything a clerk reads from the command line is Korean (issue 17): the error lines of bad input, click's
own words (a bad option, a bad choice), every --help text; and a static check that no input or rule error
written in payroll/ is English prose. Worker ids, codes, file paths and option names stay as they are."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from payroll.cli import cli

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "samples" / "small"
HANGUL = re.compile("[가-힣]")

# English words that only prose uses: a message holding one of them (outside quotes, backticks,
# placeholders, option names and identifiers) speaks English to the clerk
PROSE = frozenset("""the is are was were not must cannot no of for with without and to from has have already required
expected got give needs need empty missing unknown duplicate twice before after outside only such exists does an be
should could would while""".split())

# messages that are not for a clerk: a programming error (the CLI shows it as 내부 오류), never bad input
NOT_FOR_A_CLERK = {
    ("payroll/trace.py", "trace entries of"): "a step written twice: a bug in a step, not input",
    ("payroll/settlement/engine.py", "unknown settlement path"): "a caller's argument, checked by click first",
    ("payroll/settlement/engine.py", "claims of"): "claims paired with the wrong worker by the caller: a bug",
    ("payroll/web/auth.py", "unknown roles"): "a route declared with a misspelt role: a bug at import",
    ("payroll/filings/fixed.py", "records of different lengths"): "the bundled layout file is inconsistent: a bug",
    ("payroll/filings/fixed.py", "fields not in layout"): "the encoder was given a field its layout lacks: a bug",
    ("payroll/filings/fixed.py", "no record kind"): "the encoder was asked for a record kind its layout lacks: a bug",
    ("payroll/documents/fonts.py", "unknown font weight"): "a document asked for a weight the font table lacks: a bug",
    ("payroll/documents/register.py", "pay items need"): "the register was handed frames without their key: a bug",
}

ERRORS = {"InputError", "RuleError", "NotApplicable", "ValueError"}


def _message_text(node: ast.AST) -> str:
    """The literal text of a message; every placeholder and non-literal part becomes ``{}``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp):
        return _message_text(node.left) + _message_text(node.right)
    if isinstance(node, ast.IfExp):
        return _message_text(node.body) + " " + _message_text(node.orelse)
    return "{}"


def prose_words(text: str) -> list[str]:
    """The English prose words of a message: codes, option names, identifiers, quoted values and
    commands (in backticks or after ``payroll``) are not prose."""
    t = re.sub(r"`[^`]*`|'[^']*'|\"[^\"]*\"", " ", text)
    t = re.sub(r"\bpayroll(\s+[a-z][a-z-]*|\s+[A-Z_]+|\s+--?[a-z-]+)*", " ", t)
    t = re.sub(r"--?[A-Za-z][\w-]*", " ", t)
    t = re.sub(r"\S*[_./\\<>=\[\]$0-9]\S*", " ", t)
    return [w for w in re.findall(r"[A-Za-z]+", t) if w.lower() in PROSE]


def _messages():
    for path in sorted((ROOT / "payroll").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args:
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
                if name in ERRORS:
                    text = _message_text(node.args[0])
                    if re.search("[A-Za-z]", re.sub(r"\{\}|--?[A-Za-z][\w-]*", "", text)):  # not a bare "--option {}: {}"
                        yield rel, node.lineno, name, text


def test_the_prose_detector_tells_english_from_codes():
    assert prose_words("{}: row {}: worker_id: empty") == ["empty"]
    assert prose_words("{}: {}행: worker_id: 비어 있습니다") == []
    assert prose_words("{}: 알 수 없는 키 {} (쓸 수 있는 키: in, out, ignore)") == []
    assert prose_words("--roster and --contracts go together") == ["and"]
    assert prose_words("기록에 근로자가 없습니다: payroll import roster FILE") == []


def test_every_input_and_rule_error_in_payroll_is_korean():
    """A message a clerk can read carries Hangul and no English prose (the allow-list holds the bugs'
    messages only, each with its reason)."""
    english, used = [], set()
    for rel, line, name, text in _messages():
        key = next((k for k in NOT_FOR_A_CLERK if k[0] == rel and k[1] in text), None)
        if key is not None:
            used.add(key)
            continue
        if name == "ValueError" and not HANGUL.search(text) and not prose_words(text):
            continue  # a ValueError caught and re-said by its caller (e.g. int("x") passed on)
        if not HANGUL.search(text) or prose_words(text):
            english.append(f"{rel}:{line}: {text[:120]}")
    assert not english, "English messages:\n" + "\n".join(english)
    assert used == set(NOT_FOR_A_CLERK), f"allow-list entries that match nothing: {set(NOT_FOR_A_CLERK) - used}"


def test_no_status_line_the_commands_echo_is_english():
    """The lines `click.echo` prints (status, success, refusal) carry no English prose."""
    english = []
    for path in sorted((ROOT / "payroll").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args and getattr(node.func, "attr", None) in ("echo", "secho", "confirm"):
                words = prose_words(_message_text(node.args[0]))
                if words:
                    english.append(f"{path.relative_to(ROOT)}:{node.lineno}: {words}")
    assert not english, "\n".join(english)


def _all_commands():
    ctx = click.Context(cli)
    stack = [((name,), cli.get_command(ctx, name)) for name in cli.list_commands(ctx)]
    while stack:
        path, command = stack.pop()
        yield path, command
        if isinstance(command, click.Group):
            stack += [((*path, name), command.get_command(ctx, name)) for name in command.list_commands(ctx)]


def test_every_help_text_is_korean():
    """`payroll … --help` describes each command and option in Korean."""
    english = []
    for path, command in _all_commands():
        texts = [("(command)", command.help or "")] + [(p.name, getattr(p, "help", None) or "") for p in command.params
                                                        if isinstance(p, click.Option) and p.name not in ("help", "version")]
        for what, text in texts:
            first = text.split("\n\n")[0]
            if what == "(command)" and not first:
                english.append(f"payroll {' '.join(path)}: no description")
            elif isinstance(command.params, list) and what != "(command)" and not first:
                english.append(f"payroll {' '.join(path)} --{what}: no help")
            elif first and (not HANGUL.search(first) or prose_words(first)):
                english.append(f"payroll {' '.join(path)} {what}: {first[:80]}")
    assert not english, "\n".join(english)


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("roster.csv", "contracts.csv", "daily_utf8.csv"):
        shutil.copy(SMALL / name, tmp_path / name)
    return tmp_path


def _refused(args: list[str], code: int = 2) -> str:
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == code, res.output
    assert "Traceback" not in res.output
    text = res.stderr.strip()
    assert text, res.output
    for line in filter(None, text.splitlines()):
        assert HANGUL.search(line) and not prose_words(line), f"not Korean: {line!r}"
    return text


def test_a_bad_roster_row_is_named_in_korean(folder):
    rows = (folder / "roster.csv").read_text(encoding="utf-8").splitlines()
    cells = rows[2].split(",")
    cells[7] = "two"  # family
    rows[2] = ",".join(cells)
    (folder / "roster.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    text = _refused(["attendance", "check", "daily_utf8.csv", "--roster", "roster.csv", "--contracts", "contracts.csv"])
    assert text.startswith("오류: roster.csv: 3행: family: ") and "정수가 아닙니다" in text


def test_a_bad_contract_period_is_named_in_korean(folder):
    rows = (folder / "contracts.csv").read_text(encoding="utf-8").splitlines()
    cells = rows[1].split(",")
    cells[3] = "2020-01-01"  # end before start
    rows[1] = ",".join(cells)
    (folder / "contracts.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    text = _refused(["attendance", "check", "daily_utf8.csv", "--roster", "roster.csv", "--contracts", "contracts.csv"])
    assert "contracts.csv: 2행: " in text and "시작일" in text


def test_a_bad_attendance_time_is_reported_in_korean_with_its_line(folder):
    rows = (folder / "daily_utf8.csv").read_text(encoding="utf-8").splitlines()
    rows[3] = rows[3].replace("08:40", "31:99")
    (folder / "daily_utf8.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["attendance", "check", "daily_utf8.csv", "--roster", "roster.csv", "--contracts", "contracts.csv", "--limit", "50"])
    assert res.exit_code == 1, res.output
    line = next(ln for ln in res.stdout.splitlines() if "daily_utf8.csv:4 " in ln)
    assert "31:99" in line and "일자·시각 형식 오류" in line


def test_an_unknown_option_value_is_refused_in_korean():
    text = _refused(["tax", "--wage", "2000000", "--family", "1", "--ratio", "90"])
    assert "--ratio" in text and "'90'" in text and "다음 중 하나가 아닙니다" in text
    text = _refused(["tax", "--wage", "2000000", "--famly", "1"])
    assert "--famly" in text and "알 수 없는 옵션" in text and "--family" in text
    text = _refused(["tax", "--wage", "lots", "--family", "1"])
    assert "--wage" in text and "'lots'" in text
    text = _refused(["nonsense"])
    assert "'nonsense'" in text and "알 수 없는 명령" in text


def test_a_bad_date_names_its_option_in_korean():
    text = _refused(["tax", "--wage", "2000000", "--family", "1", "--date", "2026-13-01"])
    assert text == "오류: --date: 날짜(YYYY-MM-DD)가 아닙니다: '2026-13-01'"


def test_a_bad_welfare_file_names_file_row_and_field_in_korean(folder):
    (folder / "apps.csv").write_text("worker_id,treatment_date,cost,evidence,submitted_at\n"
                                     "P00001,2026-03-02,1500000,R-1,2026-03-03T09:00\n"
                                     "P00001,2026-04-02,천오백,R-2,2026-04-03T09:00\n", encoding="utf-8")
    text = _refused(["welfare", "fertility", "decide", "--roster", "roster.csv", "--contracts", "contracts.csv", "--applications", "apps.csv"])
    assert text == "오류: apps.csv: 3행: cost: 원 단위 정수가 아닙니다: '천오백'"


def test_a_bad_leave_file_names_file_row_and_field_in_korean(folder):
    (folder / "leave.csv").write_text("worker_id,date,kind,minutes\nP00001,2026-06-15,휴양,\n", encoding="utf-8")
    text = _refused(["leave", "ledger", "P00001", "--data-dir", str(folder), "--as-of", "2026-06-30"])
    assert text.startswith("오류: ") and "leave.csv: 2행: kind: " in text and "'휴양'" in text


def test_a_missing_argument_is_said_in_korean():
    text = _refused(["run"])
    assert "빠진 인자: 'MONTH'" in text
