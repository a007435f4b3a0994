"""Request bodies are bounded before anything reads them, and on the API the caller is known first.

A body larger than its route allows is answered 413 from its declared length, or as soon as the
bytes received pass the limit; nothing parses it. A write to the API from someone not logged in
is answered 401 before a byte of its body is read, so an anonymous client cannot make the server
parse or store anything.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from salesscope.errors import SalesScopeError, TooLarge
from salesscope.locale import Text

UPLOAD_PATH = "/api/v1/imports/preview"
UPLOAD_BYTES = 200 * 1024 * 1024  # files for an import, all together
FORM_BYTES = 1024 * 1024  # every other body: JSON settings, targets, users, the login form
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def body_limit(path: str) -> int:
    return UPLOAD_BYTES if path == UPLOAD_PATH else FORM_BYTES


def too_large(limit: int) -> TooLarge:
    size = f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit // 1024} KB"
    return TooLarge(Text("error.web.request_too_large", size=size))


class BodyTooLarge(HTTPException):
    """Raised while the body streams in; FastAPI lets HTTP errors through its body parsing."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, str(too_large(limit)))
        self.limit = limit


class BodyGuard:
    """ASGI middleware: the size limit and, on the API, authentication before the body."""

    def __init__(self, app: ASGIApp, respond: Callable[[SalesScopeError], Response],
                 authenticate: Callable[[Request], object]) -> None:
        self.app, self.respond, self.authenticate = app, respond, authenticate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope["path"])
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await self.respond(too_large(limit))(scope, receive, send)
            return
        if scope["path"].startswith("/api/"):
            try:
                # A store lookup: off the event loop, like every other one.
                await run_in_threadpool(self.authenticate, Request(scope))
            except SalesScopeError as e:
                await self.respond(e)(scope, receive, send)
                return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, limited, send)
