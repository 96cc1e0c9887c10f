"""The command line: parse, call, print. This contract is public; keep the names.

Commands load lazily: ``payroll tax`` imports its own area (``payroll/commands/core.py``) and the
rules, never polars, pydantic or ReportLab; each command imports what it needs when it runs.
``payroll --help`` lists every area's commands, and no area imports those libraries at import.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import sys

import click

from payroll import clitext
from payroll.errors import InputError, RuleError

clitext.install()  # click's own messages (usage, a bad option, a bad choice) in Korean


class UsageFailure(click.ClickException):
    exit_code = 2


def guarded(fn):
    """Bad input and rules missing for a date end in one clear line and exit code 2, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (InputError, RuleError) as exc:
            click.echo(f"오류: {exc}", err=True)
            sys.exit(2)

    return wrapper


def self_command() -> str:
    """How to call this program again, as a shell would need it typed: the full path of the ``payroll``
    script that is running (a fresh shell has no activated environment), else ``python -m payroll``."""
    import os
    import shlex

    script = sys.argv[0] if sys.argv else ""
    if os.path.basename(script) == "payroll" and os.path.isfile(script):
        return shlex.quote(os.path.abspath(script))
    return f"{shlex.quote(sys.executable)} -m payroll"


def parse_date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{option}: 날짜(YYYY-MM-DD)가 아닙니다: {value!r}") from None


# Each area registers its commands from payroll/commands/<area>.py (a `register(cli)` function);
# the console registers `payroll serve` itself (payroll/web/command.py). This index says which
# module holds a command, so that running one imports that module alone.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "payroll.commands.core": ("tax", "calc", "rules"),
    "payroll.commands.attendance": ("attendance",),
    "payroll.commands.runs": ("run", "close", "mail", "replay", "diff", "explain", "demo", "samples", "key", "rrn", "correction"),
    "payroll.commands.documents": ("doc", "settle"),
    "payroll.commands.leave": ("leave",),
    "payroll.commands.welfare": ("welfare",),
    "payroll.commands.users": ("user",),
    "payroll.commands.records": ("import", "budget"),
    "payroll.commands.yearend": ("yearend",),
    "payroll.commands.filing": ("filing",),
    "payroll.web.command": ("serve",),
}


class AreaGroup(click.Group):
    """A group whose commands are registered by their module the first time one is asked for."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._loaded: set[str] = set()

    def load_module(self, module: str) -> None:
        if module not in self._loaded:
            self._loaded.add(module)
            importlib.import_module(module).register(self)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({name for names in COMMAND_MODULES.values() for name in names} | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            module = next((m for m, names in COMMAND_MODULES.items() if cmd_name in names), None)
            if module is not None:
                self.load_module(module)
        return self.commands.get(cmd_name)


@click.group(cls=AreaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="payroll")
def cli() -> None:
    """구청 공무직·기간제근로자의 급여 계산."""


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("중단했습니다", err=True)
        sys.exit(1)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.format_message() if hasattr(exc, "format_message") else str(exc))
        sys.exit(2)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2 if exc.exit_code in (1, 2) else exc.exit_code)
    except (InputError, RuleError) as exc:
        click.echo(f"오류: {exc}", err=True)
        sys.exit(2)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("중단했습니다 (Ctrl-C)", err=True)
        sys.exit(130)
    except Exception as exc:  # the last guard: a one-line message, never a traceback
        click.echo(f"내부 오류 (프로그램의 결함입니다; 이 줄을 담당자에게 알려 주세요): {type(exc).__name__}: {exc}", err=True)
        sys.exit(3)
