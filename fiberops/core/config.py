"""Reading settings from the environment (used by fiberops/settings.py). A value that does not
fit is refused with ImproperlyConfigured naming the variable, never silently replaced by a
default: a typo in production must stop the start, not switch a feature off (healthchecks'
`envbool` is the model)."""

import copy
import json
import math
import os
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")

DEVELOPMENT_SECRET_KEY = "fiberops-insecure-development-key-change-me"  # noqa: S105 - DEBUG only


def env_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    """The boolean variable `name`, `default` when unset. Any other spelling than the words
    above (case and surrounding spaces ignored) is refused — an empty value too."""
    environ = os.environ if environ is None else environ
    if name not in environ:
        return default
    value = environ[name]
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean: use one of {', '.join(TRUE_WORDS)} (true) "
        f"or {', '.join(FALSE_WORDS)} (false)."
    )


def env_int(
    name: str,
    default: int,
    *,
    minimum: int,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """The whole-number variable `name`, `default` when unset; refused (naming it) when it is no
    whole number or lies outside `minimum` … `maximum`."""
    environ = os.environ if environ is None else environ
    if name not in environ:
        return default
    value = environ[name]
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if number < minimum or (maximum is not None and number > maximum):
        bounds = f"between {minimum} and {maximum}" if maximum is not None else f"≥ {minimum}"
        raise ImproperlyConfigured(f"{name}={value!r}: it must be {bounds}.")
    return number


def secret_key(environ: Mapping[str, str], *, debug: bool) -> str:
    """SECRET_KEY from the environment; the development key only while DEBUG is on."""
    key = environ.get("SECRET_KEY", "")
    if key and key != DEVELOPMENT_SECRET_KEY:
        return key
    if debug:
        return DEVELOPMENT_SECRET_KEY
    raise ImproperlyConfigured(
        "SECRET_KEY is not set (or is the development key) while DEBUG is off: set SECRET_KEY to "
        "a long random value, e.g. the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
    )


def merge_sla_policy(defaults: dict, override_json: str | None) -> dict:
    """`defaults` with the FIBEROPS_SLA_POLICY JSON merged over it, key by key at any depth
    (`{"repair_hours": {"fault": {"urban": 24}}}` keeps `fault.rural` and `complaint`).

    The defaults are the schema: only their keys may be overridden, objects only by objects,
    numbers only by numbers. `warn_fraction` lies strictly between 0 and 1, `*_working_days` are
    positive whole numbers, every other number (minutes, hours) is positive. `defaults` is not
    changed."""
    policy = copy.deepcopy(defaults)
    if not override_json:
        return policy
    try:
        override = json.loads(override_json)
    except ValueError as error:
        raise ImproperlyConfigured(f"FIBEROPS_SLA_POLICY is not valid JSON: {error}") from None
    if not isinstance(override, dict):
        raise ImproperlyConfigured(
            'FIBEROPS_SLA_POLICY must be a JSON object, e.g. {"warn_fraction": 0.75}'
        )
    _merge(policy, override, path="")
    return policy


def _merge(target: dict, override: dict, *, path: str) -> None:
    for key, value in override.items():
        key_path = f"{path}.{key}" if path else key
        if key not in target:
            known = ", ".join(sorted(target))
            raise _policy_error(f"{key_path} is not a known key (known: {known})")
        if isinstance(target[key], dict):
            if not isinstance(value, dict):
                raise _policy_error(f"{key_path} must be a JSON object, not {value!r}")
            _merge(target[key], value, path=key_path)
        else:
            _check_number(key_path, value)
            target[key] = value


def _check_number(path: str, value: Any) -> None:
    is_number = (
        isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    )
    if path == "warn_fraction":
        if not (is_number and 0 < value < 1):
            raise _policy_error(
                f"{path} must be a number between 0 and 1 (exclusive), not {value!r}"
            )
    elif path.endswith("_working_days"):
        if not (isinstance(value, int) and not isinstance(value, bool) and value > 0):
            raise _policy_error(f"{path} must be a positive whole number, not {value!r}")
    elif not (is_number and value > 0):
        raise _policy_error(f"{path} must be a positive number, not {value!r}")


def _policy_error(problem: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"FIBEROPS_SLA_POLICY: {problem}")


def env_decimal(
    name: str,
    default: str,
    *,
    low: str,
    high: str,
    environ: Mapping[str, str] | None = None,
) -> Decimal:
    """The decimal variable `name` (`default` when unset), refused unless low ≤ value ≤ high."""
    environ = os.environ if environ is None else environ
    text = environ.get(name, default)
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name}={text!r} is not a number.") from None
    if not value.is_finite() or not Decimal(low) <= value <= Decimal(high):
        raise ImproperlyConfigured(f"{name}={text!r} must lie between {low} and {high}.")
    return value


