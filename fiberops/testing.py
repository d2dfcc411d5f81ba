"""Personas and make_* helpers shared by all tests (STYLE habit 13). Data is set up through
actions wherever an action exists."""

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from itertools import count

from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from fiberops.accounts.choices import Role
from fiberops.accounts.models import User
from fiberops.network.models import SplitterBox, SplitterPort
from fiberops.workforce.models import Branch, Grid, Skill, Team, Technician
from fiberops.workorders.actions import CustomerData, IntakeData, intake_order
from fiberops.workorders.models import WorkOrder

_serial = count(1)

#: Where the phone of the browser tests stands (conftest's `phone` fixture): a few metres from a
#: customer made at `PHONE_CUSTOMER_LAT`/`PHONE_CUSTOMER_LNG`.
PHONE_CUSTOMER_LAT, PHONE_CUSTOMER_LNG = "30.627100", "104.036200"
PHONE_POSITION = {"latitude": 30.62713, "longitude": 104.03622, "accuracy": 12}


def make_user(username: str, role: str, **fields) -> User:
    return User.objects.create_user(
        username=username, password="pw-" + username, role=role, **fields
    )


def make_technician(staff_no: str, team: Team, *, user: User | None = None, **fields) -> Technician:
    fields.setdefault("certified_until", dt.date(2030, 12, 31))
    return Technician.objects.create(
        staff_no=staff_no, name=f"技术员{staff_no}", team=team, user=user, **fields
    )


@dataclass
class World:
    """Two branches and the people of the persona matrix (docs/architecture.md, "Scopes")."""

    urban: Branch
    rural: Branch
    grid: Grid
    other_grid: Grid
    rural_grid: Grid
    team: Team
    other_team: Team
    rural_team: Team
    admin: User
    bss: User
    dispatcher: User
    manager: User
    leader: User
    technician_user: User
    technician: Technician
    teammate: Technician
    other_team_technician: Technician
    rural_technician: Technician
    foreign_dispatcher: User
    foreign_leader: User
    cs_agent: User
    auditor: User
    box: SplitterBox

    def client(self, user: User) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client


def restore_seeded_rows() -> None:
    """Put back the rows data migrations seed (the install/relocation checklists), idempotently:
    a transactional test's flush deletes them for the tests that follow it."""
    import importlib

    from django.apps import apps

    importlib.import_module("fiberops.onsite.migrations.0003_checklist").seed_checklists(apps, None)


def make_world() -> World:
    restore_seeded_rows()
    urban = Branch.objects.create(code="WH", name="武侯区", area_type="urban")
    rural = Branch.objects.create(code="PJ", name="蒲江县", area_type="rural")
    grid = Grid.objects.create(code="WH-01", name="红牌楼网格", branch=urban)
    other_grid = Grid.objects.create(code="WH-02", name="簇桥网格", branch=urban)
    rural_grid = Grid.objects.create(code="PJ-01", name="鹤山网格", branch=rural)
    team = Team.objects.create(code="T-WH-01", name="红牌楼一班", grid=grid)
    # A second team in the same grid: scopes must not repeat rows through the grid's teams.
    Team.objects.create(code="T-WH-01B", name="红牌楼二班", grid=grid)
    other_team = Team.objects.create(code="T-WH-02", name="簇桥一班", grid=other_grid)
    rural_team = Team.objects.create(code="T-PJ-01", name="鹤山一班", grid=rural_grid)
    Skill.objects.create(code="ftth", name="FTTH装机")
    technician_user = make_user("tech", Role.TECHNICIAN)
    teammate_user = make_user("teammate", Role.TECHNICIAN)
    box = SplitterBox.objects.create(code="WH01-FX-001", grid=grid, port_count=64)
    SplitterPort.objects.bulk_create([SplitterPort(box=box, number=n) for n in range(1, 65)])
    world = World(
        urban=urban,
        rural=rural,
        grid=grid,
        other_grid=other_grid,
        rural_grid=rural_grid,
        team=team,
        other_team=other_team,
        rural_team=rural_team,
        admin=make_user("admin", Role.ADMIN),
        bss=make_user("bss", Role.INTEGRATION),
        dispatcher=make_user("dispatcher", Role.DISPATCHER, branch=urban),
        manager=make_user("manager", Role.BRANCH_MANAGER, branch=urban),
        leader=make_user("leader", Role.TEAM_LEADER, team=team),
        technician_user=technician_user,
        technician=make_technician("Z001", team, user=technician_user),
        teammate=make_technician("Z002", team, user=teammate_user),
        other_team_technician=make_technician("Z003", other_team),
        rural_technician=make_technician("P001", rural_team),
        foreign_dispatcher=make_user("foreign_dispatcher", Role.DISPATCHER, branch=rural),
        foreign_leader=make_user("foreign_leader", Role.TEAM_LEADER, team=rural_team),
        cs_agent=make_user("cs", Role.CS_AGENT),
        auditor=make_user("auditor", Role.QUALITY_AUDITOR),
        box=box,
    )
    # The persona technicians hold every skill an order type needs (R-WF-1): tests of other
    # rules dispatch any type to them.
    for technician in (
        world.technician,
        world.teammate,
        world.other_team_technician,
        world.rural_technician,
    ):
        give_all_skills(technician)
    return world


