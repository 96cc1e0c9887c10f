"""Punches → days → weeks → pay lines (integer minutes throughout, never float hours).

- :mod:`payroll.timesheet.inputs` — the leave file and the overtime-approval file
- :mod:`payroll.timesheet.days` — ``build_days`` / ``build_weeks``: the worker-day and worker-week frames
- :mod:`payroll.timesheet.wages` — ``pay_lines``: minutes → pay items with their 계산방법
- :mod:`payroll.timesheet.monthly` — ``build_month(MonthInputs) -> MonthBuild`` (the batch run's door)
- :mod:`payroll.timesheet.sheet` — the 근무상황부 XLSX
"""
