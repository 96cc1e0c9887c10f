"""Fingerprint-attendance exports: readers (CSV/XLSX/XLS, vendor profiles), checks and the report.

- :mod:`payroll.attendance.profiles` — vendor column profiles from ``rules/attendance/*.toml``
- :mod:`payroll.attendance.readers` — ``read_export(path, profile=None)`` → :class:`Export`
- :mod:`payroll.attendance.checks` — ``check(exports, roster, corrections)`` → :class:`CheckResult`
  (the shifts used and the exceptions report; every input row is used or reported)
"""
