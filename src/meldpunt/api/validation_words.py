"""The API's 422 answers in the caller's language (issue 21).

django-ninja answers input that fails validation with pydantic's errors, worded in English.
Each keeps its ``type`` and ``loc`` (what a client acts on); :func:`worded` rewrites its ``msg``
through gettext by the error's type, with pydantic's own English as the msgid (without a parser's detail), so an English
caller reads what pydantic wrote and a Dutch one (``Accept-Language: nl``, the same choice the
404 answers follow) reads Dutch. A type not listed here keeps pydantic's words.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

#: pydantic's error types and their words; ``%(name)s`` are the error's ``ctx`` values.
WORDS = {
    "missing": _("Field required"),
    "extra_forbidden": _("Extra inputs are not permitted"),
    "string_type": _("Input should be a valid string"),
    "string_too_short": _("String should have at least %(min_length)s characters"),
    "string_too_long": _("String should have at most %(max_length)s characters"),
    "string_pattern_mismatch": _("String should match pattern '%(pattern)s'"),
    "int_type": _("Input should be a valid integer"),
    "int_parsing": _("Input should be a valid integer, unable to parse string as an integer"),
    "int_from_float": _("Input should be a valid integer, got a number with a fractional part"),
    "float_type": _("Input should be a valid number"),
    "float_parsing": _("Input should be a valid number, unable to parse string as a number"),
    "decimal_parsing": _("Input should be a valid decimal"),
    "bool_type": _("Input should be a valid boolean"),
    "bool_parsing": _("Input should be a valid boolean, unable to interpret input"),
    "greater_than": _("Input should be greater than %(gt)s"),
    "greater_than_equal": _("Input should be greater than or equal to %(ge)s"),
    "less_than": _("Input should be less than %(lt)s"),
    "less_than_equal": _("Input should be less than or equal to %(le)s"),
    "literal_error": _("Input should be %(expected)s"),
    "enum": _("Input should be %(expected)s"),
    "list_type": _("Input should be a valid list"),
    "too_short": _("List should have at least %(min_length)s items"),
    "too_long": _("List should have at most %(max_length)s items"),
    "dict_type": _("Input should be a valid dictionary"),
    "model_attributes_type": _("Input should be a valid dictionary or object to extract fields from"),
    "model_type": _("Input should be a valid dictionary or object to extract fields from"),
    "date_type": _("Input should be a valid date"),
    "date_parsing": _("Input should be a valid date in the format YYYY-MM-DD"),
    "date_from_datetime_parsing": _("Input should be a valid date or datetime"),
    "datetime_type": _("Input should be a valid datetime"),
    "datetime_parsing": _("Input should be a valid datetime"),
    "datetime_from_date_parsing": _("Input should be a valid datetime or date"),
    "timezone_aware": _("Input should have timezone info"),
    "json_invalid": _("Invalid JSON"),
    "json_type": _("JSON input should be string, bytes or bytearray"),
    "uuid_parsing": _("Input should be a valid UUID"),
    "url_parsing": _("Input should be a valid URL"),
}


def worded(error: dict[str, Any]) -> dict[str, Any]:
    """One pydantic error with its ``msg`` in the active language; the rest unchanged."""
    values = {name: str(value) for name, value in (error.get("ctx") or {}).items()}
    if error.get("type") == "value_error" and values.get("error"):
        # the schemas' own validators raise ValueError worded in the active language already
        return {**error, "msg": values["error"]}
    words = WORDS.get(error.get("type", ""))
    if words is None:
        return error
    if "expected" in values:  # pydantic lists the choices as "'a', 'b' or 'c'"
        values["expected"] = values["expected"].replace(" or ", str(_(" or ")))
    try:
        return {**error, "msg": str(words) % values}
    except (KeyError, ValueError, TypeError):  # a ctx without the value the words name
        return error
