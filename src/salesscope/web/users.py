"""Accounts kept in the workspace store: users (argon2 hashes) and API tokens (SHA-256 hashes)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
from dataclasses import dataclass
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from salesscope.errors import AuthError, InputError
from salesscope.sqlvalue import scalar

Role = Literal["admin", "manager", "rep"]
ROLES: tuple[str, ...] = ("admin", "manager", "rep")

USERS_DDL = (
    'CREATE TABLE IF NOT EXISTS "_users" (username VARCHAR PRIMARY KEY, password_hash VARCHAR NOT NULL, '
    "role VARCHAR NOT NULL, team VARCHAR, rep_id VARCHAR, created_at TIMESTAMP NOT NULL)"
)
TOKENS_DDL = (
    'CREATE TABLE IF NOT EXISTS "_tokens" (token_hash VARCHAR PRIMARY KEY, username VARCHAR NOT NULL, '
    "name VARCHAR, created_at TIMESTAMP NOT NULL)"
)
TOKEN_PREFIX = "ss_"

_hasher = PasswordHasher()


@dataclass(frozen=True)
class User:
    username: str
    role: Role
    team: str | None = None
    rep_id: str | None = None

    def public(self) -> dict[str, str | None]:
        return {"username": self.username, "role": self.role, "team": self.team, "rep_id": self.rep_id}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _token_hash(token: str) -> str:
    # API tokens are long random strings, so a fast hash is enough and keeps lookups cheap.
    return hashlib.sha256(token.encode()).hexdigest()


class UserStore:
    """Users and tokens in the workspace's DuckDB; every call holds the store lock."""

    def __init__(self, con, lock: threading.RLock) -> None:
        self.con, self.lock = con, lock
        with lock:
            con.execute(USERS_DDL)
            con.execute(TOKENS_DDL)

    def count(self) -> int:
        with self.lock:
            return scalar(self.con.execute('SELECT count(*) FROM "_users"'))

    def list(self) -> list[User]:
        with self.lock:
            rows = self.con.execute(
                'SELECT username, role, team, rep_id FROM "_users" ORDER BY username').fetchall()
        return [User(*r) for r in rows]

    def get(self, username: str) -> User | None:
        with self.lock:
            r = self.con.execute('SELECT username, role, team, rep_id FROM "_users" WHERE username = ?',
                                 [username]).fetchone()
        return User(*r) if r else None

    def create(self, username: str, password: str, role: str, team: str | None = None,
               rep_id: str | None = None) -> User:
        username = (username or "").strip()
        if not username or len(username) > 64:
            raise InputError(f"username {username!r}: expected 1-64 characters")
        if role not in ROLES:
            raise InputError(f"role {role!r}: expected one of {', '.join(ROLES)}")
        if role == "manager" and not team:
            raise InputError("a manager needs a team")
        if role == "rep" and not rep_id:
            raise InputError("a rep needs a rep_id")
        if len(password or "") < 8:
            raise InputError("password: expected at least 8 characters")
        with self.lock:
            if self.get(username):
                raise InputError(f"username {username!r} already exists")
            self.con.execute('INSERT INTO "_users" VALUES (?, ?, ?, ?, ?, ?)',
                             [username, _hasher.hash(password), role,
                              team if role == "manager" else None,
                              rep_id if role == "rep" else None, _now()])
        return User(username, role, team if role == "manager" else None,  # type: ignore[arg-type]
                    rep_id if role == "rep" else None)

    def delete(self, username: str) -> None:
        with self.lock:
            if not self.get(username):
                raise InputError(f"no user {username!r}")
            self.con.execute('DELETE FROM "_tokens" WHERE username = ?', [username])
            self.con.execute('DELETE FROM "_users" WHERE username = ?', [username])

    def set_password(self, username: str, password: str) -> None:
        if len(password or "") < 8:
            raise InputError("password: expected at least 8 characters")
        with self.lock:
            self.con.execute('UPDATE "_users" SET password_hash = ? WHERE username = ?',
                             [_hasher.hash(password), username])

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
            raise AuthError("wrong username or password") from None
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

    # -- API tokens --------------------------------------------------------------------------
    def new_token(self, username: str, name: str | None = None) -> str:
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.lock:
            self.con.execute('INSERT INTO "_tokens" VALUES (?, ?, ?, ?)',
                             [_token_hash(token), username, name, _now()])
        return token

    def user_for_token(self, token: str) -> User | None:
        with self.lock:
            r = self.con.execute('SELECT username FROM "_tokens" WHERE token_hash = ?',
                                 [_token_hash(token)]).fetchone()
        return self.get(r[0]) if r else None
