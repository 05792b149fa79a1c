"""Request signatures as Recall (Svix / Standard Webhooks) computes them.

The expected signature is computed here from the published algorithm with hmac, hashlib and
base64, not with the code under test.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from delegate.adapters.recall.signatures import (
    SignatureError,
    message_id,
    new_secret,
    sign_headers,
    verify,
)

SECRET = "whsec_" + base64.b64encode(b"recall-test-secret-0123456789").decode()
MSG_ID = "msg_loFOjxBNrRLzqYUf"
NOW = 1_731_705_121
BODY = b'{"event":"bot.call_ended","data":{"data":{"code":"call_ended"},"bot":{"id":"b1"}}}'


def published_signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def headers(
    signature: str | None = None, timestamp: int = NOW, prefix: str = "webhook"
) -> dict[str, str]:
    sig = signature or "v1," + published_signature(SECRET, MSG_ID, timestamp, BODY)
    return {
        f"{prefix}-id": MSG_ID,
        f"{prefix}-timestamp": str(timestamp),
        f"{prefix}-signature": sig,
    }


def test_a_signature_made_by_the_published_algorithm_verifies() -> None:
    assert verify(SECRET, headers(), BODY, now=NOW) == MSG_ID


def test_svix_headers_of_legacy_workspaces_are_accepted() -> None:
    assert verify(SECRET, headers(prefix="svix"), BODY, now=NOW) == MSG_ID


def test_sign_headers_matches_the_published_algorithm() -> None:
    signed = sign_headers(SECRET, BODY, msg_id=MSG_ID, timestamp=NOW)

    assert signed == headers()
    assert message_id(signed) == MSG_ID


def test_a_tampered_body_is_refused() -> None:
    with pytest.raises(SignatureError, match="no matching signature"):
        verify(SECRET, headers(), BODY.replace(b"b1", b"b2"), now=NOW)


def test_the_body_is_checked_as_raw_bytes() -> None:
    reformatted = BODY.replace(b":", b": ")

    with pytest.raises(SignatureError):
        verify(SECRET, headers(), reformatted, now=NOW)


def test_a_wrong_secret_is_refused() -> None:
    with pytest.raises(SignatureError):
        verify(new_secret(), headers(), BODY, now=NOW)


@pytest.mark.parametrize("age_s", [301, -301, 3600])
def test_a_timestamp_more_than_five_minutes_off_is_refused(age_s: int) -> None:
    with pytest.raises(SignatureError, match="tolerance"):
        verify(SECRET, headers(), BODY, now=NOW + age_s)


@pytest.mark.parametrize("age_s", [0, 299, -299])
def test_a_timestamp_within_five_minutes_is_accepted(age_s: int) -> None:
    assert verify(SECRET, headers(), BODY, now=NOW + age_s) == MSG_ID


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_missing_headers_are_refused(missing: str) -> None:
    partial = {k: v for k, v in headers().items() if k != missing}

    with pytest.raises(SignatureError, match="missing"):
        verify(SECRET, partial, BODY, now=NOW)


def test_a_non_numeric_timestamp_is_refused() -> None:
    with pytest.raises(SignatureError, match="timestamp"):
        verify(SECRET, {**headers(), "webhook-timestamp": "yesterday"}, BODY, now=NOW)


def test_any_of_several_v1_signatures_may_match() -> None:
    good = published_signature(SECRET, MSG_ID, NOW, BODY)
    other = published_signature(new_secret(), MSG_ID, NOW, BODY)

    assert verify(SECRET, headers(f"v1,{other} v1,{good}"), BODY, now=NOW) == MSG_ID
    assert verify(SECRET, headers(f"v1,{good} v1,{other}"), BODY, now=NOW) == MSG_ID


def test_only_v1_signatures_count() -> None:
    good = published_signature(SECRET, MSG_ID, NOW, BODY)

    with pytest.raises(SignatureError):
        verify(SECRET, headers(f"v2,{good} v1a,{good}"), BODY, now=NOW)


def test_a_rotated_secret_still_verifies() -> None:
    assert verify([new_secret(), SECRET], headers(), BODY, now=NOW) == MSG_ID


def test_v1_equals_as_separator_is_tolerated() -> None:
    good = published_signature(SECRET, MSG_ID, NOW, BODY)

    assert verify(SECRET, headers(f"v1={good}"), BODY, now=NOW) == MSG_ID


def test_a_secret_that_is_not_base64_is_reported() -> None:
    with pytest.raises(SignatureError, match="base64"):
        verify("whsec_not*base64", headers(), BODY, now=NOW)


FULLWIDTH_DIGITS = "".join(chr(0xFF10 + int(d)) for d in "1700000000")
"""Digits str.isdigit() accepts and int() parses, but no sender would put in a header."""


@pytest.mark.parametrize("timestamp", ["1" + "0" * 400, "-1" + "0" * 400, FULLWIDTH_DIGITS, "+1"])
def test_a_timestamp_that_is_no_epoch_second_is_refused(timestamp: str) -> None:
    # A float "now", as time.time() gives: a huge int against it overflowed instead.
    with pytest.raises(SignatureError, match="invalid signature timestamp"):
        verify(SECRET, {**headers(), "webhook-timestamp": timestamp}, BODY, now=NOW + 0.5)
