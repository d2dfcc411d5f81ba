"""Settings refuse a bad environment loudly instead of guessing (README, "Settings"): a mistyped
boolean, a production start without SECRET_KEY, an SLA policy override that does not fit."""

import copy
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from fiberops.core.config import (
    DEVELOPMENT_SECRET_KEY,
    env_bool,
    env_int,
    merge_sla_policy,
    secret_key,
)

DEFAULTS = copy.deepcopy(settings.SLA_POLICY_DEFAULTS)


# --- whole numbers (the photo thresholds, R-PHO-2/4) ------------------------------------------


def test_a_whole_number_is_read_and_an_unset_one_is_its_default():
    assert (
        env_int("PHOTO_MAX_DISTANCE_M", 300, minimum=1, environ={"PHOTO_MAX_DISTANCE_M": " 150"})
        == 150
    )
    assert env_int("PHOTO_MAX_DISTANCE_M", 300, minimum=1, environ={}) == 300


@pytest.mark.parametrize("value", ["", "3.5", "six", "8", "-1"])
def test_a_bad_reuse_distance_is_refused_naming_the_variable(value):
    with pytest.raises(ImproperlyConfigured, match="PHOTO_REUSE_MAX_DISTANCE"):
        env_int(
            "PHOTO_REUSE_MAX_DISTANCE",
            6,
            minimum=0,
            maximum=7,
            environ={"PHOTO_REUSE_MAX_DISTANCE": value},
        )


# --- booleans -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1", "true", "True", " TRUE ", "yes", "on"])
def test_a_true_spelling_is_true(value):
    assert env_bool("DEBUG", False, {"DEBUG": value}) is True


@pytest.mark.parametrize("value", ["0", "false", "False", "no", "off"])
def test_a_false_spelling_is_false(value):
    assert env_bool("DEBUG", True, {"DEBUG": value}) is False


@pytest.mark.parametrize("default", [True, False])
def test_an_unset_boolean_is_its_default(default):
    assert env_bool("DEBUG", default, {}) is default


@pytest.mark.parametrize("value", ["ture", "yes please", "", "2", "disabled"])
def test_a_mistyped_boolean_is_refused_naming_the_variable_and_the_accepted_values(value):
    with pytest.raises(ImproperlyConfigured) as refused:
        env_bool("DEBUG", True, {"DEBUG": value})
    message = str(refused.value)
    assert f"DEBUG={value!r}" in message
    assert "true" in message
    assert "false" in message


# --- SECRET_KEY -----------------------------------------------------------------------------


def test_debug_without_a_secret_key_uses_the_development_key():
    assert secret_key({}, debug=True) == DEVELOPMENT_SECRET_KEY


def test_a_given_secret_key_is_used():
    assert secret_key({"SECRET_KEY": "s3cret-from-the-vault"}, debug=False) == (
        "s3cret-from-the-vault"
    )


@pytest.mark.parametrize(
    "environ", [{}, {"SECRET_KEY": ""}, {"SECRET_KEY": DEVELOPMENT_SECRET_KEY}], ids=str
)
def test_without_debug_a_missing_or_development_secret_key_is_refused(environ):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY.*DEBUG"):
        secret_key(environ, debug=False)


# --- FIBEROPS_SLA_POLICY --------------------------------------------------------------------


@pytest.mark.parametrize("override", [None, "", "{}"])
def test_no_override_is_the_defaults_as_a_copy(override):
    policy = merge_sla_policy(DEFAULTS, override)
    assert policy == DEFAULTS
    policy["repair_hours"]["fault"]["urban"] = 1
    assert DEFAULTS["repair_hours"]["fault"]["urban"] == 48


