"""The app factory: one FastAPI app serving the REST API, the dashboard pages and their assets."""

from __future__ import annotations

import json
import logging
import os
import secrets
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from swagger_ui_bundle import swagger_ui_path

from salesscope import locale
from salesscope.config import validation_problem
from salesscope.errors import AuthError, SalesScopeError, TooLarge, WorkspaceError
from salesscope.locale import Listed, Localized, Text
from salesscope.web.auth import (
    Forbidden,
    LoginLimiter,
    NotLoggedIn,
    Signer,
    TooManyAttempts,
    authenticate,
)
from salesscope.web.headers import SecurityHeaders
from salesscope.web.limits import BodyGuard, BodyTooLarge, too_large
from salesscope.web.service import Service
from salesscope.web.store import StoreConnection
from salesscope.web.users import UserStore

if TYPE_CHECKING:
    from salesscope.workspace import Workspace

STATIC = Path(__file__).parent / "static"
# Seconds a thread holds Python's lock before another may take it (the interpreter's default is
# 0.005): a cached answer needs the lock a few times, and beside a computation it waits up to
# this long each time. Measured beside a cold advice: cached p95 36 ms at 0.001, 64 ms at 0.005,
# the computation itself not slower (docs/performance.md).
SWITCH_INTERVAL = 0.001
SECRET_FILE = "web-secret"
log = logging.getLogger("salesscope.web")


def _status(err: SalesScopeError) -> int:
    """The HTTP status of each SalesScope error, decided here and nowhere else."""
    if isinstance(err, NotLoggedIn):
        return 401
    if isinstance(err, TooManyAttempts):
        return 429
    if isinstance(err, Forbidden):
        return 403
    if isinstance(err, AuthError):
        return 401
    if isinstance(err, WorkspaceError):
        return 503
    if isinstance(err, TooLarge):
        return 413
    return 400


def error_body(code: str, message: str, **extra: object) -> dict:
    return {"error": {"code": code, "message": message, **extra}}


def translations(message: Localized) -> dict[str, str]:
    """``message_fa`` (and ``message_<lang>`` for every other language with a catalogue) beside the
    English ``message``."""
    return {f"message_{lang}": message(lang) for lang in locale.languages() if lang != locale.DEFAULT}


def error_response(exc: SalesScopeError, hide: str | None = None) -> JSONResponse:
    """A SalesScope error as the API answers it: its status, code, message and Persian message.

    ``hide``: a server path (the workspace's) replaced by "<workspace>" wherever it appears.
    """
    extra = {}
    for attr in ("file", "row", "column"):
        if getattr(exc, attr, None) is not None:
            extra[attr] = getattr(exc, attr)
    if exc.text is not None:
        extra.update(translations(exc.text))
    body = error_body(exc.code, str(exc), **extra)
    if hide:
        body = json.loads(json.dumps(body, ensure_ascii=False).replace(json.dumps(hide)[1:-1], "<workspace>"))
    headers = {"Retry-After": str(int(exc.wait) + 1)} if isinstance(exc, TooManyAttempts) else None
    return JSONResponse(body, status_code=_status(exc), headers=headers)


def _secret(ws: Workspace) -> str:
    """A per-workspace key signing the login form's cookie, kept beside the store."""
    path = ws.path / SECRET_FILE
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def install_error_handlers(app: FastAPI) -> None:
    """Every error becomes ``{"error": {"code", "message"}}``; pages redirect to the login."""

    def is_page(request: Request) -> bool:
        return not request.url.path.startswith("/api/")

    @app.exception_handler(SalesScopeError)
    async def _sales(request: Request, exc: SalesScopeError) -> Response:
        if isinstance(exc, NotLoggedIn) and is_page(request):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        user = getattr(request.state, "user", None)
        admin = user is not None and user.role == "admin"
        # Only an admin is told where the server keeps things.
        return error_response(exc, hide=None if admin else str(request.app.state.ws.path))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = Listed([Text("error.field_problem", field=".".join(str(p) for p in e["loc"]),
                                what=validation_problem(e)) for e in exc.errors()], "; ")
        invalid = Text("error.web.invalid_request", problems=problems)
        return JSONResponse(error_body("invalid_request", str(problems), **translations(invalid)),
                            status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if isinstance(exc, BodyTooLarge):
            return error_response(too_large(exc.limit))
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        known = code != "http_error"
        return JSONResponse(error_body(code, str(exc.detail), **(translations(Text(f"error.web.{code}"))
                                                                  if known else {})),
                            status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        crash = Text("error.web.internal_error")
        return JSONResponse(error_body("internal_error", str(crash), **translations(crash)), status_code=500)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    warmer = getattr(app.state, "warmer", None)
    if warmer is not None:
        await run_in_threadpool(warmer.stop)
    await run_in_threadpool(app.state.users.write_uses)  # the tokens' last uses noted since the last write


def create_app(ws: Workspace, *, announce: Callable[[str], object] = print, warm: bool = False) -> FastAPI:
    """Build the app for an open workspace; creates the first admin and announces its password.

    ``warm``: compute the default views of every scope in the background, now and after every
    import, so that first visits are served from the cache (:mod:`salesscope.web.warm`); the
    catalogue and the widest scope's overview are computed before this returns."""
    from salesscope.web import alerts, api, api_admin, api_forecast, api_imports, pages, views

    app = FastAPI(title="SalesScope", version="1", openapi_url="/openapi.json", docs_url=None,
                  redoc_url=None, lifespan=_lifespan,
                  description="Sales indicators at any zoom. Every error is "
                              '`{"error": {"code": ..., "message": ...}}`.')
    # Every file the server writes (the store's WAL, uploads, sessions) is for its owner only,
    # including a WAL already begun by opening the workspace.
    os.umask(0o077)
    wal = ws.store_path.with_name(ws.store_path.name + ".wal")
    if wal.exists():
        wal.chmod(0o600)
    svc = Service(ws)
    app.state.service = svc
    app.state.ws = ws
    with svc.writing():  # the users' tables and the first admin in one opening of the store
        app.state.users = svc.users = UserStore(StoreConnection(svc.store), threading.RLock())
        password = app.state.users.ensure_admin()
    app.state.signer = Signer(_secret(ws))
    app.state.limiter = LoginLimiter()
    if password:
        announce(f"Created the first user 'admin' with the one-time password: {password}\n"
                 "Log in and change it under Settings.")
    install_error_handlers(app)
    app.include_router(api.router)
    app.include_router(api_admin.router)
    app.include_router(api_imports.router)
    app.include_router(api_forecast.router)
    app.include_router(views.router)
    app.include_router(alerts.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/assets/swagger", StaticFiles(directory=swagger_ui_path), name="swagger")
    app.add_middleware(BodyGuard, respond=error_response, authenticate=authenticate)
    app.add_middleware(GZipMiddleware, minimum_size=1024)  # scripts, styles and JSON, for browsers that accept it
    app.add_middleware(SecurityHeaders)  # outermost: every answer gets them, refusals too
    if warm:
        from salesscope.web.warm import Warmer

        app.state.warmer = Warmer(svc)
        app.state.warmer.first()
        app.state.warmer.start()
    return app