def give_all_skills(technician: Technician) -> None:
    """Every skill code of `workorders.policy` (created when missing)."""
    from fiberops.workorders.policy import ORDER_TYPES

    codes = sorted({code for policy in ORDER_TYPES.values() for code in policy.skills})
    technician.skills.add(
        *[Skill.objects.get_or_create(code=code, defaults={"name": code})[0] for code in codes]
    )


def intake_payload(**overrides) -> dict:
    """A valid POST /api/v1/work-orders/ body. Each takes another port of the world's box (a port
    holds one live service), cycling through its 64 ports."""
    serial = next(_serial)
    payload = {
        "bss_order_no": f"BSS{serial:08d}",
        "order_type": "install",
        "accepted_at": "2026-09-30T10:00:00+08:00",
        "grid": "WH-01",
        "customer": {
            "name": "张三",
            "phone": "13812345678",
            "address": "成都市武侯区红牌楼街道佳灵路3号2栋1单元502",
            "lat": "30.627100",
            "lng": "104.036200",
        },
        "plan_mbps": 1000,
        "broadband_account": f"cd{serial:08d}@bb",
        "resource": {"splitter_box": "WH01-FX-001", "port": serial % 64 + 1},
        "description": "新装1000M宽带",
    }
    payload.update(overrides)
    return payload


def make_order(
    world: World,
    *,
    order_type: str = "install",
    accepted_at: dt.datetime | None = None,
    grid: Grid | None = None,
    requires_survey: bool = False,
    bss_order_no: str | None = None,
    splitter_port: SplitterPort | None = None,
    customer_phone: str | None = None,
) -> WorkOrder:
    """An order taken in from the BSS; a new customer each time unless `customer_phone` names
    one (the same phone finds the same customer)."""
    order, _ = intake_order(
        actor=world.bss,
        data=IntakeData(
            bss_order_no=bss_order_no or f"BSS{next(_serial):08d}",
            order_type=order_type,
            accepted_at=accepted_at or dt.datetime(2026, 9, 30, 2, 0, tzinfo=dt.UTC),
            grid=grid or world.grid,
            customer=CustomerData(
                name="李四",
                phone=customer_phone or f"139{next(_serial):08d}",
                address="成都市武侯区簇锦街道1号",
            ),
            plan_mbps=500,
            broadband_account=f"cd{next(_serial):08d}@bb",
            requires_survey=requires_survey,
            splitter_port=splitter_port,
        ),
    )
    return order


def run_concurrently[T](work: Callable[[], T], workers: int = 4) -> list[T]:
    """Run `work` in `workers` threads released together; each thread has its own database
    connection (closed at the end). Re-raises the first error a thread met."""
    barrier = threading.Barrier(workers)
    results: list[T] = []
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait()
            results.append(work())
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def require_postgresql() -> None:
    import pytest

    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL: run it with DATABASE_URL=postgres://…")


def dispatch_and_complete(world: World, order: WorkOrder) -> WorkOrder:
    """Dispatch to the world's technician and walk the order to `completed` through the actions."""
    from fiberops.workorders.actions import dispatch_order, perform
    from fiberops.workorders.policy import policy_for

    dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    for action in ["accept", "depart", "arrive"]:
        perform(order, action, actor=world.technician_user)
    if policy_for(order.order_type).needs_acceptance:
        record_acceptance_evidence(order, world.technician_user)
    perform(order, "complete", actor=world.technician_user)
    return order


