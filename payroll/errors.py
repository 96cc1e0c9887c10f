"""The error every command and page reports as bad input, and the JSON the commands print.

Kept apart from the models and the engine so that a command imports them without polars or pydantic.
"""

from __future__ import annotations

import json


class InputError(Exception):
    """Bad input: the message names the file, row or field. The CLI exits with code 2."""


class NotApplicable(InputError):
    """The document does not apply (yet): not a leaver, not eligible, the month or the year not run yet.
    ``payroll doc KIND --all`` counts these apart from the workers it could not do."""


class RuleError(Exception):
    """A rule file is malformed, or nothing is in force on the date asked (``payroll.law`` raises it)."""


def dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=False)
