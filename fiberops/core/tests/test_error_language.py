"""The whole API error envelope follows the request's language (docs/architecture.md, rule 6):
Chinese by default and under `Accept-Language: zh-CN`, English under `Accept-Language: en`."""

import re

import pytest
from rest_framework.test import APIClient

from fiberops.testing import intake_payload

URL = "/api/v1/work-orders/"
CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-CN"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def has_chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def invalid_intake(world, **headers):
    payload = intake_payload(order_type="teleport", accepted_at="2026-09-30T10:00:00")
    return world.client(world.bss).post(URL, payload, format="json", **headers)


@pytest.mark.parametrize("headers", [CHINESE, {}], ids=["zh-CN", "default"])
def test_invalid_fields_envelope_is_chinese_message_and_fields(world, headers):
    response = invalid_intake(world, **headers)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"] == "请求中有无效的字段。"
    assert set(error["fields"]) == {"order_type", "accepted_at"}
    assert has_chinese(error["fields"]["order_type"][0])
    # ShanghaiDateTimeField's own message (a time without an offset) is translated too.
    assert error["fields"]["accepted_at"] == ["请给出时区偏移，例如 2026-09-30T10:00:00+08:00。"]


def test_invalid_fields_envelope_is_english_under_accept_language_en(world):
    error = invalid_intake(world, **ENGLISH).json()["error"]
    assert error["message"] == "The request has invalid fields."
    assert error["fields"]["order_type"] == ['"teleport" is not a valid choice.']
    assert error["fields"]["accepted_at"] == [
        "Give the time zone offset, e.g. 2026-09-30T10:00:00+08:00."
    ]


@pytest.mark.parametrize(
    ("headers", "message"), [(CHINESE, "未找到。"), ({}, "未找到。"), (ENGLISH, "Not found.")]
)
def test_a_missing_order_is_not_found_in_the_request_language(world, headers, message):
    response = world.client(world.dispatcher).get(f"{URL}999999/", **headers)
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": message}}


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (CHINESE, "身份认证信息未提供。"),
        ({}, "身份认证信息未提供。"),
        (ENGLISH, "Authentication credentials were not provided."),
    ],
)
def test_no_token_is_not_authenticated_in_the_request_language(db, headers, message):
    response = APIClient().get(URL, **headers)
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "not_authenticated", "message": message}}


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (CHINESE, "方法 “DELETE” 不被允许。"),
        ({}, "方法 “DELETE” 不被允许。"),
        (ENGLISH, 'Method "DELETE" not allowed.'),
    ],
)
def test_an_unsupported_method_is_method_not_allowed_in_the_request_language(
    world, headers, message
):
    response = world.client(world.dispatcher).delete(URL, **headers)
    assert response.status_code == 405
    assert response.json() == {"error": {"code": "method_not_allowed", "message": message}}