def record_acceptance_evidence(order: WorkOrder, actor: User, *, signed: bool = True) -> None:
    """Record the acceptance evidence (issue 8) as the technician on site would: every element
    holding, the four photos, the ten-step checklist (`record_checklist`) and (unless `signed` is
    False) the customer's sign-off; an order without a resource record first gets a free port of
    its grid by a resource change. The order must be on site."""
    from fiberops.network.models import SplitterPort
    from fiberops.onsite.acceptance import record_acceptance
    from fiberops.workorders.actions import change_resource

    order.refresh_from_db()
    if order.splitter_port is None:
        taken = WorkOrder.objects.filter(holds_port=True).values("splitter_port")
        port = (
            SplitterPort.objects.filter(box__grid=order.grid)
            .exclude(pk__in=taken)
            .select_related("box")
            .order_by("box__code", "number")
            .first()
        )
        assert port is not None, "no free port in the order's grid"  # noqa: S101 - test data
        change_resource(order, box=port.box.code, port=port.number, reason="测试", actor=actor)
        order.refresh_from_db()
    port = order.splitter_port
    assert port is not None  # noqa: S101 - set above
    readings: list[tuple[str, dict]] = [
        ("resource", {"box": port.box.code, "port": port.number}),
        ("optical_power", {"rx_power_dbm": "-19.5"}),
        ("speed", {"measured_mbps": str(order.plan_mbps or 100)}),
        ("ont", {"loid": "LOID-TEST-0001", "pppoe_dial_ok": True}),
        ("aaa", {}),
    ]
    for element, values in readings:
        record_acceptance(order, element=element, values=values, actor=actor)
    add_evidence_photos(order, actor)
    record_checklist(order, actor)
    if signed:
        sign_off(order, actor)


def record_checklist(order: WorkOrder, actor: User) -> None:
    """Answer every item of the order's checklist (R-SITE-1..5) in one go, as the technician on
    site would: done, except a two-person item that may be not applicable (worked alone). The
    order must be on site; an order type without a checklist records nothing."""
    from fiberops.onsite.checklist import Answer, record_checklist_items, template_items

    answers = [
        Answer(
            item=item.code,
            answer="not_applicable" if item.needs_partner else "done",
        )
        for item in template_items(order)
        if not item.needs_partner or item.allows_not_applicable
    ]
    if answers:
        record_checklist_items(order, answers, actor=actor)


def sign_off(order: WorkOrder, actor: User) -> None:
    """The customer's sign-off (R-SITE-3, R-SITE-6): satisfied, then a drawn signature."""
    from fiberops.onsite.signoff import record_satisfaction, sign_confirmation

    record_satisfaction(order, satisfied=True, actor=actor)
    sign_confirmation(order, signature_png=synthetic_signature(order.pk), actor=actor)


def synthetic_signature_png(seed: int = 0, *, size: tuple[int, int] = (600, 200)) -> bytes:
    """A signature made here: a few dark strokes on a transparent PNG, as a signing pad gives."""
    import io
    import random

    from PIL import Image, ImageDraw

    rng = random.Random(seed)  # noqa: S311 - test pictures, not secrets
    image = Image.new("RGBA", size, (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    width, height = size
    points = [
        (int(width * (0.1 + 0.8 * step / 11)), rng.randrange(height // 4, 3 * height // 4))
        for step in range(12)
    ]
    draw.line(points, fill=(10, 10, 40, 255), width=max(3, height // 40), joint="curve")
    draw.line([(width // 5, height * 4 // 5), (width * 4 // 5, height * 3 // 4)], fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def synthetic_signature(seed: int = 0) -> str:
    """`synthetic_signature_png` as the data URL the signature endpoint takes."""
    import base64

    return "data:image/png;base64," + base64.b64encode(synthetic_signature_png(seed)).decode()


def synthetic_photo(seed: int, *, qr_text: str | None = None) -> bytes:
    """A JPEG made here (no binary fixtures): a picture of its own (random blocks, so that
    perceptual hashes of different seeds differ), with a QR code of `qr_text` pasted in."""
    import io
    import random

    import zxingcpp
    from PIL import Image, ImageDraw

    rng = random.Random(seed)  # noqa: S311 - test pictures, not secrets
    image = Image.new(
        "RGB", (640, 480), (rng.randrange(256), rng.randrange(256), rng.randrange(256))
    )
    draw = ImageDraw.Draw(image)
    for _ in range(24):
        x, y = rng.randrange(600), rng.randrange(440)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.rectangle([x, y, x + rng.randrange(40, 200), y + rng.randrange(40, 160)], fill=colour)
    if qr_text is not None:
        code = zxingcpp.create_barcode(qr_text, zxingcpp.BarcodeFormat.QRCode)
        qr = Image.fromarray(zxingcpp.write_barcode_to_image(code, scale=6))
        image.paste(qr.convert("RGB"), (220, 120))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def add_evidence_photos(order: WorkOrder, actor: User) -> None:
    """The four photos of an install (R-PHO-1..4), the splitter's with the order's label."""
    from fiberops.network.labels import label_payload
    from fiberops.onsite.actions import add_photo

    port = order.splitter_port
    label = label_payload(order.bss_order_no, port.box.code, port.number) if port else None
    for n, kind in enumerate(["route", "splitter_label", "ont_stb", "acceptance_form"]):
        data = synthetic_photo(
            order.pk * 10 + n, qr_text=label if kind == "splitter_label" else None
        )
        add_photo(order, kind=kind, data=data, filename=f"{kind}.jpg", actor=actor)
