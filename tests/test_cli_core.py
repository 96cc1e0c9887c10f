"""The public command-line contract of the core: `payroll tax`, `payroll calc`, `payroll rules`."""

import json
import os
import subprocess
import sys

import pytest

from tests.helpers import case_dict

PAYROLL = [sys.executable, "-m", "payroll"]


def run(*args, stdin=None):
    return subprocess.run([*PAYROLL, *args], capture_output=True, text=True, input=stdin, env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def test_tax_json():
    p = run("tax", "--wage", "3000000", "--family", "2", "--date", "2026-04-10", "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout) == {"income_tax": 56_850, "local_income_tax": 5_680}


def test_tax_children_and_ratio():
    p = run("tax", "--wage", "5000000", "--family", "3", "--children", "1", "--ratio", "120", "--date", "2026-04-10", "--json")
    assert json.loads(p.stdout) == {"income_tax": 260_420, "local_income_tax": 26_040}


def test_tax_daily_json():
    p = run("tax", "--daily-wage", "200000", "--days", "1", "--json")
    assert json.loads(p.stdout) == {"income_tax": 1_350, "local_income_tax": 130}


def test_tax_human_output():
    p = run("tax", "--wage", "3000000", "--family", "2", "--date", "2026-04-10")
    assert p.returncode == 0 and "56,850" in p.stdout


@pytest.mark.parametrize(
    "args,needle",
    [
        (["tax", "--wage", "3000000", "--family", "0"], "--family"),
        (["tax", "--wage", "-1", "--family", "1"], "--wage"),
        (["tax", "--wage", "3000000", "--family", "1", "--date", "2026-02-30"], "--date"),
        (["tax", "--wage", "abc", "--family", "1"], "--wage"),
        (["tax", "--wage", "3000000", "--family", "2", "--ratio", "90"], "--ratio"),
        (["tax", "--wage", "3000000", "--family", "1", "--date", "2024-12-31"], "2024-12-31"),
        (["tax", "--daily-wage", "200000"], "--days"),
    ],
)
def test_tax_bad_input(args, needle):
    p = run(*args)
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert needle in p.stderr and "Traceback" not in p.stderr


def write_case(tmp_path, data):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_calc_json_shape(tmp_path):
    p = run("calc", write_case(tmp_path, case_dict(pay=3_000_000)), "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert {"gross_pay", "taxable_pay", "non_taxable_pay", "deductions", "employer", "net_pay", "trace"} <= out.keys()
    assert set(out["deductions"]) == {"national_pension", "health_insurance", "long_term_care", "employment_insurance", "income_tax", "local_income_tax", "total"}
    assert set(out["employer"]) == {"national_pension", "health_insurance", "long_term_care", "employment_insurance", "industrial_accident", "total"}
    assert out["deductions"]["total"] == sum(v for k, v in out["deductions"].items() if k != "total")
    assert out["net_pay"] == out["gross_pay"] - out["deductions"]["total"]
    for entry in out["trace"]:
        assert set(entry) == {"step", "value", "reference", "note"}
    income = next(t for t in out["trace"] if t["step"] == "income_tax.income_tax")
    assert income["value"] == out["deductions"]["income_tax"] and "별표2" in income["reference"]


def test_calc_table(tmp_path):
    p = run("calc", write_case(tmp_path, case_dict(pay=3_000_000)))
    assert p.returncode == 0 and "실지급액" in p.stdout and "3,000,000" in p.stdout


def mutate(path, value):
    data = case_dict(pay=3_000_000)
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    "data,needle",
    [
        (mutate(["worker", "nickname"], "x"), "worker.nickname: 알 수 없는 필드입니다"),
        (mutate(["worker", "family"], "2"), "worker.family"),
        (mutate(["worker", "family"], 0), "worker.family"),
        (mutate(["worker", "monthly_hours"], "many"), "worker.monthly_hours"),
        (mutate(["pay_date"], "2026-02-30"), "pay_date"),
        (mutate(["month"], "2026-13"), "month"),
        (mutate(["worker", "birth_date"], KeyError), "worker.birth_date"),
        (mutate(["worker", "income_type"], "weekly"), "worker.income_type"),
        (mutate(["worker", "withholding_ratio"], 90), "worker.withholding_ratio"),
        (mutate(["pay_items"], [{"code": "base_pay", "amount": -5}]), "pay_items[0].amount"),
        (mutate(["pay_items"], [{"code": "base_pay", "amount": 1.5}]), "pay_items[0].amount"),
        (mutate(["pay_items"], [{"code": "bribe", "amount": 5}]), "pay_items[0].code: 알 수 없는 지급 코드"),
        (mutate(["worker", "children_8_20"], 3), "children_8_20"),
    ],
)
def test_calc_bad_input_is_one_line_exit_2(tmp_path, data, needle):
    p = run("calc", write_case(tmp_path, data), "--json")
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert needle in p.stderr, p.stderr
    assert len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr


def test_calc_not_json_and_missing_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    p = run("calc", str(bad))
    assert p.returncode == 2 and "올바른 JSON이 아닙니다" in p.stderr
    p = run("calc", str(tmp_path / "absent.json"))
    assert p.returncode == 2 and "absent.json" in p.stderr


def test_rules_lists_parameters_with_references():
    p = run("rules", "--date", "2026-07-01", "--json")
    assert p.returncode == 0
    out = json.loads(p.stdout)
    by_name = {r["name"]: r for r in out["parameters"]}
    assert by_name["national_pension.base_cap"]["value"] == "6,590,000"
    assert "국민연금법 시행령" in by_name["national_pension.base_cap"]["reference"]
    assert by_name["income_tax.child_deduction_one"]["value"] == "20,830"
    assert any(s["name"] == "long_term_care.method" for s in out["switches"])
    p = run("rules", "--date", "2026-02-01")
    assert p.returncode == 0 and "12,500" in p.stdout
