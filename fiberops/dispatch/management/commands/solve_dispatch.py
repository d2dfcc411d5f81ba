"""Plan a day from a problem file and print the plan as JSON (issue 9, docs/dispatch.md).

    python manage.py solve_dispatch --input problem.json --time-limit 10

A file that is not JSON, or a problem that breaks the format, stops the command with an error
naming the field (`jobs[3].window.end: …`) and exit status 1. The plan printed has been checked
by the independent checker; a plan the checker rejects is a bug and also exits non-zero.
"""

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fiberops.dispatch.planning.check import check_plan
from fiberops.dispatch.planning.problem import ProblemError, parse_problem, plan_to_dict
from fiberops.dispatch.planning.solver import solve_problem
from fiberops.dispatch.planning.travel import StraightLineSettings, UrbanArea, travel_for


def straight_line_settings() -> StraightLineSettings:
    """The straight-line provider's parameters from settings (DISPATCH_TRAVEL), else defaults."""
    configured: dict[str, Any] = getattr(settings, "DISPATCH_TRAVEL", {})
    defaults = StraightLineSettings()
    areas = configured.get("urban_areas")
    return StraightLineSettings(
        road_factor=float(configured.get("road_factor", defaults.road_factor)),
        urban_speed_kmh=float(configured.get("urban_speed_kmh", defaults.urban_speed_kmh)),
        rural_speed_kmh=float(configured.get("rural_speed_kmh", defaults.rural_speed_kmh)),
        urban_areas=tuple(UrbanArea(*area) for area in areas)
        if areas is not None
        else defaults.urban_areas,
    )


class Command(BaseCommand):
    help = "Plan a day of field work from a problem file (docs/dispatch.md); prints the plan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, type=Path, help="the problem JSON file")
        parser.add_argument("--time-limit", type=float, default=10.0, help="solver seconds")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["input"])
        if options["time_limit"] <= 0:
            raise CommandError("--time-limit must be positive")
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{path} is not JSON: {error.msg} (line {error.lineno}, column {error.colno})"
            ) from None
        try:
            problem = parse_problem(raw)
        except ProblemError as error:
            raise CommandError(f"{path}: {error}") from None
        travel = travel_for(problem, straight_line_settings())
        plan = solve_problem(
            problem, travel, time_limit_s=options["time_limit"], seed=options["seed"]
        )
        errors = check_plan(problem, plan, travel)
        if errors:
            raise CommandError("the plan fails the checker: " + "; ".join(errors[:5]))
        self.stdout.write(json.dumps(plan_to_dict(plan), ensure_ascii=False, indent=2))
