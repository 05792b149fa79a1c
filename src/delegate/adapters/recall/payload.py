"""What the Recall payload models share: a tolerant base model, references, JSON loading.

Recall adds fields without notice and documents status codes as "not an enum", so every model
keeps unknown fields (``extra="allow"``) and string codes stay strings. Parse functions raise
``PayloadError`` (a ``ValueError``) with a short reason; they never echo the payload itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import orjson
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
)


class PayloadError(ValueError):
    """A Recall payload is not JSON or does not have the shape we rely on."""


class RecallModel(BaseModel):
    model_config = ConfigDict(extra="allow")


def string_map(value: Any) -> Any:
    # Recall promises string -> string metadata; a stray number or null must not fail a
    # whole event, so values are stringified and a missing map becomes empty.
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return {
            str(k): v if isinstance(v, str) else orjson.dumps(v).decode()
            for k, v in value.items()
            if v is not None
        }
    return value


def lenient(default: Any = None, factory: Callable[[], Any] | None = None) -> WrapValidator:
    """A field that falls back on its default when Recall sends a value of the wrong shape
    (``absolute: ""``, ``to: null``): one bad field we may not even use must not cost the
    whole event. Use as ``Annotated[str, lenient("everyone")]``."""

    def validate(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(value)
        except ValidationError:
            return factory() if factory is not None else default

    return WrapValidator(validate)


class Ref(RecallModel):
    """``{"id", "metadata"}``: how events point at the bot, recording, endpoint, ..."""

    id: str
    metadata: dict[str, str] = Field(default_factory=dict)

    _metadata = field_validator("metadata", mode="before")(string_map)


def load_payload(raw: bytes | str | Mapping[str, Any]) -> dict[str, Any]:
    """A JSON object from raw bytes or text (or a mapping already decoded)."""
    if isinstance(raw, Mapping):
        return dict(raw)
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise PayloadError("payload is not valid JSON") from exc
    if not isinstance(value, dict):
        raise PayloadError("payload is not a JSON object")
    return value


def invalid_payload(what: str, exc: ValidationError) -> PayloadError:
    """A ``PayloadError`` naming where ``exc`` failed."""
    # Only field locations and messages: the input values may hold meeting content.
    where = "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}"
        for err in exc.errors(include_input=False)[:3]
    )
    return PayloadError(f"unexpected {what}: {where}")
