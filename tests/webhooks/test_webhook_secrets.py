"""Signing secrets at rest: encrypted with the secret box, re-encrypted by a key rotation."""

from __future__ import annotations

import asyncio

from delegate.adapters.db.migrate import upgrade
from delegate.adapters.secretbox import add_key_to_file
from delegate.bootstrap import build
from delegate.config import Settings
from delegate.services.webhooks import create_webhook, reencrypt_webhook_secrets
from tests.support import stored_bytes


async def test_a_signing_secret_is_stored_encrypted_and_survives_a_key_rotation(
    settings: Settings,
) -> None:
    await asyncio.to_thread(upgrade, settings.database_url)
    first = build(settings)
    async with first.uow() as tx:
        account = await tx.accounts.get_or_create("alice", 1)
    created = await create_webhook(
        first.webhook_context, account.id, {"url": "https://hooks.example.com/in"}
    )
    await first.aclose()
    at_rest = stored_bytes(settings)

    add_key_to_file(settings.key_file)
    second = build(settings)
    rewritten = await reencrypt_webhook_secrets(second.uow)
    await second.aclose()
    lines = settings.key_file.read_text().splitlines()
    settings.key_file.write_text(lines[0] + "\n")
    third = build(settings)
    async with third.uow() as tx:
        secret = await tx.webhooks.secret(created.id)
    await third.aclose()

    assert created.secret.startswith("whsec_")
    assert created.secret.encode() not in at_rest
    assert created.secret.removeprefix("whsec_").encode() not in at_rest
    assert rewritten == 1
    assert secret == created.secret
