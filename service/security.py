"""Who may change the store over HTTP, how big a request may be, and which other sites may call us.

* Writes (SPARQL Update, document loads) need ``Authorization: Bearer <token>``, compared in constant time.
* A request body larger than its limit is refused with 413 before it is read into memory: the
  ``Content-Length`` is checked first, and a chunked body is counted as it streams.
* CORS is closed unless origins are configured: without them no ``Access-Control-Allow-Origin`` is sent,
  so a page on another site cannot read our answers from a user's browser.
"""
from __future__ import annotations

import hmac
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def is_iri(value: str | None) -> bool:
    """Whether a request value is an absolute IRI the store can hold; pyoxigraph refuses others with ValueError,
    which must become a 404 or 400, not a 500."""
    if not value:
        return False
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return True


MAX_TERM_CHARS = 1000      # no department, facility type or plan id is near this long
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def term_problem(value: str | None, iri_only: bool = False) -> str | None:
    """Why a request value meant as a name or an IRI (department=, facility=, plan= …) cannot be used, else
    None. A plain name stays a name; only text that claims to be an IRI (`scheme://…`) must be a valid one,
    or pyoxigraph raises while binding it (`http://x/a b`), which would be a 500."""
    if value is None:
        return None
    if len(value) > MAX_TERM_CHARS:
        return f"is {len(value)} characters long; at most {MAX_TERM_CHARS}"
    if _CONTROL.search(value):
        return "contains control characters"
    if (iri_only or _SCHEME.match(value)) and not is_iri(value):
        return f"{value[:80]!r} is not a valid IRI"
    return None


def bearer_token_ok(authorization: str | None, token: str | None) -> bool:
    """True when the header is ``Bearer <token>``; hmac.compare_digest so timing says nothing about the token."""
    if not token or not authorization:
        return False
    scheme, _, given = authorization.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


@dataclass(frozen=True)
class BodyLimits:
    """Largest request body per path prefix (longest prefix wins), else ``default``."""

    default: int
    by_prefix: tuple[tuple[str, int], ...] = ()

    def for_path(self, path: str) -> int:
        matches = [(len(prefix), size) for prefix, size in self.by_prefix if path.startswith(prefix)]
        return max(matches)[1] if matches else self.default


class _TooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """Answers 413 for a body over its limit, whether announced by Content-Length or streamed chunked. A body
    that overflows while the app reads it ends in 413 whatever the app made of the error (FastAPI's form and
    body readers turn any exception into 400 "There was an error parsing the body")."""

    def __init__(self, app: ASGIApp, limits: BodyLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.for_path(scope["path"])
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None:
            try:
                announced = int(length)
            except ValueError:
                await _send_error(send, 400, "invalid Content-Length")
                return
            if announced > limit:
                await _send_error(send, 413, _too_large(limit))
                return
        received = 0
        over = started = False

        async def counting_receive() -> Message:
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    over = True
                    raise _TooLarge
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            if over and not started:
                return      # the app's own answer to a body it could not read (FastAPI makes any such error a 400)
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except Exception:
            if not over or started:
                raise
        if over and not started:
            await _send_error(send, 413, _too_large(limit))


def _too_large(limit: int) -> str:
    return f"request body too large: at most {limit} bytes"


async def _send_error(send: Send, status: int, message: str) -> None:
    body = json.dumps({"detail": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def install(app: FastAPI, limits: BodyLimits, cors_origins: Sequence[str]) -> None:
    """Add the body limits, and CORS only for the configured origins (none by default)."""
    app.add_middleware(BodyLimitMiddleware, limits=limits)
    if cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["Accept", "Authorization", "Content-Type"], allow_credentials=False)
