"""The OpenAPI document tells the truth: the error statuses each operation can answer, in the
``{message, code}`` shape, no 422 (validation answers 400), bearer auth declared, a schema for
every success body, and the Recall callbacks described as they behave."""

from __future__ import annotations

from typing import Any

import httpx2

ERROR_REF = "#/components/schemas/ErrorOut"
METHODS = ("get", "post")


async def _spec(http: httpx2.AsyncClient) -> dict[str, Any]:
    return (await http.get("/openapi.json")).json()  # type: ignore[no-any-return]


def _operations(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        op["operationId"]: op
        for path in spec["paths"].values()
        for method, op in path.items()
        if method in METHODS
    }


async def test_no_operation_documents_422_and_every_error_is_the_error_shape(
    http: httpx2.AsyncClient,
) -> None:
    spec = await _spec(http)
    operations = _operations(spec)

    assert len(operations) == 49
    for name, op in operations.items():
        statuses = set(op["responses"])
        assert "422" not in statuses, name
        # The realtime receiver answers every authenticated delivery 2xx, usable or not.
        assert {"400"} <= statuses or name == "recallRealtime", name
        for status, response in op["responses"].items():
            if status.startswith(("4", "5")):
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": ERROR_REF}, (name, status)
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    assert set(spec["components"]["schemas"]["ErrorOut"]["required"]) == {"message", "code"}


async def test_each_operation_lists_the_statuses_it_can_answer(http: httpx2.AsyncClient) -> None:
    operations = _operations(await _spec(http))

    def statuses(name: str) -> set[str]:
        return {s for s in operations[name]["responses"] if s != "200"}

    assert statuses("listBots") == {"400", "401", "429"}
    assert statuses("createBot") == {"400", "401", "429", "404", "409", "413"}
    assert statuses("uploadDatasetFile") == {"400", "401", "429", "404", "413"}
    assert statuses("searchDataset") == {"400", "401", "429", "404", "413", "502"}
    assert statuses("fetchBot") == {"400", "401", "429", "404"}
    assert statuses("createRecallIntegration") == {"400", "401", "429", "404", "409", "413"}
    assert statuses("initiateRecall") == {"400", "401", "429", "404", "409", "413", "502", "503"}
    assert statuses("sendRecallSessionMessage") == {"400", "401", "429", "404", "409", "413", "502"}
    assert statuses("recallSession_leave") == {"400", "401", "429", "404", "409", "413", "502"}
    assert statuses("setupRecallIntegration") == {"400", "401", "429", "404", "409", "413", "502"}
    # A Recall that fails or cannot be reached is a failed check in the answer, not a 502.
    assert statuses("verifyRecallIntegration") == {"400", "401", "429", "404", "413"}
    assert statuses("recallWebhook") == {"400", "401", "404", "413"}
    # Unknown session and wrong token answer alike: the document does not promise a 404.
    # Nor 400 or 413: once authenticated, every delivery is answered 200 (Recall gives up on
    # an endpoint that keeps failing).
    assert statuses("recallRealtime") == {"401"}


async def test_every_bearer_route_documents_429_with_retry_after_and_receivers_do_not(
    http: httpx2.AsyncClient,
) -> None:
    for name, op in _operations(await _spec(http)).items():
        if "Recall callbacks" in op["tags"]:
            assert "429" not in op["responses"], name
        else:
            assert "Retry-After" in op["responses"]["429"]["headers"], name


async def test_bearer_auth_is_declared_for_the_api_and_not_for_recall_callbacks(
    http: httpx2.AsyncClient,
) -> None:
    spec = await _spec(http)
    operations = _operations(spec)

    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An account token (sk-...)",
    }
    for name, op in operations.items():
        if "Recall callbacks" in op["tags"]:
            assert op.get("security", []) == [], name
        else:
            assert op["security"] == [{"bearerAuth": []}], name


async def test_every_success_body_has_a_schema(http: httpx2.AsyncClient) -> None:
    operations = _operations(await _spec(http))

    for name, op in operations.items():
        content = op["responses"]["200"]["content"]
        schema = content["application/json"]["schema"]
        assert schema.get("$ref") or schema.get("required"), (name, schema)
    transcript = operations["fetchRecallSessionTranscript"]["responses"]["200"]["content"]
    assert set(transcript) == {
        "application/json",
        "text/plain",
        "text/markdown",
        "text/vtt",
        "application/x-subrip",
    }


async def test_validation_errors_answer_400_as_documented(api: Any) -> None:
    r = await api.post("bot/create", {"name": 5})

    assert r.status_code == 400
    assert set(r.json()) == {"message", "code"}
