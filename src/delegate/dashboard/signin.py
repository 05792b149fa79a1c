"""Signing in to the dashboard, and refusing cross-site requests.

The account token pasted on the sign-in page is kept in an HttpOnly, SameSite=Strict cookie
and checked like a bearer token on every request, so revoking the token signs the browser out.
Each state-changing form carries a CSRF value derived from that token (HMAC), and a POST whose
Origin is another site is refused even before that: a forged form on another site has neither
the cookie (SameSite=Strict) nor the value.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.responses import Response

from delegate.bootstrap import Container
from delegate.domain.errors import NotAuthenticated, NotAuthorized
from delegate.domain.records import Account
from delegate.services.accounts import authenticate

COOKIE = "delegate_session"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
COOKIE_MAX_AGE_S = 7 * 24 * 3600


class SignInRequired(NotAuthenticated):
    """No valid session cookie: pages send the browser to the sign-in page."""


def _container(request: Request) -> Container:
    return request.app.state.container  # type: ignore[no-any-return]


def csrf_value(token: str) -> str:
    """The CSRF value of a signed-in browser: only the holder of the token can compute it."""
    return hmac.new(token.encode(), b"delegate-dashboard-csrf", hashlib.sha256).hexdigest()


async def signed_in(request: Request) -> Account:
    """The account of the browser's session cookie; SignInRequired when there is none."""
    token = request.cookies.get(COOKIE)
    if not token:
        raise SignInRequired("Sign in with an account token")
    try:
        return await authenticate(_container(request).uow, token)
    except NotAuthenticated as exc:
        raise SignInRequired(exc.message) from exc


SignedIn = Annotated[Account, Depends(signed_in)]


def same_origin(request: Request) -> None:
    """Refuse a request sent by a page of another site (browsers always send Origin on POST)."""
    origin = request.headers.get("origin")
    if origin is None:
        return  # not sent by a browser page (curl, the SDK): the CSRF value still applies
    ours = {
        request.headers.get("host", ""),
        urlsplit(_container(request).settings.public_url).netloc,
    }
    if urlsplit(origin).netloc not in ours:
        raise NotAuthorized("Cross-site request refused")


def check_csrf(request: Request, submitted: str | None) -> None:
    """Refuse a state-changing request without this session's CSRF value."""
    same_origin(request)
    token = request.cookies.get(COOKIE, "")
    presented = submitted or request.headers.get(CSRF_HEADER, "")
    if not token or not hmac.compare_digest(presented, csrf_value(token)):
        raise NotAuthorized("This form has expired or came from another site; reload the page")


def remember(response: Response, request: Request, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=COOKIE_MAX_AGE_S,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


def forget(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
