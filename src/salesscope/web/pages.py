"""Dashboard pages: thin HTML shells whose scripts read everything from the REST API."""

from __future__ import annotations

import functools
import gzip
import hashlib
import hmac
import json
from importlib.metadata import version
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from salesscope import locale
from salesscope.errors import AuthError
from salesscope.locale import Text
from salesscope.web.auth import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    SESSION_MAX_AGE,
    Forbidden,
    TooManyAttempts,
    authenticate,
    cookie_args,
)
from salesscope.web.strings import catalogue

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.filters["label"] = locale.label
# The chart library's URL names its version: a browser keeps it until an upgrade changes the URL.
templates.env.globals["plotly_version"] = version("plotly")
IMMUTABLE = "public, max-age=31536000, immutable"
LANG_COOKIE = "salesscope_lang"
PAGES = {"overview": "", "week": "week", "funnel": "funnel", "advice": "advice", "forecast": "forecast", "import": "import", "settings": "settings"}


def _js(value: object) -> str:
    # No "<" at all inside the JSON block: neither "</script>" nor "<!--" can end or bend it.
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) \
        or request.app.state.service.ws.config.language
    return lang if locale.supported(lang) else locale.DEFAULT


def _context(request: Request, page: str, **extra) -> dict:
    lang = _lang(request)
    return {"request": request, "lang": lang, "dir": "rtl" if locale.is_rtl(lang) else "ltr",
            "t": catalogue(lang), "strings_json": _js(catalogue(lang)),
            "other_languages": [(code, locale.text("meta.name", code)) for code in locale.languages() if code != lang],
            "page": page, **extra}


def _render(request: Request, page: str, status: int = 200, **extra) -> Response:
    user = authenticate(request)
    cfg = request.app.state.service.ws.config
    session = getattr(request.state, "session", None)  # none for a bearer token: no form posts
    boot = {"page": page, "csrf": session.csrf if session else "", "user": user.public(),
            "currency": cfg.currency, "default_calendar": str(cfg.calendar),
            "min_sample": cfg.min_sample,
            "languages": {code: locale.text("meta.name", code) for code in locale.languages()}, **extra}
    ctx = _context(request, page, user=user, boot_json=_js(boot))
    resp = templates.TemplateResponse(request, "page.html", ctx, status_code=status)
    resp.set_cookie(LANG_COOKIE, ctx["lang"], max_age=365 * 86400, samesite="lax", path="/")
    return resp


@router.get("/", response_class=HTMLResponse)
def overview(request: Request) -> Response:
    return _render(request, "overview")


@router.get("/indicator/{kpi}", response_class=HTMLResponse)
def indicator(request: Request, kpi: str) -> Response:
    return _render(request, "indicator", kpi=kpi)


@router.get("/why/{kpi}", response_class=HTMLResponse)
def why(request: Request, kpi: str) -> Response:
    return _render(request, "why", kpi=kpi)


@router.get("/funnel", response_class=HTMLResponse)
def funnel(request: Request) -> Response:
    return _render(request, "funnel")


@router.get("/advice", response_class=HTMLResponse)
def advice(request: Request) -> Response:
    return _render(request, "advice")


@router.get("/week", response_class=HTMLResponse)
def week(request: Request) -> Response:
    return _render(request, "week")


@router.get("/forecast", response_class=HTMLResponse)
def forecast(request: Request) -> Response:
    return _render(request, "forecast")


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request) -> Response:
    return _render(request, "import")


@router.get("/settings", response_class=HTMLResponse)
def settings(request: Request) -> Response:
    return _render(request, "settings")


# -- login ---------------------------------------------------------------------------------------
def _login_form(request: Request, error: str | None = None, status: int = 200) -> Response:
    cookie, nonce = request.app.state.signer.login_nonce()
    ctx = _context(request, "login", nonce=nonce, error=error,
                   next=_safe_next(request.query_params.get("next")))
    resp = templates.TemplateResponse(request, "login.html", ctx, status_code=status)
    resp.set_cookie(LOGIN_COOKIE, cookie, max_age=3600, **cookie_args(request))
    return resp


def _safe_next(target: str | None) -> str:
    # Only same-site paths, so the login cannot be used to bounce users to another site.
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    return _login_form(request)


@router.post("/login")
def login(request: Request, username: Annotated[str, Form()], password: Annotated[str, Form()],
          nonce: Annotated[str, Form()], next: Annotated[str, Form()] = "/") -> Response:
    state = request.app.state
    t = catalogue(_lang(request))
    pre = state.signer.read(request.cookies.get(LOGIN_COOKIE), max_age=3600) or {}
    if not hmac.compare_digest(str(pre.get("login", "")), nonce):
        return _login_form(request, t["login_expired"], 403)
    ip = request.client.host if request.client else "?"
    try:
        state.limiter.check(username, ip)
        user = state.users.verify(username, password)
    except TooManyAttempts:
        return _login_form(request, t["login_wait"], 429)
    except AuthError:
        state.limiter.failed(username, ip)
        return _login_form(request, t["login_failed"], 401)
    state.limiter.succeeded(username, ip)
    cookie = state.users.new_session(user)
    resp = RedirectResponse(_safe_next(next), status_code=303)
    resp.set_cookie(SESSION_COOKIE, cookie, max_age=SESSION_MAX_AGE, **cookie_args(request))
    resp.delete_cookie(LOGIN_COOKIE, path="/")
    return resp


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form()]) -> Response:
    users = request.app.state.users
    cookie = request.cookies.get(SESSION_COOKIE)
    session = users.session(cookie)
    if session is not None:
        if not hmac.compare_digest(csrf, session.csrf):
            raise Forbidden(Text("error.auth.csrf"))
        users.end_session(cookie)  # the cookie is dead on the server, not only in this browser
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp


@router.get("/favicon.ico")
def favicon() -> Response:
    """Browsers and tools that ask for /favicon.ico get the dashboard's icon (pages name it in a link)."""
    return RedirectResponse("/static/favicon.svg", status_code=301)


# -- assets from Python packages -----------------------------------------------------------------
@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> Response:
    """Swagger UI for the REST API, served from the swagger-ui-bundle package (no CDN)."""
    return templates.TemplateResponse(request, "api-docs.html", {})


@functools.cache
def _plotly_js() -> tuple[bytes, bytes, str]:
    """Plotly's JavaScript, as is and gzipped (once per process), with its ETag."""
    from plotly.offline import get_plotlyjs

    raw = get_plotlyjs().encode("utf-8")
    return raw, gzip.compress(raw, compresslevel=6), f'"{hashlib.sha256(raw).hexdigest()[:20]}"'


@router.get("/assets/plotly.js")
def plotly_js(request: Request) -> Response:
    """Plotly's JavaScript from the installed Python package (the dashboard never uses a CDN):
    gzipped for browsers that accept it, kept by the browser for a year under its versioned URL,
    and answered 304 when the browser already holds this copy."""
    raw, packed, etag = _plotly_js()
    headers = {"Cache-Control": IMMUTABLE, "ETag": etag, "Vary": "Accept-Encoding"}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(packed, media_type="application/javascript",
                        headers={**headers, "Content-Encoding": "gzip"})
    return Response(raw, media_type="application/javascript", headers=headers)
