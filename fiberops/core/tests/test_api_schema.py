"""The API answers as its OpenAPI schema says (issue 6: "the API schema tells the truth").

The schema fuzz test. schemathesis reads `/api/schema/` from the WSGI application and, for every
operation, sends the schema's examples, the cases of its coverage phase (boundaries, missing and
wrong-typed fields, unexpected methods) and `MAX_EXAMPLES` generated ones, over seeded orders.
Every answer must be no server error, carry a status the operation documents, the documented
content type and the documented body (the `ErrorEnvelope` for every 4xx). Any finding fails the
test: one pytest item per operation, named after it.

Reproducible: a fixed seed, derandomised generation, no example database, frozen time. Ids in
the path cycle through the seeded orders by position, so SQLite and PostgreSQL (whose ids differ)
see the same requests. Runs in `make test` on SQLite and again in `.ci/run` on PostgreSQL.
"""

import datetime as dt
import io
from itertools import count

import hypothesis
import pytest
import schemathesis
import time_machine
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from PIL import Image
from rest_framework.authtoken.models import Token

from fiberops.core.idempotency import HEADER, KEY_PATTERN
from fiberops.dispatch.actions import record_contact_attempt
from fiberops.onsite.actions import add_photo
from fiberops.testing import World, make_order, make_world
from fiberops.workorders.actions import (
    accept_order,
    book_appointment,
    cancel_order,
    dispatch_order,
    perform,
    suspend_order,
)
from fiberops.workorders.models import WorkOrder

#: Generated cases per operation (fuzzing phase), on top of the examples and the coverage
#: phase's cases: about 2,700 requests in all, 30-45 s on SQLite and about 40 s on PostgreSQL on
#: the 2-core CI machine. Raise it locally for a deeper run; keep CI within a minute.
MAX_EXAMPLES = 60
SEED = 20261103

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]


def small_jpeg(colour: str) -> bytes:
    """A photo to upload (R-PHO-1): 64 × 48 pixels of one colour."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, format="JPEG")
    return buffer.getvalue()


#: The fuzz runs at this time (a Tuesday, 10:00 in Shanghai); the orders are seeded a day before.
FUZZ_AT = dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC)
SEEDED_AT = FUZZ_AT - dt.timedelta(days=1)

#: Operations (by path ending) only a technician may perform: they are called as the seeded
#: orders' technician, everything else as an administrator (who sees every order).
TECHNICIAN_PATHS = (
    "/accept/",
    "/return/",
    "/appoint/",
    "/depart/",
    "/arrive/",
    "/complete/",
    "/rework/",
    "/confirm/",
    "/complete-survey/",
    "/contact-attempts/",
    "/photos/",
    "/checklist/",
    "/safety-deferral/",
    "/satisfaction/",
    "/signature/",
)


def seed_orders(world: World) -> list[WorkOrder]:
    """Orders in most statuses, with and without customer, clocks and contact attempts; the
    dispatched ones belong to the world's technician."""
    tech, dispatcher = world.technician_user, world.dispatcher

    def dispatched(order_type: str, **options) -> WorkOrder:
        order = make_order(world, order_type=order_type, **options)
        dispatch_order(order, technician=world.technician, actor=dispatcher)
        return order

    new = [make_order(world, order_type=kind) for kind in ("install", "fault", "inspection")]
    # An install with its splitter port: the labels (labels.pdf) are printed for it, every
    # other order answers 404 `no_resource` there.
    with_port = make_order(world, splitter_port=world.box.ports.get(number=1))
    just_dispatched = dispatched("fault")
    accepted = dispatched("install")
    accept_order(accepted, actor=tech)
    record_contact_attempt(accepted, channel="phone", outcome="no_answer", actor=tech)
    surveying = dispatched("install", requires_survey=True)
    accept_order(surveying, actor=tech)
    appointed = dispatched("complaint")
    accept_order(appointed, actor=tech)
    book_appointment(
        appointed,
        starts_at=FUZZ_AT + dt.timedelta(days=1),
        ends_at=FUZZ_AT + dt.timedelta(days=1, hours=2),
        actor=tech,
    )
    on_site = dispatched("fault")
    for action in ("accept", "depart", "arrive"):
        perform(on_site, action, actor=tech)
    completed = dispatched("fault")
    for action in ("accept", "depart", "arrive", "complete"):
        perform(completed, action, actor=tech)
    suspended = dispatched("fault")
    suspend_order(suspended, actor=dispatcher, reason="客户出差")
    cancelled = make_order(world, order_type="removal")
    cancel_order(cancelled, actor=dispatcher, reason="客户撤单")
    return [
        *new,
        with_port,
        just_dispatched,
        accepted,
        surveying,
        appointed,
        on_site,
        completed,
        suspended,
        cancelled,
    ]


