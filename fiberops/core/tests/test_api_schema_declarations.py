"""What the OpenAPI schema declares (issue 6: "the API schema tells the truth"): each action's own
body, its real success status, its refusals in the error envelope, nullable times, every list
filter. `test_api_schema.py` checks the answers against these declarations by fuzzing; these
tests say what must be declared at all, and run in a second."""

import io

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

from fiberops.workorders.states import TRANSITIONS

ENVELOPE = {"$ref": "#/components/schemas/ErrorEnvelope"}


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema: dict):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_the_schema_validates_without_a_warning():
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null", stdout=io.StringIO()
    )


def test_every_operation_declares_its_refusals_with_the_error_envelope(schema):
    for path, method, operation in operations(schema):
        expected = {"400", "401", "404", "429"}
        if path.endswith("/service-note.pdf"):  # a logged unmasking: refused to some roles
            expected.add("403")
        if path.endswith("/suggestions/"):  # only roles that dispatch (issue 9)
            expected.add("403")
        if path.endswith("/export/"):  # the network inventory: the office's roles (R-RES-1)
            expected.add("403")
        if path.startswith("/api/v1/kpis/"):
            # A KPI is a computed list: no object or page to miss (no 404), and a role check
            # (technicians and the integration account: 403).
            expected = {"400", "401", "403", "429"}
        if method == "post":
            expected |= {"403", "413", "415", "422"}
            if not path.endswith("/reveal-contact/"):  # a reveal ignores Idempotency-Key
                expected.add("409")
        errors = {code for code in operation["responses"] if code >= "400"}
        assert errors == expected, f"{method} {path}"
        for code in errors:
            body = operation["responses"][code]["content"]["application/json"]["schema"]
            assert body == ENVELOPE, f"{method} {path} {code}"


def test_every_write_takes_json_and_an_idempotency_key_except_the_reveal(schema):
    for path, method, operation in operations(schema):
        if method != "post":
            continue
        if path.endswith("/call/"):  # a call needs nothing but the order in its address
            assert "requestBody" not in operation
        elif path.endswith(("/photos/", "/acceptance/scan/", "/import/")):
            # a picture (R-PHO-1) or an inventory file (R-RES-1): multipart
            assert list(operation["requestBody"]["content"]) == ["multipart/form-data"], path
        else:
            assert list(operation["requestBody"]["content"]) == ["application/json"], path
        headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        assert headers == (set() if path.endswith("/reveal-contact/") else {"Idempotency-Key"})


def test_success_statuses_are_the_real_ones(schema):
    paths = schema["paths"]
    success = {
        path: {code for code in methods["post"]["responses"] if code < "300"}
        for path, methods in paths.items()
        if "post" in methods
    }
    assert success.pop("/api/v1/work-orders/") == {"200", "201"}  # 200: an identical replay
    assert success.pop("/api/v1/work-orders/{order_pk}/contact-attempts/") == {"201"}
    # 200: the same content again on the same order returns the first photo (R-PHO-5)
    assert success.pop("/api/v1/work-orders/{order_pk}/photos/") == {"200", "201"}
    # a reading is a new record: 201 with the order's acceptance state (issue 8)
    assert success.pop("/api/v1/work-orders/{order_pk}/acceptance/") == {"201"}
    assert success.pop("/api/v1/work-orders/{order_pk}/acceptance/scan/") == {"201"}
    # an answer is a new tick; a deferral books a new appointment (R-SITE-1..5)
    assert success.pop("/api/v1/work-orders/{order_pk}/checklist/") == {"201"}
    assert success.pop("/api/v1/work-orders/{order_pk}/safety-deferral/") == {"201"}
    # an answer and a signature are new records (R-SITE-3, R-SITE-6)
    assert success.pop("/api/v1/work-orders/{order_pk}/satisfaction/") == {"201"}
    assert success.pop("/api/v1/work-orders/{order_pk}/signature/") == {"201"}
    # inspection log lines, transfers and element checks are new records (issue 10)
    for tail in ("log", "transfers", "checks"):
        assert success.pop(f"/api/v1/work-orders/{{order_pk}}/inspection/{tail}/") == {"201"}
    # a switch reading is a new record of the time series (R-INS-3, issue 10)
    assert success.pop("/api/v1/switches/{code}/readings/") == {"201"}
    assert {path: codes for path, codes in success.items() if codes != {"200"}} == {}


def test_r_ord_3_simple_actions_take_reason_and_occurred_at_and_say_when_a_reason_is_needed(
    schema,
):
    components = schema["components"]["schemas"]
    for name, spec in TRANSITIONS.items():
        # their own bodies (technician, window, ETA, position) or address (leave-note/)
        if name in {"dispatch", "appoint", "depart", "arrive", "leave_site", "suspend"}:
            continue
        operation = schema["paths"][f"/api/v1/work-orders/{{id}}/{name}/"]["post"]
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        body = components[ref.rsplit("/", 1)[1]]
        assert set(body["properties"]) == {"reason", "occurred_at"}, name
        assert ("reason" in body.get("required", [])) == spec.needs_reason, name


