"""429 answers keep the API's documented contract. The contract run (``scripts/contract``)
turns the limits off, so here real 429s from both limits are checked against the served
OpenAPI document with schemathesis' own response checks (status documented, content type,
headers, body schema): the failed-authentication 429 on every bearer operation, the
initiate 429 on ``initiate``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx2
import pytest
import schemathesis
from schemathesis.core.failures import FailureGroup
from schemathesis.openapi.checks import MissingHeaders
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.schemas import OpenApiSchema

from tests.api.test_rate_limits import ManualClock, _client, _world
from tests.meetings.world import World
from tests.support import Api

CHECKS = [
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
PARAM = re.compile(r"{(\w+)}")


@pytest.fixture
async def limited(tmp_path: Path) -> tuple[World, ManualClock]:
    world, clock = await _world(
        tmp_path,
        auth_failures_per_minute=1,
        auth_failures_burst=2,
        initiates_per_minute=1,
        initiates_burst=1,
    )
    yield world, clock  # type: ignore[misc]
    await world.aclose()


async def _contract(world: World) -> OpenApiSchema:
    spec = (await world.api.http.get("/openapi.json")).json()
    return schemathesis.openapi.from_dict(spec)


def _conforms(schema: OpenApiSchema, operation_id: str, response: httpx2.Response) -> None:
    """Raise schemathesis' failure report unless ``response`` is what the document says
    ``operation_id`` may answer."""
    operation = schema.find_operation_by_id(operation_id)
    case = operation.Case(path_parameters=dict.fromkeys(PARAM.findall(operation.path), "x"))
    case.validate_response(response, checks=CHECKS)


def _bearer_operations(schema: OpenApiSchema) -> list[tuple[str, str, str]]:
    """``(operation id, method, path)`` of every operation taking a bearer token."""
    found = []
    for result in schema.get_all_operations():
        operation = result.ok()
        raw = operation.definition.raw
        if {"bearerAuth": []} in raw.get("security", []):
            found.append((raw["operationId"], operation.method, operation.path))
    return found


def _filled(path: str, ids: dict[str, Any]) -> str:
    return PARAM.sub(lambda m: ids.get(m.group(1), ids["integrationId"]), path)


async def test_every_bearer_operations_429_for_failed_authentications_is_as_documented(
    limited: tuple[World, ManualClock],
) -> None:
    world, _ = limited
    schema = await _contract(world)
    blocked = _client(world, "10.0.0.9")
    for _ in range(2):
        await Api(blocked, "sk-guessed").get("bot/list")
    ids = {"integrationId": world.integration_id, "botId": world.integration_id}
    headers = {"Authorization": f"Bearer {world.api.token}"}

    operations = _bearer_operations(schema)
    answers = {}
    for operation_id, method, path in operations:
        url = _filled(path, ids)
        if method.upper() == "GET":
            response = await blocked.get(url, headers=headers)
        else:
            response = await blocked.post(url, headers=headers, json={})
        answers[operation_id] = response.status_code
        if response.status_code == 429:
            _conforms(schema, operation_id, response)

    assert len(operations) > 40
    assert set(answers.values()) == {429}, {k: v for k, v in answers.items() if v != 429}


async def test_initiates_429_is_as_documented(limited: tuple[World, ManualClock]) -> None:
    world, _ = limited
    schema = await _contract(world)
    await world.initiate()

    refused = await world.initiate_raw()

    assert refused.status_code == 429
    assert refused.json()["code"] == "RATE_LIMITED"
    _conforms(schema, "initiateRecall", refused)


async def test_a_429_without_retry_after_would_fail_the_check(
    limited: tuple[World, ManualClock],
) -> None:
    world, _ = limited
    schema = await _contract(world)
    await world.initiate()
    refused = await world.initiate_raw()
    stripped = httpx2.Response(
        429,
        headers={k: v for k, v in refused.headers.items() if k.lower() != "retry-after"},
        content=refused.content,
        request=refused.request,
    )
    stripped.elapsed = refused.elapsed

    with pytest.raises(FailureGroup) as caught:
        _conforms(schema, "initiateRecall", stripped)

    assert [type(e) for e in caught.value.exceptions] == [MissingHeaders]
    assert "Retry-After" in str(caught.value.exceptions[0])
