"""How Recall.ai failures become the ``RecallError`` hierarchy of ``services/ports.py``.

    401, 403                      RecallUnauthorized (bad key, wrong region, or Recall's WAF)
    404                           RecallNotFound
    409, 429, 5xx (incl. 507)     RecallUnavailable, with ``retry_after_s`` from ``Retry-After``
    other 4xx                     RecallRejected

``detail`` is Recall's own message, kept verbatim so the user sees what Recall said: DRF's
``{"detail"}`` or ``{"code", "detail"}``, field errors as ``"meeting_url: Enter a valid URL."``,
or the text of a non-JSON body.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx2
import orjson

from delegate.services.ports import (
    RecallError,
    RecallNotFound,
    RecallRejected,
    RecallUnauthorized,
    RecallUnavailable,
)

# 409: an identical idempotent request is still in flight; 429: throttled. Every 5xx is
# retryable too, 507 (the ad-hoc bot pool is empty) included.
RETRYABLE_4XX = frozenset({409, 429})
POOL_REFILL_S = 30.0
"""Recall's advice for 507 without a Retry-After: try again every 30 seconds."""
MAX_DETAIL = 500


def retry_after_s(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    return max(0.0, seconds) if math.isfinite(seconds) else None


def _field_messages(value: Any, prefix: str) -> list[str]:
    """DRF validation errors as ``"field: message"`` lines (nested fields dotted)."""
    if isinstance(value, Mapping):
        out: list[str] = []
        for key, inner in value.items():
            name = "" if key in ("non_field_errors", "__all__") else str(key)
            out += _field_messages(inner, f"{prefix}.{name}" if prefix and name else prefix or name)
        return out
    if isinstance(value, list) and any(isinstance(item, Mapping | list) for item in value):
        out = []
        for index, item in enumerate(value):
            if item:
                out += _field_messages(item, f"{prefix}.{index}" if prefix else str(index))
        return out
    messages = value if isinstance(value, list) else [value]
    text = " ".join(str(message) for message in messages if message is not None)
    return [f"{prefix}: {text}" if prefix else text] if text else []


def _text_detail(text: str) -> str:
    # Recall's WAF answers 403 with an HTML page ("Request blocked."): keep its words only.
    plain = re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", text, flags=re.S | re.I)
    return " ".join(plain.split())[:MAX_DETAIL]


def describe(response: httpx2.Response) -> tuple[str, str | None]:
    """Recall's own message for a failed response, verbatim where there is one, and its code."""
    try:
        body = orjson.loads(response.content) if response.content else None
    except orjson.JSONDecodeError:
        body = None
        detail = _text_detail(response.text)
    else:
        detail = ""
    code: str | None = None
    if isinstance(body, Mapping):
        raw_code = body.get("code")
        code = raw_code if isinstance(raw_code, str) else None
        message = next((body[key] for key in ("detail", "message", "error") if body.get(key)), None)
        if message is not None:
            detail = "; ".join(_field_messages(message, ""))
        else:
            rest = {k: v for k, v in body.items() if k != "code"}
            detail = "; ".join(_field_messages(rest, ""))
    elif body is not None:
        detail = "; ".join(_field_messages(body, ""))
    if not detail:
        detail = f"HTTP {response.status_code} {response.reason_phrase}".strip()
    return detail[:MAX_DETAIL], code


def error_for(response: httpx2.Response) -> RecallError:
    """The ``RecallError`` a non-2xx response stands for."""
    status = response.status_code
    detail, code = describe(response)
    if status in (401, 403):
        return RecallUnauthorized(detail, status, code)
    if status == 404:
        return RecallNotFound(detail, status, code)
    if status in RETRYABLE_4XX or status >= 500:
        wait = retry_after_s(response.headers.get("retry-after"))
        if wait is None and status == 507:
            wait = POOL_REFILL_S
        return RecallUnavailable(detail, status, code, retry_after_s=wait)
    if 400 <= status < 500:
        return RecallRejected(detail, status, code)
    return RecallError(f"unexpected answer from Recall: HTTP {status}", status, code)
