"""Saved views: a named page and zoom (its URL), kept in the workspace store, for its owner alone or
shared with the owner's team (an admin shares with everyone)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from salesscope.errors import InputError
from salesscope.locale import Text
from salesscope.web.api import SvcDep, UserDep
from salesscope.web.auth import Forbidden
from salesscope.web.service import Service
from salesscope.web.users import User

router = APIRouter(prefix="/api/v1", tags=["views"])
TABLE = "_views"
DDL = (f'CREATE TABLE IF NOT EXISTS "{TABLE}" (view_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, '
       "path VARCHAR NOT NULL, query VARCHAR NOT NULL, owner_id VARCHAR NOT NULL, owner VARCHAR NOT NULL, "
       "shared_with VARCHAR, created_at TIMESTAMP NOT NULL)")
EVERYONE = "*"
# The dashboard's pages a view can open.
PAGE = re.compile(r"^/(indicator/[A-Za-z0-9_]+|week|funnel|advice|forecast)?$")


class NewView(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    path: Annotated[str, Field(max_length=200)]
    query: Annotated[str, Field(max_length=2000)] = ""
    shared: bool = False


def _audience(user: User, svc: Service) -> str | None:
    """Whom a user's shared view reaches: an admin's everyone, a manager's their team, a rep's theirs."""
    if user.role == "admin":
        return EVERYONE
    return user.team or (svc.team_of().get(user.rep_id or "") if user.rep_id else None)


def _visible(user: User, svc: Service) -> list[dict[str, Any]]:
    if TABLE not in svc.tables():
        return []
    # an admin sees every shared view (to tidy them); others their own and their team's
    shared = "shared_with IS NOT NULL" if user.role == "admin" else "shared_with IN (?, ?)"
    params = [user.user_id] + ([] if user.role == "admin" else [EVERYONE, _audience(user, svc) or ""])
    rows = svc.fetch(f'SELECT view_id, name, path, query, owner_id, owner, shared_with, created_at FROM "{TABLE}" '
                     f"WHERE owner_id = ? OR {shared} ORDER BY lower(name), created_at", params)
    return [{"id": r[0], "name": r[1], "path": r[2], "query": r[3], "owner": r[5], "mine": r[4] == user.user_id,
             "shared": r[6] is not None, "url": f"{r[2]}?{r[3]}" if r[3] else r[2],
             "created_at": r[7].isoformat() if r[7] else None} for r in rows]


@router.get("/views")
def list_views(user: UserDep, svc: SvcDep) -> list[dict[str, Any]]:
    """The caller's saved views and those shared with their team (or with everyone)."""
    return _visible(user, svc)


@router.post("/views", status_code=201)
def save_view(body: NewView, user: UserDep, svc: SvcDep) -> dict[str, Any]:
    """Save the page and zoom as a named view; ``shared`` shows it to the caller's team as well."""
    if not PAGE.match(body.path):
        raise InputError(Text("error.views.not_a_page", path=body.path))
    query = "&".join(p for p in body.query.lstrip("?").split("&") if p and not p.startswith("lang="))
    shared = _audience(user, svc) if body.shared else None
    if body.shared and shared is None:
        raise InputError(Text("error.views.no_team"))
    view_id = uuid.uuid4().hex[:12]
    with svc.writing() as ws:
        ws.duckdb.execute(DDL)
        ws.duckdb.execute(f'INSERT INTO "{TABLE}" VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
                          [view_id, body.name.strip(), body.path, query, user.user_id, user.username, shared,
                           dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)])
    return next(v for v in _visible(user, svc) if v["id"] == view_id)


@router.delete("/views/{view_id}")
def delete_view(view_id: str, user: UserDep, svc: SvcDep) -> dict[str, Any]:
    """Remove a view: its owner or an admin."""
    view = next((v for v in _visible(user, svc) if v["id"] == view_id), None)
    if view is None:
        raise InputError(Text("error.views.no_view", view=view_id))
    if not view["mine"] and user.role != "admin":
        raise Forbidden(Text("error.views.not_yours"))
    with svc.writing() as ws:
        ws.duckdb.execute(f'DELETE FROM "{TABLE}" WHERE view_id = ?', [view_id])
    return {"deleted": view_id}
