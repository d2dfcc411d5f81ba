"""Small day problems for the planning tests (no database): a few technicians and jobs around
Wuhou, written in the file format so the parser is exercised too."""

from typing import Any

from fiberops.dispatch.planning.check import check_plan
from fiberops.dispatch.planning.problem import Plan, Problem, parse_problem
from fiberops.dispatch.planning.travel import TravelTimes, travel_for

LUNCH = {"earliest": "11:30", "latest": "13:30", "minutes": 30}


def technician(identifier: str, lat: float, lng: float, skills: list[str], **extra: Any) -> dict:
    data = {
        "id": identifier,
        "start": {"lat": lat, "lng": lng},
        "shift": {"start": "08:30", "end": "18:00"},
        "skills": skills,
        "break": LUNCH,
    }
    data.update(extra)
    return data


def job(
    identifier: str,
    lat: float,
    lng: float,
    window: tuple[str, str],
    skills: list[str],
    *,
    minutes: int = 45,
    priority: int = 1,
    pinned_to: str | None = None,
) -> dict:
    return {
        "id": identifier,
        "location": {"lat": lat, "lng": lng},
        "window": {"start": window[0], "end": window[1]},
        "duration_min": minutes,
        "skills": skills,
        "priority": priority,
        "pinned_to": pinned_to,
    }


def small_day() -> dict:
    """Three technicians (one without install, R-WF-1), twelve jobs in four windows, one pin."""
    technicians = [
        technician("T1", 30.630, 104.030, ["install", "repair"]),
        technician("T2", 30.612, 104.037, ["repair"]),
        technician("T3", 30.636, 104.058, ["install", "repair", "iptv"]),
    ]
    windows = [("09:00", "11:00"), ("11:00", "13:00"), ("13:00", "15:00"), ("15:00", "17:00")]
    jobs = []
    for number in range(12):
        skill = ["install", "repair", "iptv"][number % 3]
        jobs.append(
            job(
                f"J{number + 1}",
                30.610 + 0.003 * number,
                104.020 + 0.004 * (number % 5),
                windows[number % 4],
                [skill],
                pinned_to="T3" if number == 5 else None,
            )
        )
    return {"date": "2026-11-26", "technicians": technicians, "jobs": jobs, "travel_minutes": None}


def assert_valid(problem: Problem, plan: Plan, travel: TravelTimes | None = None) -> None:
    """The independent checker finds nothing wrong with the plan."""
    errors = check_plan(problem, plan, travel or travel_for(problem))
    assert errors == [], errors


def parsed(data: dict) -> Problem:
    return parse_problem(data)
