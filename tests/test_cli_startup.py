"""`payroll --help` and `payroll tax` start without polars, pydantic or ReportLab (the commands load lazily)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

from payroll import cli as cli_module

HEAVY = ("polars", "pydantic", "reportlab", "sqlalchemy", "sqlmodel", "fastapi", "openpyxl")

RUN = """
import json, sys
from payroll.cli import main
sys.argv = ["payroll", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
sys.stderr.write("\\n" + json.dumps({"code": code, "loaded": sorted(m for m in %r if m in sys.modules)}))
""" % (HEAVY,)


@pytest.mark.parametrize("args", [["--help"], ["tax", "--wage", "3000000", "--family", "2", "--date", "2026-04-10"],
                                  ["tax", "--daily-wage", "200000", "--days", "1", "--date", "2026-04-10", "--json"]])
def test_help_and_tax_import_no_heavy_library(args):
    out = subprocess.run([sys.executable, "-c", RUN, json.dumps(args)], capture_output=True, text=True, cwd=Path(__file__).parent.parent)
    report = json.loads(out.stderr.strip().splitlines()[-1])
    assert report == {"code": 0, "loaded": []}, out.stderr
    if args[0] == "--help":
        assert all(name in out.stdout for names in cli_module.COMMAND_MODULES.values() for name in names)
    else:
        assert "소득세" in out.stdout or "income_tax" in out.stdout


def test_the_index_names_every_command_each_area_registers():
    import importlib

    from payroll.commands import documents
    from payroll.record import papers

    for module, names in cli_module.COMMAND_MODULES.items():
        group = click.Group()
        importlib.import_module(module).register(group)
        assert tuple(sorted(group.commands)) == tuple(sorted(names)), module
    assert documents.KINDS == papers.KINDS  # `payroll doc`'s choices, named without importing the record


def test_a_command_runs_whichever_area_loads_first():
    from click.testing import CliRunner

    runner = CliRunner()
    res = runner.invoke(cli_module.cli, ["tax", "--wage", "2000000", "--family", "1", "--date", "2026-04-10", "--json"])
    assert res.exit_code == 0 and json.loads(res.output)["income_tax"] >= 0
    res = runner.invoke(cli_module.cli, ["no-such-command"])
    assert res.exit_code == 2 and "알 수 없는 명령 'no-such-command'" in res.output
