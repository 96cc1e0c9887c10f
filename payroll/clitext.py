"""Click's own words (usage lines, 'No such option', a bad choice) in Korean.

Click looks its messages up through :mod:`gettext` (``_`` and ``ngettext`` in each of its modules); the
clerk's terminal has no Korean catalogue for click, so this module is that catalogue: the message ids
click uses, each with its Korean text, installed as those modules' ``_`` and ``ngettext``. A message id
not listed stays as click wrote it (a newer click may add some; tests/test_korean_messages.py drives the common
mistakes through the command line and fails on an English line).
"""

from __future__ import annotations

import importlib

MESSAGES: dict[str, str] = {
    "Aborted!": "중단했습니다.",
    "Missing command.": "명령이 없습니다.",
    "Options": "옵션",
    "Positional arguments": "인자",
    "Commands": "명령",
    "Usage:": "사용법:",
    "Error: {message}": "오류: {message}",
    "Try '{command} {option}' for help.": "도움말: '{command} {option}'",
    "Show the version and exit.": "버전을 보여 주고 끝냅니다.",
    "Show this message and exit.": "이 도움말을 보여 주고 끝냅니다.",
    "%(prog)s, version %(version)s": "%(prog)s, 버전 %(version)s",
    "Do you want to continue?": "계속할까요?",
    "Confirm the action without prompting.": "묻지 않고 진행합니다.",
    "Value must be an iterable.": "값이 목록이어야 합니다.",
    "env var: {var}": "환경 변수: {var}",
    "default: {default}": "기본값: {default}",
    "(dynamic)": "(실행 때 정함)",
    "deprecated": "더 이상 쓰지 않음",
    "Missing argument": "빠진 인자:",
    "Missing option": "빠진 옵션:",
    "Missing parameter": "빠진 값:",
    "Missing parameter: {param_name}": "값이 없습니다: {param_name}",
    "Missing {param_type}": "{param_type}이(가) 없습니다",
    "unknown error": "알 수 없는 오류",
    "Invalid value for {param_hint}: {message}": "{param_hint}의 값이 잘못되었습니다: {message}",
    "Invalid value: {message}": "값이 잘못되었습니다: {message}",
    "Could not open file {filename!r}: {message}": "파일 {filename!r}을(를) 열 수 없습니다: {message}",
    "No such option {name!r}.": "알 수 없는 옵션 {name!r}입니다.",
    "No such command {name!r}.": "알 수 없는 명령 {name!r}입니다.",
    "Invalid start character for option ({option})": "옵션의 첫 글자가 잘못되었습니다 ({option})",
    "Option {name!r} does not take a value.": "옵션 {name!r}은(는) 값을 받지 않습니다.",
    "Argument {name!r} takes {nargs} values.": "인자 {name!r}은(는) 값 {nargs}개를 받습니다.",
    "file": "파일",
    "directory": "디렉터리",
    "path": "경로",
    "Choose from:\n\t{choices}": "다음 중에서 고르세요:\n\t{choices}",
    "Choice({choices})": "선택({choices})",
    "{value} is not in the range {range}.": "{value}은(는) 범위 {range} 밖입니다.",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r}은(는) 참/거짓 값이 아닙니다. 쓸 수 있는 값: {states}",
    "{value!r} is not a valid {number_type}.": "{value!r}은(는) 숫자가 아닙니다.",
    "{value!r} is not a valid UUID.": "{value!r}은(는) UUID가 아닙니다.",
    "{name} {filename!r} is a file.": "{name} {filename!r}은(는) 파일입니다 (디렉터리가 필요합니다).",
    "{name} {filename!r} is a directory.": "{name} {filename!r}은(는) 디렉터리입니다 (파일이 필요합니다).",
    "{name} {filename!r} is not readable.": "{name} {filename!r}을(를) 읽을 수 없습니다.",
    "{name} {filename!r} is not writable.": "{name} {filename!r}에 쓸 수 없습니다.",
    "{name} {filename!r} is not executable.": "{name} {filename!r}은(는) 실행할 수 없습니다.",
    "{name} {filename!r} does not exist.": "{name} {filename!r}이(가) 없습니다.",
    "Press any key to continue...": "아무 키나 누르면 계속합니다...",
    "Repeat for confirmation": "확인을 위해 한 번 더 입력하세요",
    "Error: The two entered values do not match.": "오류: 두 번 입력한 값이 다릅니다.",
    "Error: invalid input": "오류: 입력이 잘못되었습니다",
}

# ngettext's message ids: (singular, plural) -> (Korean singular, Korean plural)
PLURALS: dict[tuple[str, str], tuple[str, str]] = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): (
        "받지 않는 인자가 있습니다 ({args})",
        "받지 않는 인자가 있습니다 ({args})",
    ),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."): (
        "값 {nargs}개가 필요한데 1개가 주어졌습니다.",
        "값 {nargs}개가 필요한데 {len}개가 주어졌습니다.",
    ),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): (
        "혹시 {possibility}?",
        "(혹시 다음 중 하나: {possibilities}?)",
    ),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): (
        "옵션 {name!r}에는 값이 필요합니다.",
        "옵션 {name!r}에는 값 {nargs}개가 필요합니다.",
    ),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): (
        "{value!r}은(는) {choice}이(가) 아닙니다.",
        "{value!r}은(는) 다음 중 하나가 아닙니다: {choices}.",
    ),
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."): (
        "{value!r}은(는) 형식 {format}에 맞지 않습니다.",
        "{value!r}은(는) 형식 {formats} 어느 것에도 맞지 않습니다.",
    ),
    ("{len_type} values are required, but {len_value} was given.", "{len_type} values are required, but {len_value} were given."): (
        "값 {len_type}개가 필요한데 {len_value}개가 주어졌습니다.",
        "값 {len_type}개가 필요한데 {len_value}개가 주어졌습니다.",
    ),
}

CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "utils", "termui")


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    korean = PLURALS.get((singular, plural))
    if korean is None:
        return singular if n == 1 else plural
    return korean[0] if n == 1 else korean[1]


def install() -> None:
    """Make click's modules look their messages up here (they call ``_``/``ngettext`` at run time)."""
    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
