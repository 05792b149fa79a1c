"""Domain errors. Each maps to one HTTP status in ``api/errors.py`` and nowhere else.

DelegateError
├── InvalidInput        400  a field is wrong; the message names it
├── NotAuthenticated    401
├── NotFound            404  also for another account's records
├── Conflict            409  e.g. an action on an ended session
├── RateLimited         429
├── UpstreamFailed      502  Recall (or the model) failed after retries
└── Unavailable         503  Recall asked us to come back later (Retry-After): nothing was done
"""

from __future__ import annotations


class DelegateError(Exception):
    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DelegateError):
    code = "BAD_REQUEST"


class NotAuthenticated(DelegateError):
    code = "NOT_AUTHENTICATED"


class NotAuthorized(DelegateError):
    """Authenticated, but this request may not do this (e.g. a cross-site form post)."""

    code = "NOT_AUTHORIZED"


class NotFound(DelegateError):
    code = "NOT_FOUND"


class Conflict(DelegateError):
    code = "CONFLICT"


class RateLimited(DelegateError):
    code = "RATE_LIMITED"

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
        """Seconds until a retry can succeed (the ``Retry-After`` header)."""


class UpstreamFailed(DelegateError):
    code = "BAD_GATEWAY"


class Unavailable(DelegateError):
    """Recall refused for now (429 and the like) and said when to come back: nothing was done,
    and the caller may retry after ``retry_after_s`` seconds (answered as ``Retry-After``)."""

    code = "SERVICE_UNAVAILABLE"

    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
