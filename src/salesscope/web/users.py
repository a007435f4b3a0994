"""Accounts kept in the workspace store: users (argon2 hashes), server-side sessions and API
tokens (SHA-256 hashes of long random secrets), all bound to the user's id, never the name."""

from __future__ import annotations

import builtins
import datetime as dt
import hashlib
import secrets
import threading
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from salesscope.errors import AuthError, InputError
from salesscope.locale import Listed, Text
from salesscope.sqlvalue import scalar
from salesscope.web.store import refuse_outside_memory

if TYPE_CHECKING:
    from salesscope.web.store import StoreConnection
    from salesscope.workspace import Workspace

Role = Literal["admin", "manager", "rep"]
ROLES: tuple[str, ...] = ("admin", "manager", "rep")

USERS_DDL = (
    'CREATE TABLE IF NOT EXISTS "_users" (username VARCHAR PRIMARY KEY, password_hash VARCHAR NOT NULL, '
    "role VARCHAR NOT NULL, team VARCHAR, rep_id VARCHAR, created_at TIMESTAMP NOT NULL, user_id VARCHAR)"
)
TOKENS_DDL = (
    'CREATE TABLE IF NOT EXISTS "_tokens" (token_hash VARCHAR PRIMARY KEY, username VARCHAR NOT NULL, '
    "name VARCHAR, created_at TIMESTAMP NOT NULL, user_id VARCHAR, token_id VARCHAR, "
    "expires_at TIMESTAMP, last_used_at TIMESTAMP)"
)
SESSIONS_DDL = (
    'CREATE TABLE IF NOT EXISTS "_sessions" (session_hash VARCHAR PRIMARY KEY, user_id VARCHAR NOT NULL, '
    "csrf VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, expires_at TIMESTAMP NOT NULL)"
)
# Columns added since the first release, for stores created before them.
ADDED = {"_users": (("user_id", "VARCHAR"),),
         "_tokens": (("user_id", "VARCHAR"), ("token_id", "VARCHAR"), ("expires_at", "TIMESTAMP"),
                     ("last_used_at", "TIMESTAMP"))}
TOKEN_PREFIX = "ss_"
SESSION_HOURS = 12
TOKEN_DAYS = 90  # default life of an API token
TOKEN_MAX_DAYS = 366
LAST_USE_EVERY = dt.timedelta(minutes=1)  # how often a token's last use is written

_hasher = PasswordHasher()


@dataclass(frozen=True)
class User:
    username: str
    role: Role
    team: str | None = None
    rep_id: str | None = None
    user_id: str = ""

    def public(self) -> dict[str, str | None]:
        return {"username": self.username, "role": self.role, "team": self.team, "rep_id": self.rep_id}


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str
    key: str  # the hash the store knows the session by


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _hash(secret: str) -> str:
    # Session ids and API tokens are long random strings: a fast hash is enough, lookups stay cheap.
    return hashlib.sha256(secret.encode()).hexdigest()


def _short_password() -> InputError:
    return InputError(Text("error.users.short_password"))


_USER_COLS = "username, role, team, rep_id, user_id"