@pytest.fixture
def seeded(db):
    with time_machine.travel(FUZZ_AT, tick=False):
        with time_machine.travel(SEEDED_AT, tick=False):
            world = make_world()
            orders = seed_orders(world)
            on_site = next(order for order in orders if order.status == "on_site")
            photo, _created = add_photo(
                on_site, kind="route", data=small_jpeg("red"), actor=world.technician_user
            )
        yield {
            "admin": Token.objects.get_or_create(user=world.admin)[0].key,
            "technician": Token.objects.get_or_create(user=world.technician_user)[0].key,
            "order_ids": [order.pk for order in orders],
            "next_order": count(),
            "cases": count(),
            "staff_nos": [world.technician.staff_no, world.teammate.staff_no, "NOPE"],
            "grids": [world.grid.code, world.rural_grid.code],
            "photo": (on_site.pk, photo.pk),
            "jpegs": [small_jpeg("red"), small_jpeg("blue")],
        }


@pytest.fixture(autouse=True)
def _requests_keep_the_connection():
    """Requests go to Django's WSGI handler inside the test's transaction: like Django's test
    client, they must not close the connection (that would end the transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
            # The tokens are ours: fuzzing them would only lock the address out (429).
            "with-security-parameters": False,
        },
        # Sequences of calls are left out: the phases above already take minutes to outgrow.
        "phases": {"stateful": {"enabled": False}},
    }
)
#: Read at import: generating the schema needs no database, only the URLconf and serializers.
#: (schemathesis' lazy `from_fixture` would read it inside the test, but breaks on pytest 9.2:
#: it sets `Function._nodeid`, which pytest no longer has.)
schema = schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler(), config=CONFIG)


def steer(case, seeded) -> None:
    """Point generated ids at the seeded orders (the next one each time: every order meets every
    operation) and some staff numbers and grid codes at real ones, so that the fuzz gets past 404
    and 400 into the actions. Multiples of 7, negative and non-numeric ids stay as
    generated (mostly 404)."""
    for name in ("id", "order_pk"):
        value = (case.path_parameters or {}).get(name)
        if isinstance(value, bool) or not isinstance(value, int | str):
            continue
        if str(value).isdigit() and (int(value) % 7 or int(value) == 0):
            ids = seeded["order_ids"]
            case.path_parameters[name] = ids[next(seeded["next_order"]) % len(ids)]
    photo_pk = (case.path_parameters or {}).get("photo_pk")
    if isinstance(photo_pk, int) and not isinstance(photo_pk, bool) and photo_pk % 7:
        case.path_parameters["order_pk"], case.path_parameters["photo_pk"] = seeded["photo"]
    key = (case.headers or {}).get(HEADER)
    if isinstance(key, str) and KEY_PATTERN.match(key) and next(seeded["cases"]) % 5:
        # The generator repeats a few short keys; four cases in five get a fresh one, or most
        # writes would stop at 422 `idempotency_key_reused` and never reach the action.
        case.headers[HEADER] = f"{key[:40]}-{next(seeded['cases'])}"
    body = case.body
    if not isinstance(body, dict):
        return
    if "file" in body and next(seeded["cases"]) % 2:
        # Half the uploads get a real photo (stored, or the first one again: 200).
        body["file"] = seeded["jpegs"][next(seeded["cases"]) % 2]
    if isinstance(body.get("occurred_at"), str) and len(body["occurred_at"]) % 2 == 0:
        del body["occurred_at"]  # generated device times are mostly days old: 400
    if isinstance(body.get("technician"), str) and len(body["technician"]) % 2:
        body["technician"] = seeded["staff_nos"][len(body["technician"]) % 3]
    number = body.get("bss_order_no")
    if isinstance(number, str) and len(number) % 2 == 0:
        # Every other intake gets the values the generator rarely hits (a known grid, a recent
        # acceptance, a Chinese phone number), so that orders are created, replayed and refused
        # as conflicting replays. Its port is dropped: the grid may not be the box's.
        body.pop("resource", None)
        body["grid"] = seeded["grids"][len(number) % 4 // 2]
        body["accepted_at"] = (FUZZ_AT - dt.timedelta(hours=len(number) % 3)).isoformat()
        if isinstance(body.get("customer"), dict):
            body["customer"]["phone"] = f"1380000{len(number):04d}"
    elif isinstance(body.get("grid"), str) and len(body["grid"]) % 2:
        body["grid"] = seeded["grids"][len(body["grid"]) % 2]


@pytest.mark.schema_fuzz
@schema.parametrize()
# The seeded data is set up once per operation and shared by its cases on purpose: what one case
# wrote (an order dispatched, cancelled) is the state the next one meets.
@hypothesis.settings(suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture])
def test_the_api_answers_as_its_schema_says(case, seeded):
    steer(case, seeded)
    caller = "technician" if case.operation.path.endswith(TECHNICIAN_PATHS) else "admin"
    case.call_and_validate(headers={"Authorization": f"Token {seeded[caller]}"}, checks=CHECKS)