# --- day plans (issue 9, docs/dispatch.md "Stored plans and re-planning") ---------------------

_CLOCK_TEXT = r"([01]\d|2[0-3]):([0-5]\d)"


def _clock_minutes(name: str, text: str) -> int:
    import re

    match = re.fullmatch(_CLOCK_TEXT, text.strip())
    if not match:
        raise ImproperlyConfigured(f'{name}: {text!r} is not a time "HH:MM".')
    return int(match.group(1)) * 60 + int(match.group(2))


def env_shift(name: str, default: str, environ: Mapping[str, str] | None = None) -> str:
    """A working day "HH:MM-HH:MM" (e.g. DISPATCH_SHIFT "08:30-18:00"); refused unless the end
    is after the start. Returned as written, validated."""
    environ = os.environ if environ is None else environ
    text = environ.get(name, default)
    parts = text.split("-")
    if len(parts) != 2:
        raise ImproperlyConfigured(f'{name}={text!r}: expected "HH:MM-HH:MM".')
    start, end = (_clock_minutes(name, part) for part in parts)
    if end <= start:
        raise ImproperlyConfigured(f"{name}={text!r}: the end must come after the start.")
    return text.strip()


def env_break(
    name: str, default: str, *, shift: str, environ: Mapping[str, str] | None = None
) -> str:
    """A lunch break "HH:MM-HH:MM/minutes" (earliest start, latest end, length), inside the
    shift and long enough for its minutes; "" (set to an empty value) means no break."""
    environ = os.environ if environ is None else environ
    text = environ.get(name, default).strip()
    if not text:
        return ""
    window, _, minutes_text = text.partition("/")
    parts = window.split("-")
    if len(parts) != 2 or not minutes_text.strip().isdigit():
        raise ImproperlyConfigured(f'{name}={text!r}: expected "HH:MM-HH:MM/minutes".')
    earliest, latest = (_clock_minutes(name, part) for part in parts)
    minutes = int(minutes_text)
    shift_start, shift_end = (_clock_minutes(name, part) for part in shift.split("-"))
    if not 1 <= minutes <= 240 or latest - earliest < minutes:
        raise ImproperlyConfigured(f"{name}={text!r}: the window must hold the minutes (1–240).")
    if earliest < shift_start or latest > shift_end:
        raise ImproperlyConfigured(f"{name}={text!r}: the break must lie inside the shift.")
    return text


def env_service_minutes(
    name: str, defaults: dict[str, int], environ: Mapping[str, str] | None = None
) -> dict[str, int]:
    """Minutes on site per order type: `defaults` with the JSON object in `name` merged over it;
    refused for an unknown type or a value outside 1–720."""
    environ = os.environ if environ is None else environ
    merged = dict(defaults)
    if name not in environ:
        return merged
    try:
        override = json.loads(environ[name])
    except json.JSONDecodeError as error:
        raise ImproperlyConfigured(f"{name} is not valid JSON: {error}") from None
    if not isinstance(override, dict):
        raise ImproperlyConfigured(f"{name} must be a JSON object of order type → minutes.")
    for key, value in override.items():
        if key not in defaults:
            raise ImproperlyConfigured(f"{name}: {key!r} is no order type.")
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 720:
            raise ImproperlyConfigured(f"{name}: {key} must be whole minutes between 1 and 720.")
        merged[key] = value
    return merged


def env_windows(name: str, default: str, environ: Mapping[str, str] | None = None) -> str:
    """Candidate booking windows "HH:MM-HH:MM,HH:MM-HH:MM,…" each with its end after its start."""
    environ = os.environ if environ is None else environ
    text = environ.get(name, default).strip()
    for item in text.split(","):
        env_shift(name, item, environ={})
    return text
