"""Solomon VRPTW instances (the DIMACS `distance/` convention) solved with PyVRP, for the benchmark.

The files are TSPLIB-like (`NODE_COORD_SECTION`, `DEMAND_SECTION`, `TIME_WINDOW_SECTION`,
`DEPOT_SECTION`). The DIMACS convention scales by `SCALE` (10) and truncates: distances and times
are whole tenths, so integers here are tenths of a unit and the reported distance is divided by
the scale. The first node is the depot. The checker is `check.check_vrptw`, which knows nothing
of PyVRP.
"""

import math
from dataclasses import dataclass
from pathlib import Path

from fiberops.dispatch.planning.check import VrptwInstance


@dataclass(frozen=True)
class SolomonResult:
    """One solved instance: distance in the instance's units, routes as customer node indices."""

    name: str
    distance: float
    vehicles: int
    feasible: bool
    routes: list[list[int]]
    seconds: float


def read_solomon(path: Path) -> VrptwInstance:
    """Read a `distance/NAME.100.V.vrptw` file into integer tenths (FLOOR_2D with SCALE)."""
    header: dict[str, str] = {}
    sections: dict[str, list[list[str]]] = {}
    current: str | None = None
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line == "EOF":
            continue
        if line.endswith("SECTION"):
            current = line
            sections[current] = []
        elif current is None and ":" in line:
            key, value = line.split(":", 1)
            header[key.strip()] = value.strip()
        elif current is not None:
            sections[current].append(line.split())
    scale = int(header.get("SCALE", "1"))
    coordinates = [(float(row[1]), float(row[2])) for row in sections["NODE_COORD_SECTION"]]
    demands = [int(row[1]) for row in sections["DEMAND_SECTION"]]
    windows = [
        (int(float(row[1]) * scale), int(float(row[2]) * scale))
        for row in sections["TIME_WINDOW_SECTION"]
    ]
    service = int(float(header.get("SERVICE_TIME", "0")) * scale)
    size = len(coordinates)
    matrix = [
        [math.floor(scale * math.dist(coordinates[i], coordinates[j]) + 1e-9) for j in range(size)]
        for i in range(size)
    ]
    return VrptwInstance(
        name=header.get("NAME", path.stem),
        scale=scale,
        vehicles=int(header["VEHICLES"]),
        capacity=int(header["CAPACITY"]),
        demands=demands,
        windows=windows,
        service=[0] + [service] * (size - 1),
        matrix=matrix,
        coordinates=coordinates,
    )


def solve_solomon(instance: VrptwInstance, *, seconds: float, seed: int = 1) -> SolomonResult:
    """Solve one instance with PyVRP for `seconds`; distance only (no vehicle cost)."""
    import time

    from pyvrp import Model
    from pyvrp.stop import MaxRuntime

    model = Model()
    locations = [model.add_location(x=x, y=y) for x, y in instance.coordinates]
    depot = model.add_depot(
        locations[0], tw_early=instance.windows[0][0], tw_late=instance.windows[0][1]
    )
    # Distance only (DIMACS): the fleet is not limited. The file's VEHICLES is the best-known
    # solution's count; holding PyVRP to exactly that leaves it stuck infeasible on C101.
    model.add_vehicle_type(
        num_available=len(locations) - 1,
        capacity=instance.capacity,
        start_depot=depot,
        end_depot=depot,
        tw_early=instance.windows[0][0],
        tw_late=instance.windows[0][1],
    )
    for node in range(1, len(locations)):
        early, late = instance.windows[node]
        model.add_client(
            locations[node],
            delivery=instance.demands[node],
            service_duration=instance.service[node],
            tw_early=early,
            tw_late=late,
        )
    for i, frm in enumerate(locations):
        for j, to in enumerate(locations):
            if i != j:
                model.add_edge(
                    frm, to, distance=instance.matrix[i][j], duration=instance.matrix[i][j]
                )
    began = time.perf_counter()
    result = model.solve(stop=MaxRuntime(seconds), seed=seed, display=False, collect_stats=False)
    elapsed = time.perf_counter() - began
    solution = result.best
    # PyVRP numbers clients from 0; the file's node 0 is the depot, so node = client index + 1.
    routes = [
        [activity.idx + 1 for activity in route.schedule() if activity.is_client()]
        for route in solution.routes()
    ]
    return SolomonResult(
        name=instance.name,
        distance=solution.distance() / instance.scale,
        vehicles=len(routes),
        feasible=solution.is_feasible(),
        routes=routes,
        seconds=elapsed,
    )
