"""Sessions (signed cookies), CSRF, bearer tokens, login backoff and per-role visibility."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from typing import Any

from fastapi import Request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from salesscope.errors import AuthError, Forbidden
from salesscope.web.users import User

SESSION_COOKIE = "salesscope_session"
LOGIN_COOKIE = "salesscope_login"
SESSION_MAX_AGE = 12 * 3600
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class NotLoggedIn(AuthError):
    code = "unauthorized"


class TooManyAttempts(AuthError):
    code = "too_many_attempts"

    def __init__(self, wait: float) -> None:
        super().__init__(f"too many failed logins: try again in {int(wait) + 1} s")
        self.wait = wait


class Sessions:
    """Signs session and pre-login cookies; each session carries its own CSRF token."""

    def __init__(self, secret: str) -> None:
        self.serializer = URLSafeTimedSerializer(secret, salt="salesscope-session")

    def issue(self, username: str) -> tuple[str, str]:
        csrf = secrets.token_urlsafe(24)
        return self.serializer.dumps({"u": username, "c": csrf}), csrf

    def read(self, cookie: str | None, max_age: int = SESSION_MAX_AGE) -> dict[str, Any] | None:
        if not cookie:
            return None
        try:
            data = self.serializer.loads(cookie, max_age=max_age)
        except (BadSignature, SignatureExpired):
            return None
        return data if isinstance(data, dict) else None

    def login_nonce(self) -> tuple[str, str]:
        """A signed cookie and the matching hidden form field that guard the login form."""
        nonce = secrets.token_urlsafe(24)
        return self.serializer.dumps({"login": nonce}), nonce


def cookie_args(request: Request) -> dict[str, Any]:
    """HttpOnly, SameSite=Lax, and Secure whenever the page came over HTTPS (or a TLS proxy)."""
    https = request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
    return {"httponly": True, "samesite": "lax", "secure": https, "path": "/"}


class LoginLimiter:
    """In-memory backoff per username and per client address after repeated failures."""

    FREE_ATTEMPTS = 5
    MAX_WAIT = 300.0

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.failures: dict[str, tuple[int, float]] = {}

    def _keys(self, username: str, ip: str) -> tuple[str, str]:
        return f"u:{username.lower()}", f"ip:{ip}"

    def check(self, username: str, ip: str) -> None:
        now = time.monotonic()
        with self.lock:
            for key in self._keys(username, ip):
                count, until = self.failures.get(key, (0, 0.0))
                if until > now:
                    raise TooManyAttempts(until - now)

    def failed(self, username: str, ip: str) -> None:
        now = time.monotonic()
        with self.lock:
            for key in self._keys(username, ip):
                count = self.failures.get(key, (0, 0.0))[0] + 1
                extra = count - self.FREE_ATTEMPTS
                wait = min(self.MAX_WAIT, 2.0 ** extra) if extra >= 0 else 0.0
                self.failures[key] = (count, now + wait)

    def succeeded(self, username: str, ip: str) -> None:
        with self.lock:
            self.failures.pop(self._keys(username, ip)[0], None)


def authenticate(request: Request) -> User:
    """The user behind a request: a bearer token, or a session cookie plus CSRF on writes."""
    state = request.app.state
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = state.users.user_for_token(header[7:].strip())
        if user is None:
            raise NotLoggedIn("invalid API token")
        return user
    session = state.sessions.read(request.cookies.get(SESSION_COOKIE))
    if session is None:
        raise NotLoggedIn("log in first (or send an API token as 'Authorization: Bearer ...')")
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent, session.get("c", "")):
            raise Forbidden("missing or wrong CSRF token (send the X-CSRF-Token header)")
    user = state.users.get(session.get("u", ""))
    if user is None:
        raise NotLoggedIn("this account no longer exists")
    return user


def scope_for(user: User) -> dict[str, list[str]] | None:
    """What a user may see, as the engine's ``scope`` argument; None means everything."""
    match user.role:
        case "admin":
            return None
        case "manager":
            return {"team": [user.team or ""]}
        case "rep":
            return {"rep": [user.rep_id or ""]}
    raise Forbidden(f"unknown role {user.role!r}")


def require_admin(user: User) -> None:
    if user.role != "admin":
        raise Forbidden("only an admin can do this")


def check_where(user: User, where: dict[str, str], team_of: dict[str, str]) -> None:
    """Refuse a filter that names a rep or team outside the user's scope (403, not an empty set)."""
    if user.role == "admin":
        return
    rep, team = where.get("rep"), where.get("team")
    if user.role == "rep":
        if rep is not None and rep != user.rep_id:
            raise Forbidden("a rep sees only their own rows")
        if team is not None and team != team_of.get(user.rep_id or ""):
            raise Forbidden("a rep sees only their own rows")
    elif user.role == "manager":
        if team is not None and team != user.team:
            raise Forbidden("a manager sees only their own team")
        if rep is not None and team_of.get(rep) != user.team:
            raise Forbidden("a manager sees only their own team")