def test_an_override_replaces_only_the_keys_it_names():
    policy = merge_sla_policy(
        DEFAULTS,
        '{"repair_hours": {"fault": {"urban": 24}}, "contact_minutes": {"removal": 7.5},'
        ' "warn_fraction": 0.5, "install_working_days": 4}',
    )
    assert policy["repair_hours"] == {
        "fault": {"urban": 24, "rural": 72},
        "complaint": {"urban": 48, "rural": 72},
    }
    assert policy["contact_minutes"] == {**DEFAULTS["contact_minutes"], "removal": 7.5}
    assert policy["warn_fraction"] == 0.5
    assert policy["install_working_days"] == 4
    assert policy["survey_working_days"] == DEFAULTS["survey_working_days"]


@pytest.mark.parametrize(
    ("override", "path"),
    [
        ('{"repair_hours": {"fault": {"urban": 24}', "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ('{"repair_hour": {}}', "repair_hour is not a known key"),
        ('{"contact_minutes": {"teleport": 30}}', "contact_minutes.teleport is not a known key"),
        ('{"repair_hours": {"install": {"urban": 5}}}', "repair_hours.install is not a known key"),
        ('{"repair_hours": {"fault": {"town": 5}}}', "repair_hours.fault.town is not a known key"),
        ('{"repair_hours": 24}', "repair_hours must be a JSON object"),
        ('{"repair_hours": {"fault": 24}}', "repair_hours.fault must be a JSON object"),
        ('{"response_minutes": {"fault": 5}}', "response_minutes must be a positive number"),
        ('{"contact_minutes": {"fault": "30"}}', "contact_minutes.fault must be a positive number"),
        ('{"contact_minutes": {"fault": true}}', "contact_minutes.fault must be a positive number"),
        ('{"contact_minutes": {"fault": 0}}', "contact_minutes.fault must be a positive number"),
        ('{"repair_hours": {"fault": {"rural": -1}}}', "repair_hours.fault.rural must be a posit"),
        ('{"response_minutes": NaN}', "response_minutes must be a positive number"),
        ('{"response_minutes": Infinity}', "response_minutes must be a positive number"),
        ('{"response_minutes": null}', "response_minutes must be a positive number"),
        ('{"warn_fraction": 0}', "warn_fraction must be a number between 0 and 1"),
        ('{"warn_fraction": 1}', "warn_fraction must be a number between 0 and 1"),
        ('{"warn_fraction": 80}', "warn_fraction must be a number between 0 and 1"),
        ('{"survey_working_days": 0}', "survey_working_days must be a positive whole number"),
        ('{"survey_working_days": 2.5}', "survey_working_days must be a positive whole number"),
        ('{"install_working_days": "3"}', "install_working_days must be a positive whole number"),
    ],
)
def test_a_bad_override_is_refused_naming_the_key_path(override, path):
    with pytest.raises(ImproperlyConfigured) as refused:
        merge_sla_policy(DEFAULTS, override)
    message = str(refused.value)
    assert message.startswith("FIBEROPS_SLA_POLICY")
    assert path in message


# --- the real start-up ----------------------------------------------------------------------


def start_django(**env: str) -> subprocess.CompletedProcess:
    """`django.setup()` in a fresh interpreter with exactly these FiberOps variables set."""
    environ = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DEBUG", "SECRET_KEY", "FIBEROPS_SLA_POLICY"}
    }
    environ.update(DJANGO_SETTINGS_MODULE="fiberops.settings", **env)
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=settings.BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "ture"}, "DEBUG='ture' is not a boolean"),
        ({"DEBUG": "false"}, "SECRET_KEY"),
        (
            {"DEBUG": "true", "FIBEROPS_SLA_POLICY": '{"repair_hours": {"fault": {"town": 5}}}'},
            "repair_hours.fault.town is not a known key",
        ),
    ],
    ids=["mistyped-debug", "production-without-secret-key", "unknown-sla-key"],
)
def test_django_refuses_to_start_with_a_bad_setting(env, message):
    started = start_django(**env)
    assert started.returncode != 0
    assert re.search(r"ImproperlyConfigured: .*" + re.escape(message), started.stderr), (
        started.stderr
    )


def test_django_starts_in_production_mode_with_a_secret_key():
    started = start_django(DEBUG="false", SECRET_KEY="s3cret-from-the-vault")
    assert started.returncode == 0, started.stderr
