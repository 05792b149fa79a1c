"""Public request and response models (camelCase, ChatBotKit-compatible)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic.config import JsonDict
from pydantic_core import PydanticCustomError

from delegate.domain.commanders import MAX_COMMANDERS
from delegate.domain.records import ALIAS_PATTERN, REGIONS, Bot, Integration
from delegate.domain.validation import json_text_problems
from delegate.domain.voice import VOICE_PATTERN

ReplyModeName = Literal["chat", "voice", "both"]
VOICE_RULE: JsonDict = {"pattern": VOICE_PATTERN.pattern}
"""What a voice looks like (``engine`` or ``engine:name``); which ones exist, the server says."""
NO_NUL = "^[^\\u0000]*$"


def _text_without_nul(schema: dict[str, Any]) -> None:
    """Tell clients in the schema what ``Body._storable`` refuses: NUL in any text field."""
    for prop in schema.get("properties", {}).values():
        for branch in [prop, *prop.get("anyOf", [])]:
            if branch.get("type") == "string" and "pattern" not in branch | prop:
                branch["pattern"] = NO_NUL


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_text_without_nul)

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any, info: ValidationInfo) -> Any:
        """Every string of a body (nested ones in ``meta`` too) must be text the database can
        store: refused here with 400, not by PostgreSQL with a 500."""
        field = info.field_name or ""
        for path, problem in json_text_problems(value, field):
            where = "" if path == field else f" (at {path})"
            raise PydanticCustomError(
                "text", "{problem}{where}", {"problem": problem, "where": where}
            )
        return value

    def provided(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class Out(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class IdOut(Out):
    id: str


class ErrorOut(Out):
    """Every error: a message for people (a 400 names the field) and a stable code."""

    message: str
    code: str = Field(description="BAD_REQUEST, NOT_AUTHENTICATED, NOT_FOUND, CONFLICT, ...")


# Rules the services check (with messages of their own), told to clients in the schema too.
NOT_BLANK: JsonDict = {"pattern": "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"}
BOT_NAME_RULE: JsonDict = {
    # Optional, but when given it must say something (null included).
    "anyOf": [{"type": "string", "maxLength": 256, **NOT_BLANK}],
}
ALIAS_RULE: JsonDict = {"pattern": f"^({ALIAS_PATTERN.pattern[1:-1]})?$"}
REGION_RULE: JsonDict = {"enum": [*REGIONS, "", None]}
SECRET_RULE: JsonDict = {"pattern": "^[\\x21-\\x7e]*$"}
"""Visible ASCII: what an HTTP header (Recall's Authorization) can carry."""
_META_KEYS: JsonDict = {"type": "object", "propertyNames": {"pattern": "^(?![_$])"}}
META_RULE: JsonDict = {
    "anyOf": [
        _META_KEYS,
        {
            "type": "object",
            "required": ["$update"],
            "additionalProperties": False,
            "properties": {"$update": _META_KEYS},
        },
        {"type": "null"},
    ],
    "description": 'Any JSON object (keys not starting with "_" or "$"); '
    '{"$update": {...}} merges into the stored one',
}


class SavedOut(IdOut):
    warning: str | None = Field(
        default=None, description="What the record still lacks (absent when nothing)"
    )


class SetupOut(IdOut):
    webhookUrl: str = Field(description="Where Recall now sends bot status webhooks")


class CheckOut(Out):
    name: str = Field(description='What was checked: "apiKey", "webhookSecret" or "setup"')
    ok: bool = Field(description="False when the check failed (level error)")
    level: Literal["ok", "warning", "error"]
    message: str = Field(description="What was found, in plain words")


class VerifyOut(IdOut):
    ok: bool = Field(description="True when no check failed (warnings allowed)")
    checks: list[CheckOut]


class BotIn(Body):
    name: str | None = Field(default=None, max_length=256, json_schema_extra=BOT_NAME_RULE)
    description: str | None = Field(default=None, max_length=4096)
    backstory: str | None = Field(default=None, max_length=65536)
    model: str | None = Field(default=None, max_length=512)
    alias: str | None = Field(default=None, max_length=128, json_schema_extra=ALIAS_RULE)
    meta: dict[str, Any] | None = Field(default=None, json_schema_extra=META_RULE)
    replyMode: ReplyModeName | None = Field(
        default=None, description="How the delegate answers: chat (default), voice or both"
    )
    voice: str | None = Field(
        default=None,
        max_length=128,
        description="engine or engine:name (piper, espeak-ng:en-us, openai:alloy); "
        "null: the server's default voice. One this server cannot speak is a 400",
        json_schema_extra=VOICE_RULE,
    )
    commanders: list[str] | None = Field(
        default=None,
        max_length=MAX_COMMANDERS,
        description='Who may give meeting commands (leave, recording, screenshare): "host" '
        '(the default), "everyone", or names and emails of participants; null: host only. '
        "Anyone may ask questions",
    )
    datasetId: str | None = Field(
        default=None,
        max_length=129,
        description="The dataset (knowledge base) the delegate answers from, by id or @alias; "
        "null or empty: none",
    )


class BotOut(Out):
    id: str
    alias: str | None
    name: str
    description: str
    backstory: str
    model: str
    meta: dict[str, Any] | None
    replyMode: str
    voice: str | None
    commanders: list[str]
    datasetId: str | None = None
    createdAt: int
    updatedAt: int

    @classmethod
    def of(cls, bot: Bot) -> BotOut:
        return cls(
            id=bot.id,
            alias=bot.alias,
            name=bot.name,
            description=bot.description,
            backstory=bot.backstory,
            model=bot.model,
            meta=bot.meta,
            replyMode=bot.reply_mode,
            voice=bot.voice,
            commanders=list(bot.commanders),
            datasetId=bot.dataset_id,
            createdAt=bot.created_at,
            updatedAt=bot.updated_at,
        )


class BotList(Out):
    items: list[BotOut]
    cursor: str | None = None


class IntegrationIn(Body):
    name: str | None = Field(default=None, max_length=256)
    description: str | None = Field(default=None, max_length=4096)
    alias: str | None = Field(default=None, max_length=128, json_schema_extra=ALIAS_RULE)
    botId: str | None = Field(default=None, max_length=129)
    apiKey: str | None = Field(default=None, max_length=512, json_schema_extra=SECRET_RULE)
    webhookSecret: str | None = Field(default=None, max_length=512)
    region: str | None = Field(default=None, max_length=32, json_schema_extra=REGION_RULE)
    meta: dict[str, Any] | None = Field(default=None, json_schema_extra=META_RULE)


class IntegrationOut(Out):
    id: str
    alias: str | None
    name: str
    description: str
    botId: str | None
    region: str
    meta: dict[str, Any] | None
    apiKeySet: bool = Field(description="Whether an apiKey is stored (it is never returned)")
    webhookSecretSet: bool = Field(description="Whether a webhookSecret is stored")
    createdAt: int
    updatedAt: int

    @classmethod
    def of(cls, i: Integration) -> IntegrationOut:
        return cls(
            id=i.id,
            alias=i.alias,
            name=i.name,
            description=i.description,
            botId=i.bot_id,
            region=i.region,
            meta=i.meta,
            apiKeySet=i.api_key_set,
            webhookSecretSet=i.webhook_secret_set,
            createdAt=i.created_at,
            updatedAt=i.updated_at,
        )


class IntegrationList(Out):
    items: list[IntegrationOut]
    cursor: str | None = None
