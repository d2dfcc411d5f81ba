"""`manage.py solve_dispatch --input problem.json --time-limit N` prints a checked plan; a bad
file stops it with the field named and a non-zero exit status (issue 9)."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from fiberops.dispatch.planning.check import check_plan
from fiberops.dispatch.planning.problem import parse_problem, plan_from_dict
from fiberops.dispatch.planning.travel import travel_for
from fiberops.dispatch.tests.planning_helpers import small_day

ROOT = Path(__file__).resolve().parents[3]


def write(tmp_path: Path, data) -> Path:
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


def test_the_command_prints_a_plan_the_checker_accepts(tmp_path):
    data = small_day()
    out = StringIO()
    call_command("solve_dispatch", input=str(write(tmp_path, data)), time_limit=0.5, stdout=out)
    plan = plan_from_dict(json.loads(out.getvalue()))
    problem = parse_problem(data)
    assert check_plan(problem, plan, travel_for(problem)) == []


def test_a_bad_field_is_named(tmp_path):
    data = small_day()
    data["jobs"][3]["window"]["end"] = "11h"
    with pytest.raises(CommandError, match=r"jobs\[3\]\.window\.end"):
        call_command("solve_dispatch", input=str(write(tmp_path, data)), time_limit=0.5)


def test_a_file_that_is_not_json_is_refused(tmp_path):
    with pytest.raises(CommandError, match="is not JSON"):
        call_command("solve_dispatch", input=str(write(tmp_path, "{nope")), time_limit=0.5)


def test_bad_input_exits_non_zero_with_the_field_on_stderr(tmp_path):
    data = small_day()
    del data["technicians"][1]["skills"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "fiberops.settings_test"}
    done = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "solve_dispatch", "--input", str(write(tmp_path, data))],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "technicians[1].skills: is missing" in done.stderr
    assert done.stdout == ""
