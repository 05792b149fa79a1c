"""Public request and response models (camelCase, ChatBotKit-compatible)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from delegate.domain.records import Bot, Integration


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def provided(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class Out(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class IdOut(Out):
    id: str


class SavedOut(IdOut):
    warning: str | None = Field(
        default=None, description="What the record still lacks (absent when nothing)"
    )


class SetupOut(IdOut):
    webhookUrl: str = Field(description="Where Recall now sends bot status webhooks")


class BotIn(Body):
    name: str | None = Field(default=None, max_length=256)
    description: str | None = Field(default=None, max_length=4096)
    backstory: str | None = Field(default=None, max_length=65536)
    model: str | None = Field(default=None, max_length=512)
    alias: str | None = Field(default=None, max_length=128)
    meta: dict[str, Any] | None = None


class BotOut(Out):
    id: str
    alias: str | None
    name: str
    description: str
    backstory: str
    model: str
    meta: dict[str, Any] | None
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
            createdAt=bot.created_at,
            updatedAt=bot.updated_at,
        )


class BotList(Out):
    items: list[BotOut]
    cursor: str | None = None


class IntegrationIn(Body):
    name: str | None = Field(default=None, max_length=256)
    description: str | None = Field(default=None, max_length=4096)
    alias: str | None = Field(default=None, max_length=128)
    botId: str | None = Field(default=None, max_length=129)
    apiKey: str | None = Field(default=None, max_length=512)
    webhookSecret: str | None = Field(default=None, max_length=512)
    region: str | None = Field(default=None, max_length=32)
    meta: dict[str, Any] | None = None


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
