"""Sessions (signed cookies), CSRF, bearer tokens, login backoff and per-role visibility."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import OrderedDict
from typing import Any

from fastapi import Request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from salesscope.errors import AuthError, Forbidden
from salesscope.locale import Text
from salesscope.scope import Scope
from salesscope.web.users import SESSION_HOURS, User

SESSION_COOKIE = "salesscope_session"
LOGIN_COOKIE = "salesscope_login"
SESSION_MAX_AGE = SESSION_HOURS * 3600
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class NotLoggedIn(AuthError):
    code = "unauthorized"


class TooManyAttempts(AuthError):
    code = "too_many_attempts"

    def __init__(self, wait: float) -> None:
        super().__init__(Text("error.auth.too_many_attempts", seconds=int(wait) + 1))
        self.wait = wait


class Signer:
    """Signs the pre-login cookie that guards the login form (sessions live in the store)."""

    def __init__(self, secret: str) -> None:
        self.serializer = URLSafeTimedSerializer(secret, salt="salesscope-login")

    def read(self, cookie: str | None, max_age: int) -> dict[str, Any] | None:
        if not cookie:
            return None
        try:
            data = self.serializer.loads(cookie, max_age=max_age)
        except (BadSignature, SignatureExpired):
            return None
        return data if isinstance(data, dict) else None

    def login_nonce(self) -> tuple[str, str]:
        """A signed cookie and the matching hidden form field."""
        nonce = secrets.token_urlsafe(24)
        return self.serializer.dumps({"login": nonce}), nonce


def cookie_args(request: Request) -> dict[str, Any]:
    """HttpOnly, SameSite=Lax, and Secure whenever the page came over HTTPS (or a TLS proxy)."""
    https = request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
    return {"httponly": True, "samesite": "lax", "secure": https, "path": "/"}


class LoginLimiter:
    """In-memory backoff after repeated failed logins, in two counters.

    Per user name *and* address: guessing one account's password from one place slows down
    after ``FREE_ATTEMPTS``. Per address: trying many names from one place (password spraying)
    slows down after ``ADDRESS_FREE_ATTEMPTS``; a successful login from the address clears it,
    so an office behind one address is not held up by its own typos. There is no counter per
    name alone: a stranger failing from elsewhere can never lock an account out.
    """

    FREE_ATTEMPTS = 5
    ADDRESS_FREE_ATTEMPTS = 20
    MAX_WAIT = 300.0
    FORGET_AFTER = 3600.0  # a counter without a failure for an hour starts again
    MAX_ENTRIES = 50_000  # the oldest counters go first: the table cannot grow without bound

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.failures: OrderedDict[str, tuple[int, float, float]] = OrderedDict()  # count, until, last

    @staticmethod
    def _keys(username: str, ip: str) -> tuple[str, str]:
        return f"u:{ip}:{username.strip().lower()}", f"ip:{ip}"

    def _count(self, key: str, now: float) -> tuple[int, float]:
        count, until, last = self.failures.get(key, (0, 0.0, 0.0))
        return (0, 0.0) if now - last > self.FORGET_AFTER else (count, until)

    def check(self, username: str, ip: str) -> None:
        now = time.monotonic()
        with self.lock:
            for key in self._keys(username, ip):
                until = self._count(key, now)[1]
                if until > now:
                    raise TooManyAttempts(until - now)

    def failed(self, username: str, ip: str) -> None:
        now = time.monotonic()
        with self.lock:
            for key, free in zip(self._keys(username, ip), (self.FREE_ATTEMPTS, self.ADDRESS_FREE_ATTEMPTS),
                                 strict=True):
                count = self._count(key, now)[0] + 1
                extra = count - free
                wait = min(self.MAX_WAIT, 2.0 ** extra) if extra >= 0 else 0.0
                self.failures[key] = (count, now + wait, now)
                self.failures.move_to_end(key)
            while len(self.failures) > self.MAX_ENTRIES:
                self.failures.popitem(last=False)

    def succeeded(self, username: str, ip: str) -> None:
        with self.lock:
            for key in self._keys(username, ip):
                self.failures.pop(key, None)


def authenticate(request: Request) -> User:
    """The user behind a request: a bearer token, or a session cookie plus CSRF on writes."""
    users = request.app.state.users
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = users.user_for_token(header[7:].strip())
        if user is None:
            raise NotLoggedIn(Text("error.auth.bad_token"))
        request.state.user = user
        return user
    session = users.session(request.cookies.get(SESSION_COOKIE))
    if session is None:
        raise NotLoggedIn(Text("error.auth.log_in"))
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent, session.csrf):
            raise Forbidden(Text("error.auth.csrf_header"))
    request.state.session, request.state.user = session, session.user
    return session.user


def scope_for(user: User) -> Scope:
    """What a user may see: the engine's scope for their role."""
    return Scope.of(user)


def require_admin(user: User) -> None:
    if user.role != "admin":
        raise Forbidden(Text("error.auth.admin_only"))


def check_where(user: User, where: dict[str, str], team_of: dict[str, str]) -> None:
    """Refuse a filter that names a rep or team outside the user's scope (403, not an empty set)."""
    if not scope_for(user).admits(rep=where.get("rep"), team=where.get("team"), team_of=team_of):
        if user.role == "rep":
            raise Forbidden(Text("error.auth.rep_own_rows"))
        raise Forbidden(Text("error.auth.manager_own_team"))
