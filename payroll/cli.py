"""The command line: parse, call, print. This contract is public; keep the names."""

from __future__ import annotations

import datetime as dt
import functools
import sys

import click

from payroll.case import InputError
from payroll.law import RuleError


class UsageFailure(click.ClickException):
    exit_code = 2


def guarded(fn):
    """Bad input and rules missing for a date end in one clear line and exit code 2, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (InputError, RuleError) as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)

    return wrapper


def parse_date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{option}: not a date (YYYY-MM-DD): {value!r}") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="payroll")
def cli() -> None:
    """Payroll for the 공무직 and 기간제근로자 of a district office (구청)."""


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.format_message() if hasattr(exc, "format_message") else str(exc))
        sys.exit(2)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2 if exc.exit_code in (1, 2) else exc.exit_code)
    except (InputError, RuleError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # the last guard: a one-line message, never a traceback
        click.echo(f"internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(3)


# Each area registers its commands from payroll/commands/<area>.py (a `register(cli)` function);
# the console registers `payroll serve` itself (payroll/web/command.py).
COMMAND_AREAS = ("core", "attendance", "runs", "documents", "leave", "welfare", "users", "records", "yearend", "filing")
COMMAND_MODULES = tuple(f"payroll.commands.{area}" for area in COMMAND_AREAS) + ("payroll.web.command",)


def _register_areas() -> None:
    import importlib
    import importlib.util

    for name in COMMAND_MODULES:
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name).register(cli)


_register_areas()
