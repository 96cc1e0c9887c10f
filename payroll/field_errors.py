"""A pydantic validation error, said in Korean for the clerk: what is wrong with the field.

pydantic writes its messages in English ("Input should be a valid integer"); the readers of roster.csv,
contracts.csv, a case file and a claims file show this text after ``file: N행: field:`` instead. A
validator's own message (``ValueError`` in a model) is already Korean and is kept as it is.
"""

from __future__ import annotations

# pydantic's error type -> the Korean text (``{ge}`` and the like come from the error's ctx)
WORDS: dict[str, str] = {
    "missing": "값이 없습니다",
    "int_parsing": "정수가 아닙니다",
    "int_from_float": "정수가 아닙니다",
    "int_type": "정수가 아닙니다",
    "float_parsing": "숫자가 아닙니다",
    "float_type": "숫자가 아닙니다",
    "decimal_parsing": "숫자가 아닙니다",
    "decimal_type": "숫자가 아닙니다",
    "bool_parsing": "참/거짓(true/false)이 아닙니다",
    "bool_type": "참/거짓(true/false)이 아닙니다",
    "date_parsing": "날짜(YYYY-MM-DD)가 아닙니다",
    "date_from_datetime_parsing": "날짜(YYYY-MM-DD)가 아닙니다",
    "date_from_datetime_inexact": "날짜(YYYY-MM-DD)가 아닙니다 (시각이 붙어 있음)",
    "date_type": "날짜(YYYY-MM-DD)가 아닙니다",
    "datetime_parsing": "날짜·시각(YYYY-MM-DDTHH:MM)이 아닙니다",
    "datetime_from_date_parsing": "날짜·시각(YYYY-MM-DDTHH:MM)이 아닙니다",
    "time_parsing": "시각(HH:MM)이 아닙니다",
    "time_type": "시각(HH:MM)이 아닙니다",
    "string_type": "문자열이 아닙니다",
    "string_pattern_mismatch": "형식이 맞지 않습니다 ({pattern})",
    "string_too_short": "값이 없거나 너무 짧습니다",
    "string_too_long": "너무 깁니다 (최대 {max_length}자)",
    "greater_than_equal": "{ge} 이상이어야 합니다",
    "greater_than": "{gt}보다 커야 합니다",
    "less_than_equal": "{le} 이하여야 합니다",
    "less_than": "{lt}보다 작아야 합니다",
    "too_short": "항목이 너무 적습니다",
    "too_long": "항목이 너무 많습니다",
    "list_type": "목록이어야 합니다",
    "dict_type": "표(객체)여야 합니다",
    "model_type": "표(객체)여야 합니다",
    "literal_error": "허용 값이 아닙니다 ({expected})",
    "enum": "허용 값이 아닙니다 ({expected})",
    "json_invalid": "올바른 JSON이 아닙니다 ({error})",
    "extra_forbidden": "알 수 없는 열입니다",
}


def describe(err: dict, extra: str | None = None) -> str:
    """The Korean text of one entry of ``ValidationError.errors()``; ``extra`` replaces the text for an
    unknown key (a column of a CSV, a field of a JSON document)."""
    kind = err.get("type", "")
    if kind == "extra_forbidden" and extra is not None:
        return extra
    if kind == "value_error":  # a model's own check: its message is the clerk's text
        return str(err.get("msg", "")).removeprefix("Value error, ")
    template = WORDS.get(kind)
    if template is None:
        return f"값이 잘못되었습니다 ({kind})"
    ctx = {k: (str(v) if not isinstance(v, str) else v) for k, v in (err.get("ctx") or {}).items()}
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template.split(" (")[0] if "{" in template else template
