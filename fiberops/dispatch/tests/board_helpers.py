"""A realistic dispatcher's day for the board's tests and its screenshot (issue 9): technicians
of the world's urban grids, jobs booked through the verbs at customers with positions, and
unassigned faults, complaints and installs."""

import datetime as dt
import random

import time_machine

from fiberops.accounts.choices import Role
from fiberops.core.clock import SHANGHAI
from fiberops.testing import World, give_all_skills, make_technician, make_user
from fiberops.workforce.models import Technician
from fiberops.workorders.actions import (
    CustomerData,
    IntakeData,
    accept_order,
    book_appointment,
    dispatch_order,
    intake_order,
)
from fiberops.workorders.models import WorkOrder

#: The board's day in the tests: a Tuesday; the office looks at it at 07:30 Shanghai time.
BOARD_DAY = dt.date(2026, 11, 24)
MORNING = dt.datetime(2026, 11, 24, 7, 30, tzinfo=SHANGHAI)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
STREETS = ["佳灵路", "武侯大道", "簇锦北路", "高升桥路", "红牌楼路", "晋吉南路", "双楠路", "逸都路"]


def board_technicians(world: World, count: int, start: int = 100) -> list[Technician]:
    """`count` technicians with accounts and every skill, alternating between the two urban
    grids' teams."""
    technicians = []
    for n in range(start, start + count):
        team = world.team if n % 3 else world.other_team
        user = make_user(f"t{n}", Role.TECHNICIAN)
        technician = make_technician(f"Z{n}", team, user=user)
        technician.name = SURNAMES[n % len(SURNAMES)] + "师傅" + str(n % 100)
        technician.save(update_fields=["name"])
        give_all_skills(technician)
        technicians.append(technician)
    return technicians


def customer(rng: random.Random, n: int) -> CustomerData:
    return CustomerData(
        name=SURNAMES[n % len(SURNAMES)] + "先生",
        phone=f"139{rng.randrange(10**8):08d}",
        address=f"成都市武侯区{rng.choice(STREETS)}{rng.randint(1, 200)}号",
        lat=f"{rng.uniform(30.60, 30.66):.6f}",
        lng=f"{rng.uniform(104.00, 104.07):.6f}",
    )


def new_order(world: World, rng: random.Random, n: int, order_type: str, grid=None) -> WorkOrder:
    order, _created = intake_order(
        actor=world.bss,
        data=IntakeData(
            bss_order_no=f"BRD{n:07d}",
            order_type=order_type,
            accepted_at=MORNING - dt.timedelta(minutes=rng.randint(5, 600)),
            grid=grid or world.grid,
            customer=customer(rng, n),
            plan_mbps=500,
            broadband_account=f"brd{n:07d}@bb",
            requires_survey=False,
        ),
    )
    return order


def booked_jobs(
    world: World, technicians: list[Technician], jobs: int, *, seed: int = 9, first: int = 1
) -> list[WorkOrder]:
    """`jobs` orders dispatched, accepted and booked for BOARD_DAY, spread over the
    technicians in one- to two-hour windows from 08:00 to 19:00."""
    rng = random.Random(seed)
    orders = []
    next_start = {t.pk: 8 * 60 + rng.choice([0, 30, 60]) for t in technicians}
    with time_machine.travel(MORNING - dt.timedelta(hours=12), tick=False):
        for n in range(first, first + jobs):
            technician = technicians[n % len(technicians)]
            kind = rng.choice(["install", "install", "fault", "removal", "complaint"])
            order = new_order(world, rng, n, kind, grid=technician.team.grid)
            dispatch_order(order, technician=technician, actor=world.dispatcher)
            accept_order(order, actor=technician.user)
            start = next_start[technician.pk]
            length = rng.choice([60, 90, 120])
            next_start[technician.pk] = min(start + length + rng.choice([0, 30, 60, 90]), 18 * 60)
            starts_at = dt.datetime.combine(BOARD_DAY, dt.time(0), tzinfo=SHANGHAI) + dt.timedelta(
                minutes=start
            )
            book_appointment(
                order,
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(minutes=length),
                actor=technician.user,  # type: ignore[arg-type]
            )
            orders.append(order)
    return orders


def unassigned_orders(world: World, count: int, *, seed: int = 5, first: int = 9000) -> list:
    rng = random.Random(seed)
    kinds = ["fault", "complaint", "install", "install", "removal", "survey"]
    with time_machine.travel(MORNING - dt.timedelta(minutes=2), tick=False):
        return [
            new_order(
                world,
                rng,
                n,
                kinds[n % len(kinds)],
                grid=rng.choice([world.grid, world.other_grid]),
            )
            for n in range(first, first + count)
        ]
