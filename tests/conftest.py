import datetime as dt

import pytest

from payroll import law as law_module


@pytest.fixture(scope="session")
def law():
    return law_module.current()


FROZEN_TODAY = dt.date(2026, 10, 15)  # tests never read today's date
