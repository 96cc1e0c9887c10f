"""The console offers a profile when an uploaded export fits none (the logic is payroll.attendance.detect.offer)."""

from __future__ import annotations

import html

from test_web_month_data import MONTH
from test_web_pages import env, upload  # noqa: F401  (the console fixture)


def test_an_export_no_profile_reads_gets_the_proposed_profile(env):  # noqa: F811
    _, clients = env
    clerk = clients["clerk"]
    bare = "T001,정하늘,2026-06-01 08:55:00,정문,출근\nT001,정하늘,2026-06-01 18:02:00,정문,퇴근\n".encode("utf-8")
    r = upload(clerk, "attendance", "지문_헤더없음.csv", bare)  # the import job's page: the file refused, with the offer
    assert 'data-ok="no"' in r.text and "어느 근태 프로필" in r.text and "맞지 않습니다" in r.text
    page = html.unescape(r.text)
    assert "제안 프로필" in page and 'kind = "position"' in page and "timestamp = 3" in page and 'in = ["출근"]' in page
    assert "이 프로필로 읽은 행 2" in page
    # a file nothing can read gets the importer's message and no offer
    r = upload(clerk, "attendance", "x.csv", b"a,b\nc,d\n")
    assert 'data-ok="no"' in r.text and "제안 프로필" not in r.text
    assert MONTH in r.text
