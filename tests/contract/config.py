"""The schemathesis configuration for one contract run, pointed at the seeded records."""

from __future__ import annotations

import json
from pathlib import Path

from tests.contract.live import Seeded

RULES_BEYOND_THE_SCHEMA = (
    "listBots",
    "createBot",
    "updateBot",
    "listRecallIntegrations",
    "listRecallSessions",
    "initiateRecall",
    "sendRecallSessionMessage",
    "startRecallSessionScreenshare",
    "recallWebhook",
    "setupRecallIntegration",
    # A URL must be https to a public address: rules of the server, not of the schema.
    "createWebhook",
    "updateWebhook",
    "listWebhooks",
    "listWebhookDeliveries",
    # A webhookSecret must be whsec_ and base64 of at least 16 bytes; deleting an integration
    # tells its live bots to leave, which needs its apiKey; so does deleting a live session.
    "createRecallIntegration",
    "updateRecallIntegration",
    "deleteRecallIntegration",
    "deleteRecallSession",
    "listDatasets",
    # A dataset's records: text that is blank, a file holding no text; and a dataset id
    # followed from a bot whose datasetId is null.
    "fetchDataset",
    "updateDataset",
    "deleteDataset",
    "listDatasetRecords",
    "createDatasetRecord",
    "fetchDatasetRecord",
    "updateDatasetRecord",
    "deleteDatasetRecord",
    "searchDataset",
    "uploadDatasetFile",
    *(
        f"recallSession_{action}"
        for action in (
            "recording_start",
            "recording_stop",
            "recording_pause",
            "recording_resume",
            "screenshare_stop",
            "leave",
        )
    ),
)


THROTTLED = ("initiateRecall",)
"""Operations that answer 503 + Retry-After when Recall throttles them (nothing was done)."""


def _toml(value: object) -> str:
    return json.dumps(value)  # a JSON string or list of strings is valid TOML


def schemathesis_config(seeded: Seeded, max_examples: int, report: Path, seed: int | None) -> str:
    """Every phase but the examples (the document has none), every check, real ids most of
    the time (generated ones the rest, for the 404s), delete and leave on records of their own
    so that the other operations keep finding theirs."""
    unthrottled = [op for op in RULES_BEYOND_THE_SCHEMA if op not in THROTTLED]
    lines = [
        f"base-url = {_toml(seeded.base_url)}",
        "workers = 1",
        # The first search loads the embedding model: seconds on a busy machine, not an error.
        "request-timeout = 60",
        "continue-on-failure = true",
        *([f"seed = {seed}"] if seed is not None else []),
        "",
        "[auth.openapi.bearerAuth]",
        f"bearer = {_toml(seeded.token)}",
        "",
        "[generation]",
        f"max-examples = {max_examples}",
        "database = 'none'",
        "",
        "[phases.examples]",
        "enabled = false",
        "[phases.coverage]",
        "enabled = true",
        "[phases.fuzzing]",
        "enabled = true",
        "[phases.stateful]",
        "enabled = true",
        "max-steps = 20",
        "",
        "[checks]",
        "enabled = true",
        "",
        "[reports.json]",
        "enabled = true",
        f"path = {_toml(str(report))}",
        "",
        "[dictionaries.integrations]",
        f"values = {_toml([seeded.integration_id])}",
        "[dictionaries.sessions]",
        f"values = {_toml([seeded.session_id])}",
        "[dictionaries.bots]",
        f"values = {_toml([seeded.bot_id])}",
        "",
        "[dictionaries.webhooks]",
        f"values = {_toml([seeded.webhook_id])}",
        "[dictionaries.deliveries]",
        f"values = {_toml([seeded.delivery_id])}",
        "[dictionaries.spare-webhooks]",
        f"values = {_toml(seeded.spare_webhook_ids)}",
        "",
        "[parameters]",
        '"path.webhookId" = { dictionary = "webhooks", probability = 0.9 }',
        '"path.deliveryId" = { dictionary = "deliveries", probability = 0.9 }',
        '"path.integrationId" = { dictionary = "integrations", probability = 0.9 }',
        '"path.sessionId" = { dictionary = "sessions", probability = 0.9 }',
        '"path.botId" = { dictionary = "bots", probability = 0.9 }',
        '"body.botId" = { dictionary = "bots", probability = 0.5 }',
        "",
        "[[operations]]",
        'include-operation-id = "recallRealtime"',
        "[operations.parameters]",
        f'"path.integrationId" = {_toml(seeded.receiving[0])}',
        f'"path.sessionId" = {_toml(seeded.receiving[1])}',
        f'"query.token" = {_toml(seeded.receiving[2])}',
        "",
        "[[operations]]",
        'include-operation-id = "recallSession_leave"',
        "[operations.parameters]",
        f'"path.sessionId" = {_toml(seeded.leave_session_id)}',
        "",
        "[dictionaries.spare-bots]",
        f"values = {_toml(seeded.spare_bot_ids)}",
        "[dictionaries.spare-integrations]",
        f"values = {_toml(seeded.spare_integration_ids)}",
        "",
        "[[operations]]",
        'include-operation-id = ["updateBot", "deleteBot"]',
        "[operations.parameters]",
        '"path.botId" = { dictionary = "spare-bots", probability = 0.9 }',
        "",
        # An update could take the apiKey away from the integration the meetings use.
        "[[operations]]",
        'include-operation-id = ["updateRecallIntegration", "deleteRecallIntegration"]',
        "[operations.parameters]",
        '"path.integrationId" = { dictionary = "spare-integrations", probability = 0.9 }',
        "",
        "[[operations]]",
        'include-operation-id = ["updateWebhook", "deleteWebhook"]',
        "[operations.parameters]",
        '"path.webhookId" = { dictionary = "spare-webhooks", probability = 0.9 }',
        "",
        "[dictionaries.pages]",
        f"values = {_toml(['https://example.com/deck'])}",
        "[[operations]]",
        'include-operation-id = "startRecallSessionScreenshare"',
        "[operations.parameters]",
        '"body.url" = { dictionary = "pages", probability = 0.5 }',
        "",
        "[dictionaries.meeting-urls]",
        f"values = {_toml([seeded.meeting_url])}",
        "[[operations]]",
        'include-operation-id = "initiateRecall"',
        "[operations.parameters]",
        '"body.meetingUrl" = { dictionary = "meeting-urls", probability = 0.5 }',
        "",
        # Input the schema allows but a rule it cannot express refuses with 400 naming the
        # field: a cursor naming no item, a link of no supported meeting platform, a joinAt
        # outside the window, a recipient or page not allowed on this platform, a payload that
        # is no Recall status webhook, or an integration left without its apiKey (which setup
        # needs too), or a voice this server cannot speak (an engine or voice name not installed).
        "[[operations]]",
        f"include-operation-id = {_toml(unthrottled)}",
        "[operations.checks.positive_data_acceptance]",
        'expected-statuses = ["2xx", "400", "401", "404", "409"]',
        # The same, and 503 with Retry-After when Recall throttles the create (documented):
        # the operation answers at once rather than hold its caller past Recall's budget.
        "[[operations]]",
        f"include-operation-id = {_toml(list(THROTTLED))}",
        "[operations.checks.positive_data_acceptance]",
        'expected-statuses = ["2xx", "400", "401", "404", "409", "503"]',
        "[operations.checks.not_a_server_error]",
        'expected-statuses = ["2xx", "3xx", "4xx", "503"]',
    ]
    return "\n".join(lines) + "\n"
