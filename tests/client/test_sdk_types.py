"""The SDK's result types stay in step with the server's response schemas, and the webhook
helper checks Recall signatures the way the server does."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from delegate.adapters.recall.signatures import new_secret, sign_headers
from delegate.api import schemas, session_schemas
from delegate_client import SignatureError, types, verify_webhook

PAIRS: list[tuple[type[BaseModel], type[types.Model]]] = [
    (schemas.IdOut, types.IdResult),
    (schemas.BotOut, types.Bot),
    (schemas.IntegrationOut, types.RecallIntegration),
    (session_schemas.InitiateOut, types.InitiateResult),
    (session_schemas.ParticipantOut, types.Participant),
    (session_schemas.ReplyOut, types.Reply),
    (session_schemas.SessionOut, types.MeetingSession),
    (session_schemas.ActionOut, types.ActionResult),
    (session_schemas.NotesOut, types.Notes),
]


@pytest.mark.parametrize(("server", "sdk"), PAIRS, ids=[sdk.__name__ for _, sdk in PAIRS])
def test_every_field_the_server_sends_is_typed_in_the_sdk(
    server: type[BaseModel], sdk: type[types.Model]
) -> None:
    sdk_fields = {f.alias or name for name, f in sdk.model_fields.items()}

    assert set(server.model_fields) <= sdk_fields


def test_a_signed_body_verifies_and_a_tampered_one_does_not() -> None:
    secret = new_secret()
    body = json.dumps({"event": "bot.done"}).encode()
    headers = {k.title(): v for k, v in sign_headers(secret, body).items()}

    assert verify_webhook(secret, headers, body) == headers["Webhook-Id"]
    assert verify_webhook([new_secret(), secret], headers, body.decode())
    with pytest.raises(SignatureError, match="no matching signature"):
        verify_webhook(secret, headers, body + b" ")
    with pytest.raises(SignatureError, match="missing"):
        verify_webhook(secret, {}, body)
