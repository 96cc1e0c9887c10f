import datetime as dt
import os
import uuid

import pytest
import sqlalchemy as sa

from payroll import law as law_module
from payroll.store import database_url, open_store


@pytest.fixture(scope="session")
def law():
    return law_module.current()


FROZEN_TODAY = dt.date(2026, 10, 15)  # tests never read today's date

#: what the console's jobs and a run's payslip processes import once they are forked: the test
#: process's forkserver imports them once, before its first child, instead of every job importing
#: them again (~1.5 s a job: an upload, a run, a replay)
CHILD_MODULES = ["payroll.web.job_process", "payroll.web.pages.month", "payroll.web.pages.month_inputs", "payroll.web.pages.runs",
                 "payroll.runs.batch", "payroll.runs.audit"]


@pytest.fixture(scope="session", autouse=True)
def _forkserver_imports_what_the_children_run():
    """Start this test process's forkserver (:func:`payroll.security.sandbox.process_context`) with
    the readers, the payslip renderer and the console's job functions already imported. The
    children run the same code with the same settings (each takes its caller's at start); only the
    imports are done once per test process instead of once per child."""
    import multiprocessing
    from multiprocessing import forkserver

    from payroll.security.sandbox import PAYSLIPS, READERS

    if getattr(forkserver._forkserver, "_forkserver_pid", None) is None:
        multiprocessing.get_context("forkserver").set_forkserver_preload([READERS, PAYSLIPS, *CHILD_MODULES])
        forkserver.ensure_running()
    yield


#: the files that take longest (seconds on two workers: tests/… --durations=0), started first. With
#: ``--dist loadfile --no-loadscope-reorder`` (pyproject.toml) xdist hands out whole files in this
#: order, so the long ones run side by side from the start and the many short files fill in at the
#: end: the two workers finish together. (xdist's own order, by number of tests, left the browser
#: walk's six long tests among the last files, one worker running it alone.)
SLOW_FILES_FIRST = (
    "browser/test_console_browser.py",  # ~90 s
    "test_security_concurrency.py",  # ~70 s
    "test_web_pages.py",
    "test_web_auth.py",
    "test_first_ten_minutes.py",
    "test_web_performance.py",
    "test_security_fuzz.py",
    "test_runs.py",
    "test_law_2027.py",
    "test_runs_decisions.py",
    "test_web_jobs_killed.py",
    "test_security_replay.py",
    "test_runs_demo.py",
    "test_web_demo.py",
    "test_documents_fonts.py",
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(SLOW_FILES_FIRST)}

    def order(item) -> int:
        path = item.nodeid.split("::", 1)[0]
        return rank.get(path[len("tests/"):] if path.startswith("tests/") else path, len(rank))

    items.sort(key=order)  # stable: the tests of a file, and the other files, keep their order


@pytest.fixture(autouse=True)
def _no_installation_carried_over():
    """A command run in-process (CliRunner) activates its database's installation for the rest of the
    process; the next test must find its own (from its environment), whatever ran before it."""
    yield
    from payroll import installation

    installation.deactivate()


PG_URL = os.environ.get("PAYROLL_TEST_PG_URL")


def _fresh_pg(url: str) -> str:
    """A new empty schema on the test server, reached through the search_path."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    eng = sa.create_engine(database_url(url))
    with eng.begin() as c:
        c.exec_driver_sql(f"CREATE SCHEMA {schema}")
    eng.dispose()
    sep = "&" if "?" in url else "?"
    return f"{database_url(url)}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    """A fresh database URL: an SQLite file, or a new schema on the PostgreSQL test server when
    PAYROLL_TEST_PG_URL names one (.ci/run starts it). For tests that open it in other processes too."""
    if request.param == "postgres":
        if not PG_URL:
            pytest.skip("PAYROLL_TEST_PG_URL is not set")
        return _fresh_pg(PG_URL)
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def store(store_url):
    """A fresh store on SQLite, and on PostgreSQL (see :func:`store_url`)."""
    s = open_store(store_url)
    yield s
    s.dispose()
