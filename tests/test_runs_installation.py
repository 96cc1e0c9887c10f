"""A run keeps what the installation added beside the package (its attendance profiles and entered
figures) with its inputs: a replay reads the month as the run did, whatever was edited since."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from payroll.law import PACKAGE_RULES_DIR
from payroll.runs.audit import replay
from payroll.runs.batch import execute_run
from payroll.runs.demo import stage_samples
from payroll.store import open_store


def test_an_installation_profile_edited_after_the_run_does_not_change_its_replay(tmp_path):
    store = open_store(str(tmp_path / "p.db"))
    profiles = tmp_path / "p-installation" / "profiles"
    profiles.mkdir(parents=True)
    generic = (PACKAGE_RULES_DIR / "attendance" / "generic.toml").read_text(encoding="utf-8")
    (profiles / "site-a.toml").write_text(generic.replace('name = "generic"', 'name = "site-a"', 1), encoding="utf-8")
    inputs = stage_samples(tmp_path / "inputs")
    config = inputs / "2026-06" / "run.toml"
    config.write_text(config.read_text(encoding="utf-8") + 'profile = "site-a"\n', encoding="utf-8")
    summary = execute_run(store, "2026-06", inputs_dir=inputs, out_root=tmp_path / "out", jobs=1)
    # the clerk edits the profile in place (it no longer reads these exports) and saves another
    (profiles / "site-a.toml").write_text("name = \"site-a\"\nthis is not a profile any more\n", encoding="utf-8")
    report = replay(store, summary["run_id"], jobs=1)
    assert report.identical, report.problems
    store.dispose()