def test_r_site_3_the_confirmation_form_is_a_pdf_served_to_whoever_sees_the_order(schema):
    operation = schema["paths"]["/api/v1/work-orders/{order_pk}/confirmation.pdf"]["get"]
    assert list(operation["responses"]["200"]["content"]) == ["application/pdf"]
    assert {p["name"] for p in operation["parameters"] if p["in"] == "query"} == {"version"}


def test_r_ord_4_events_are_one_list_of_timeline_lines_not_a_page(schema):
    operation = schema["paths"]["/api/v1/work-orders/{id}/events/"]["get"]
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert body == {"type": "array", "items": {"$ref": "#/components/schemas/OrderEvent"}}
    assert "page" not in {p["name"] for p in operation.get("parameters", [])}


def test_timestamps_that_may_be_empty_are_nullable(schema):
    components = schema["components"]["schemas"]
    order = components["WorkOrder"]["properties"]
    times = {name for name in order if name.endswith("_at")}
    always = {"accepted_at", "created_at", "updated_at"}
    for name in times:
        assert order[name].get("nullable", False) == (name not in always), name
    for name in ("resource", "technician", "customer", "sla_state", "calendar_warning"):
        assert order[name].get("nullable"), name
    deadline = components["Deadline"]["properties"]
    assert deadline["met_at"]["nullable"] and deadline["breached_at"]["nullable"]
    assert components["Technician"]["properties"]["certified_until"]["nullable"]


def test_every_list_filter_the_views_honour_is_documented(schema):
    def query(path: str) -> set[str]:
        parameters = schema["paths"][path]["get"].get("parameters", [])
        return {p["name"] for p in parameters if p["in"] == "query"}

    assert query("/api/v1/work-orders/") == {
        "status",
        "order_type",
        "grid",
        "technician",
        "bss_order_no",
        "sla",
        "ordering",
        "page",
    }
    assert query("/api/v1/technicians/") == {"grid", "page"}
    assert query("/api/v1/grids/") == {"page"}
    assert query("/api/v1/kpis/fulfilment/") == {"from", "to", "by"}
    assert query("/api/v1/plans/") == {"grid", "date"}
    assert query("/api/v1/work-orders/{order_pk}/booking-windows/") == {"date"}


def test_r_kpi_1_the_fulfilment_rows_are_the_contract(schema):
    operation = schema["paths"]["/api/v1/kpis/fulfilment/"]["get"]
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert body == {"type": "array", "items": {"$ref": "#/components/schemas/FulfilmentRow"}}
    row = schema["components"]["schemas"]["FulfilmentRow"]
    assert set(row["properties"]) == {"key", "name", "due", "kept", "rate"}
    assert row["properties"]["rate"]["nullable"]
    required = {p["name"] for p in operation["parameters"] if p.get("required")}
    assert required == {"from", "to"}


def test_r_apt_bodies_of_the_appointment_actions(schema):
    components = schema["components"]["schemas"]

    def body(action: str) -> dict:
        operation = schema["paths"][f"/api/v1/work-orders/{{id}}/{action}/"]["post"]
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        return components[ref.rsplit("/", 1)[1]]

    assert set(body("depart")["properties"]) == {"reason", "occurred_at", "eta"}
    assert set(body("arrive")["properties"]) == {
        "reason",
        "occurred_at",
        "lat",
        "lng",
        "accuracy_m",
    }
    assert set(body("reschedule")["required"]) == {"starts_at", "ends_at", "initiated_by"}
    assert body("running-late")["required"] == ["eta"]
    assert set(body("leave-note")["properties"]) == {"reason", "occurred_at"}
    assert set(body("suspend")["properties"]) == {"reason", "occurred_at", "initiated_by"}
    assert set(body("suspend")["required"]) == {"reason"}
    absent = schema["paths"]["/api/v1/work-orders/{id}/customer-absent/"]["post"]
    answer = absent["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert "wait_until" in components[answer.rsplit("/", 1)[1]]["required"]


def test_day_plans_declare_their_routes_and_the_urgent_answer(schema):
    """Issue 9: a plan is routes of stops with planned times and the unassigned with reasons."""
    components = schema["components"]["schemas"]
    plan = components["DayPlan"]["properties"]
    assert {"routes", "unassigned", "feasible", "created_at"} <= set(plan)
    stop = components["PlannedStop"]["properties"]
    assert {"order", "bss_order_no", "arrival_at", "starts_at", "ends_at", "is_started"} <= set(
        stop
    )
    assert components["UrgentAnswer"]["properties"]["technician"]["nullable"]
    assert components["BookingWindows"]["properties"]["plan"]["nullable"]
