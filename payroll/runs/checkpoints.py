"""Named steps of a run, where a test can kill the run or hold it (the environment says which).

``PAYROLL_RUN_KILL_AT=<step>``: the run kills itself (SIGKILL) on reaching that step.
``PAYROLL_RUN_HOLD_AT=<step>`` with ``PAYROLL_RUN_HOLD_FILE=<path>``: on reaching it the run writes
``<path>.reached`` and waits until ``<path>`` exists — so a test can start a second process while
the first is provably inside the month. Unset (as in production), a step costs one dict lookup.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

KILL_AT_ENV = "PAYROLL_RUN_KILL_AT"
HOLD_AT_ENV = "PAYROLL_RUN_HOLD_AT"
HOLD_FILE_ENV = "PAYROLL_RUN_HOLD_FILE"
HOLD_LIMIT_SECONDS = 600
#: in order: the month is held; inputs stored; computed; outputs rendered (scratch folder);
#: the record committed; the outputs published under their final name
STEPS = ("locked", "imported", "computed", "rendered", "recorded", "published")


def reached(step: str) -> None:
    if os.environ.get(KILL_AT_ENV) == step:
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    if os.environ.get(HOLD_AT_ENV) == step and os.environ.get(HOLD_FILE_ENV):
        release = Path(os.environ[HOLD_FILE_ENV])
        Path(f"{release}.reached").write_text(f"{os.getpid()}\n", encoding="utf-8")
        deadline = time.monotonic() + HOLD_LIMIT_SECONDS
        while not release.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
