"""Secrets are encrypted at rest, never returned, never logged, and survive key rotation."""

from __future__ import annotations

import asyncio
import logging

import pytest

from delegate.adapters.db.migrate import upgrade
from delegate.adapters.secretbox import add_key_to_file, load_or_create_key_file
from delegate.bootstrap import build
from delegate.config import Settings
from delegate.services.integrations import reencrypt_secrets
from tests.support import Api, stored_bytes

API_KEY = "recall-live-4f1d2c3b5a69788e0011"
WEBHOOK_SECRET = "whsec_dGhpcyBpcyBhIHZlcnkgc2VjcmV0IGtleQ=="


async def test_secrets_are_not_in_the_database_file_nor_in_responses_nor_logs(
    api: Api, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    created = await api.post(
        "integration/recall/create", {"apiKey": API_KEY, "webhookSecret": WEBHOOK_SECRET}
    )
    integration_id = created.json()["id"]
    await api.post(f"integration/recall/{integration_id}/update", {"apiKey": API_KEY + "-v2"})
    responses = [
        created,
        await api.get(f"integration/recall/{integration_id}/fetch"),
        await api.get("integration/recall/list"),
    ]

    raw = stored_bytes(settings)
    assert raw, "the database should hold something"
    for secret in (API_KEY, WEBHOOK_SECRET, "dGhpcyBpcyBhIHZlcnkgc2VjcmV0IGtleQ"):
        assert secret.encode() not in raw
        assert all(secret not in r.text for r in responses)
        assert secret not in caplog.text


async def test_key_file_is_created_private(settings: Settings) -> None:
    keys = load_or_create_key_file(settings.key_file)

    assert len(keys) == 1
    assert settings.key_file.stat().st_mode & 0o777 == 0o600


async def test_rotating_the_key_keeps_old_records_readable(settings: Settings) -> None:
    await asyncio.to_thread(upgrade, settings.database_url)
    first = build(settings)
    async with first.uow() as tx:
        account = await tx.accounts.get_or_create("alice", 1)
    from delegate.services.integrations import create_integration

    integration_id = (
        await create_integration(first.uow, first.clock, account.id, {"apiKey": API_KEY})
    ).id
    await first.aclose()

    add_key_to_file(settings.key_file)
    second = build(settings)
    async with second.uow() as tx:
        assert (await tx.integrations.secrets(integration_id)).api_key == API_KEY
    assert await reencrypt_secrets(second.uow) == 1
    await second.aclose()

    # After re-encryption only the new (first) key is needed.
    lines = settings.key_file.read_text().splitlines()
    settings.key_file.write_text(lines[0] + "\n")
    third = build(settings)
    async with third.uow() as tx:
        assert (await tx.integrations.secrets(integration_id)).api_key == API_KEY
    await third.aclose()


def test_logged_tracebacks_do_not_show_local_variables() -> None:
    """A traceback names the failing lines, never the values in play (keys, tokens, headers)."""
    import sys

    from structlog.stdlib import ProcessorFormatter

    handler = next(
        h for h in logging.getLogger().handlers if isinstance(h.formatter, ProcessorFormatter)
    )

    def call_recall(api_key: str) -> None:
        raise ValueError("Recall refused the request")

    secret = "-".join(["sk", "live", "do", "not", "print"])  # the value is in no source line
    try:
        call_recall(secret)
    except ValueError:
        record = logging.LogRecord(
            "delegate.test", logging.ERROR, __file__, 1, "failed", None, sys.exc_info()
        )
    text = handler.format(record)

    assert "ValueError: Recall refused the request" in text
    assert "call_recall" in text
    assert secret not in text


async def test_a_serving_box_follows_its_key_file_and_survives_a_broken_edit(
    settings: Settings,
) -> None:
    from delegate.adapters.secretbox import KeyFileBox

    serving = KeyFileBox(settings.key_file)
    old = serving.encrypt(API_KEY, "row")
    add_key_to_file(settings.key_file)
    rotated = KeyFileBox(settings.key_file).encrypt(API_KEY, "row")  # another process
    assert serving.decrypt(rotated, "row") == API_KEY
    assert serving.encrypt(API_KEY, "row").split(".")[1] == rotated.split(".")[1]

    settings.key_file.write_text("half-written:%%%\n")
    assert serving.decrypt(old, "row") == API_KEY, "a broken file keeps the keys we had"
