"""Serving like production (issue: hardening): DEBUG off unless asked for, the deploy checks clean
with HTTPS on, /healthz checks the database, logs are one JSON object per line."""

import json
import os
import subprocess
import sys
from unittest import mock

import yaml
from django.conf import settings
from django.db import DatabaseError
from django.test import Client

STRONG_KEY = "Xq7" + "k" * 20 + "-production-like-secret-key-9f8e7d6c5b4a"


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """`manage.py *args` in a fresh interpreter with exactly these FiberOps variables set."""
    environ = {
        name: value
        for name, value in os.environ.items()
        if name
        not in {
            "DEBUG",
            "SECRET_KEY",
            "HTTPS",
            "LOG_FORMAT",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    environ.update(env)
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_debug_is_off_unless_asked_for():
    # No DEBUG in the environment: production mode, which refuses the missing key.
    started = run_manage("check")
    assert started.returncode != 0
    assert "SECRET_KEY is not set" in started.stderr
    shown = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        SECRET_KEY=STRONG_KEY,
    )
    assert shown.stdout.strip().splitlines()[-1] == "False", shown.stderr


def test_check_deploy_is_clean_with_https_on():
    checked = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=STRONG_KEY,
        HTTPS="true",
        ALLOWED_HOSTS="fiberops.example",
    )
    assert checked.returncode == 0, checked.stderr + checked.stdout
    assert "no issues" in checked.stdout


def test_logs_are_one_json_object_per_line():
    logged = run_manage(
        "shell",
        "-c",
        "import logging; logging.getLogger('fiberops.x').warning('派单 %s', 'ok')",
        SECRET_KEY=STRONG_KEY,
    )
    lines = [line for line in logged.stderr.splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line parses
    ours = [r for r in records if r["logger"] == "fiberops.x"]
    assert ours and ours[0]["message"] == "派单 ok" and ours[0]["level"] == "WARNING"


def test_healthz_answers_200_when_the_database_answers(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_does_not(db):
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=DatabaseError("connection refused"),
    ):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def test_healthz_is_not_redirected_to_https(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/login/").status_code == 301


def test_compose_runs_the_app_the_worker_and_postgresql_from_real_commands():
    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"app", "worker", "db"} <= set(services)
    assert "gunicorn" in " ".join(services["app"]["command"])
    assert services["worker"]["command"][2:4] == ["run_sla_clock", "--loop"]
    assert services["migrate"]["command"][2:] == ["migrate", "--noinput"]
    assert services["db"]["image"].startswith("postgres:")
    for name in ("app", "worker", "migrate"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert "SECRET_KEY" in env


def test_compose_keeps_the_photos_in_a_named_media_volume():
    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
    app = compose["services"]["app"]
    media_root = app["environment"]["MEDIA_ROOT"]
    assert f"media:{media_root}" in app["volumes"]
    assert "media" in compose["volumes"]