class UserStore:
    """Users, sessions and tokens in the workspace's DuckDB; ``lock`` keeps each call's statements
    together.

    A session's or token's lookup is remembered until the store's next write (a login, a
    revocation, a new password, anything): every request asks, and the answer only changes
    with a write, so most requests never touch the store to learn who is asking. A token's last
    use is noted in memory (listed at once) and written with the store's next write, or by
    :meth:`write_uses` when the server stops: a request never writes to learn who is asking."""

    def __init__(self, con: StoreConnection, lock: threading.RLock) -> None:
        self.con, self.lock = con, lock
        self._uses: dict[str, dt.datetime] = {}  # token hash -> last use not written yet
        self._uses_lock = threading.Lock()  # held only for a dictionary operation
        con.store.on_write(self._write_uses)
        # secret's hash -> (store writes when read, user, csrf or last use, expiry)
        self._known: dict[str, tuple[int, User, object, dt.datetime]] = {}
        with lock:
            for ddl in (USERS_DDL, TOKENS_DDL, SESSIONS_DDL):
                con.execute(ddl)
            for table, cols in ADDED.items():
                for name, sql_type in cols:
                    con.execute(f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS {name} {sql_type}')
            for (username,) in con.execute('SELECT username FROM "_users" WHERE user_id IS NULL').fetchall():
                con.execute('UPDATE "_users" SET user_id = ? WHERE username = ?', [uuid.uuid4().hex, username])
            # Tokens made before ids: bound to the account that holds the name now, for 90 days.
            con.execute('UPDATE "_tokens" t SET user_id = u.user_id FROM "_users" u '
                        "WHERE t.user_id IS NULL AND u.username = t.username")
            con.execute('UPDATE "_tokens" SET token_id = substr(token_hash, 1, 12), '
                        f"expires_at = created_at + INTERVAL {TOKEN_DAYS} DAY WHERE token_id IS NULL")

    # -- users ----------------------------------------------------------------------------------
    def count(self) -> int:
        with self.lock:
            return scalar(self.con.execute('SELECT count(*) FROM "_users"'))

    def list(self) -> list[User]:
        with self.lock:
            rows = self.con.execute(f'SELECT {_USER_COLS} FROM "_users" ORDER BY username').fetchall()
        return [User(*r) for r in rows]

    def get(self, username: str) -> User | None:
        with self.lock:
            r = self.con.execute(f'SELECT {_USER_COLS} FROM "_users" WHERE username = ?',
                                 [username]).fetchone()
        return User(*r) if r else None

    def by_id(self, user_id: str) -> User | None:
        with self.lock:
            r = self.con.execute(f'SELECT {_USER_COLS} FROM "_users" WHERE user_id = ?',
                                 [user_id]).fetchone()
        return User(*r) if r else None

    def create(self, username: str, password: str, role: str, team: str | None = None,
               rep_id: str | None = None) -> User:
        username = (username or "").strip()
        if not username or len(username) > 64:
            raise InputError(Text("error.users.bad_username", username=username))
        if role not in ROLES:
            raise InputError(Text("error.users.bad_role", role=role, options=Listed(ROLES)))
        if role == "manager" and not team:
            raise InputError(Text("error.users.manager_needs_team"))
        if role == "rep" and not rep_id:
            raise InputError(Text("error.users.rep_needs_rep_id"))
        if len(password or "") < 8:
            raise _short_password()
        user = User(username, cast(Role, role), team if role == "manager" else None,  # a role of ROLES
                    rep_id if role == "rep" else None, uuid.uuid4().hex)
        with self.lock:
            if self.get(username):
                raise InputError(Text("error.users.exists", username=username))
            self.con.execute('INSERT INTO "_users" (username, password_hash, role, team, rep_id, '
                             "created_at, user_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                             [username, _hasher.hash(password), role, user.team, user.rep_id, _now(),
                              user.user_id])
        return user

    def delete(self, username: str) -> None:
        """Remove an account with its sessions and tokens: nothing it held works again."""
        with self.lock:
            user = self.get(username)
            if user is None:
                raise InputError(Text("error.users.no_user", username=username))
            self.con.execute('DELETE FROM "_sessions" WHERE user_id = ?', [user.user_id])
            self.con.execute('DELETE FROM "_tokens" WHERE user_id = ? OR username = ?',
                             [user.user_id, username])
            self.con.execute('DELETE FROM "_users" WHERE user_id = ?', [user.user_id])

    def set_password(self, username: str, password: str, *, keep_session: str | None = None) -> None:
        """A new password ends every session (but ``keep_session``) and every API token."""
        if len(password or "") < 8:
            raise _short_password()
        with self.lock:
            user = self.get(username)
            if user is None:
                raise InputError(Text("error.users.no_user", username=username))
            self.con.execute('UPDATE "_users" SET password_hash = ? WHERE user_id = ?',
                             [_hasher.hash(password), user.user_id])
            self.con.execute('DELETE FROM "_sessions" WHERE user_id = ? AND session_hash <> ?',
                             [user.user_id, keep_session or ""])
            self.con.execute('DELETE FROM "_tokens" WHERE user_id = ?', [user.user_id])

    def verify(self, username: str, password: str) -> User:
        with self.lock:
            r = self.con.execute('SELECT password_hash FROM "_users" WHERE username = ?',
                                 [username]).fetchone()
        try:
            if r is None:
                # Hash anyway so an unknown name takes as long as a wrong password.
                _hasher.hash(password or "x")
                raise VerificationError
            _hasher.verify(r[0], password)
        except (VerificationError, InvalidHashError):
            raise AuthError(Text("error.users.wrong_password")) from None
        user = self.get(username)
        assert user is not None
        return user

    def ensure_admin(self) -> str | None:
        """Create the first admin with a random password when there is no user; return it once."""
        with self.lock:
            if self.count():
                return None
            password = secrets.token_urlsafe(12)
            self.create("admin", password, "admin")
        return password

    # -- sessions -------------------------------------------------------------------------------
    def new_session(self, user: User) -> str:
        """A session for a user: the secret goes in the cookie, its hash stays in the store."""
        secret, csrf, now = secrets.token_urlsafe(32), secrets.token_urlsafe(24), _now()
        with self.lock:
            self.con.execute('DELETE FROM "_sessions" WHERE expires_at < ?', [now])
            self.con.execute('INSERT INTO "_sessions" VALUES (?, ?, ?, ?, ?)',
                             [_hash(secret), user.user_id, csrf, now,
                              now + dt.timedelta(hours=SESSION_HOURS)])
        return secret

    def _found(self, key: str, query: str, now: dt.datetime) -> tuple[User, object, dt.datetime] | None:
        """The user, the second column and the expiry of the session or token ``key`` that
        ``query`` finds (its row still valid at ``now``), remembered until the next write."""
        known = self._known.get(key)
        if known is not None and known[0] == self.con.store.writes:
            return known[1], known[2], known[3]
        refuse_outside_memory()  # before the lock: another thread may hold it while it reads
        writes = self.con.store.writes  # before reading: a write meanwhile makes it stale
        with self.lock:
            r = self.con.execute(query, [key, now]).fetchone()
        user = self.by_id(r[0]) if r else None
        if r is None or user is None:
            return None
        if len(self._known) > 10_000:  # sessions and tokens in use; never more than a few thousand
            self._known.clear()
        self._known[key] = (writes, user, r[1], r[2])
        return user, r[1], r[2]

    def session(self, secret: str | None) -> Session | None:
        if not secret:
            return None
        key, now = _hash(secret), _now()
        known = self._found(key, 'SELECT user_id, csrf, expires_at FROM "_sessions" WHERE session_hash = ? '
                                 "AND expires_at > ?", now)
        if known is None:
            return None
        user, csrf, expires = known
        return Session(user, str(csrf), key) if expires > now else None

    def end_session(self, secret: str | None) -> None:
        if secret:
            with self.lock:
                self.con.execute('DELETE FROM "_sessions" WHERE session_hash = ?', [_hash(secret)])

    # -- API tokens -----------------------------------------------------------------------------
    def new_token(self, username: str, name: str | None = None, days: int = TOKEN_DAYS) -> str:
        if not 1 <= days <= TOKEN_MAX_DAYS:
            raise InputError(Text("error.users.token_days", days=days, most=TOKEN_MAX_DAYS))
        user = self.get(username)
        if user is None:
            raise InputError(Text("error.users.no_user", username=username))
        token, now = TOKEN_PREFIX + secrets.token_urlsafe(32), _now()
        with self.lock:
            self.con.execute('INSERT INTO "_tokens" (token_hash, username, name, created_at, user_id, '
                             "token_id, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                             [_hash(token), username, name, now, user.user_id, secrets.token_hex(6),
                              now + dt.timedelta(days=days)])
        return token

    def user_for_token(self, token: str) -> User | None:
        """The token's user while it is valid; its last use is noted (once a minute at most)."""
        key, now = _hash(token), _now()
        known = self._found(key, 'SELECT user_id, last_used_at, expires_at FROM "_tokens" '
                                 "WHERE token_hash = ? AND expires_at > ?", now)
        if known is None:
            return None
        user, used, expires = known
        if expires <= now:
            return None
        with self._uses_lock:
            noted = self._uses.get(key, used)
            if not isinstance(noted, dt.datetime) or now - noted >= LAST_USE_EVERY:
                self._uses[key] = now
        return user

    def write_uses(self) -> None:
        """Write the noted last uses now (a write of their own; the server does it as it stops)."""
        with self._uses_lock:
            pending = bool(self._uses)
        if pending:
            with self.con.store.writing():
                pass  # the write's end writes them (:meth:`_write_uses`)

    def _write_uses(self, ws: Workspace) -> None:
        """At the end of every write, on its connection: the last uses noted since the one before."""
        with self._uses_lock:
            uses, self._uses = self._uses, {}
        if uses:
            ws.duckdb.executemany('UPDATE "_tokens" SET last_used_at = ? WHERE token_hash = ?',
                                  [[when, key] for key, when in uses.items()])

    def tokens(self, user: User) -> builtins.list[dict[str, object]]:
        with self._uses_lock:  # first: a note written meanwhile is in the rows read next
            uses = dict(self._uses)
        with self.lock:
            rows = self.con.execute('SELECT token_id, name, created_at, expires_at, last_used_at, token_hash '
                                    'FROM "_tokens" WHERE user_id = ? ORDER BY created_at', [user.user_id]).fetchall()
        now, out = _now(), []
        for i, n, c, e, u, h in rows:
            used = uses.get(h, u)  # a use noted but not written yet is the latest
            out.append({"id": i, "name": n, "created_at": c.isoformat(), "expires_at": e.isoformat(),
                        "last_used_at": used.isoformat() if used else None, "expired": e <= now})
        return out

    def revoke_token(self, user: User, token_id: str) -> None:
        with self.lock:
            found = scalar(self.con.execute('SELECT count(*) FROM "_tokens" WHERE user_id = ? AND token_id = ?',
                                            [user.user_id, token_id]))
            if not found:
                raise InputError(Text("error.users.no_token", token=token_id))
            self.con.execute('DELETE FROM "_tokens" WHERE user_id = ? AND token_id = ?',
                             [user.user_id, token_id])
