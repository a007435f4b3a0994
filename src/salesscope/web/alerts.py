"""Alerts in the dashboard: the advice engine's findings for the last finished period, inside the
reader's scope (what a digest of theirs carries), with those the reader has not yet seen marked new."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Annotated, Any

from fastapi import APIRouter, Query

from salesscope import locale
from salesscope.web.api import SvcDep, UserDep
from salesscope.web.auth import scope_for
from salesscope.web.service import Service
from salesscope.web.users import User
from salesscope.zoom import Zoom

router = APIRouter(prefix="/api/v1", tags=["alerts"])
TABLE = "_alerts_seen"
DDL = (f'CREATE TABLE IF NOT EXISTS "{TABLE}" (user_id VARCHAR NOT NULL, finding VARCHAR NOT NULL, '
       "seen_at TIMESTAMP NOT NULL, PRIMARY KEY (user_id, finding))")


def finding_key(f: dict[str, Any]) -> str:
    """What makes a finding the same one on the next visit: its kind, indicator, period, where and rule."""
    ident = [f.get("kind"), f.get("kpi"), f.get("period"), sorted((f.get("dimensions") or {}).items()),
             (f.get("evidence") or {}).get("code")]
    return hashlib.sha256(json.dumps(ident, default=str).encode()).hexdigest()[:24]


def _seen(svc: Service, user: User) -> set[str]:
    if TABLE not in svc.tables():
        return set()
    return {r[0] for r in svc.fetch(f'SELECT finding FROM "{TABLE}" WHERE user_id = ?', [user.user_id])}


def _findings(svc: Service, user: User, lang: str) -> list[dict[str, Any]]:
    from salesscope.web.advice_bridge import advice_of

    return advice_of(svc, Zoom.parse(config=svc.ws.config), scope_for(user), lang)["items"]


# Findings take a while after an import: they are worked out beside the request, which answers
# "pending" until they are ready, so a page never waits for its bell.
_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="alerts")
_jobs: dict[tuple, Future] = {}
_jobs_lock = threading.Lock()


def _findings_soon(svc: Service, user: User, lang: str) -> list[dict[str, Any]] | None:
    key = (svc.generation(), scope_for(user), lang)
    with _jobs_lock:
        job = _jobs.get(key)
        if job is None:
            for old in [k for k in _jobs if k[0] != key[0]]:  # another import's: no longer asked for
                del _jobs[old]
            job = _jobs[key] = _worker.submit(_findings, svc, user, lang)
    return job.result() if job.done() else None


@router.get("/alerts")
def alerts(user: UserDep, svc: SvcDep,
           lang: Annotated[str | None, Query(description="language of the sentences")] = None) -> dict[str, Any]:
    """The findings for the caller's scope, each with ``key`` and ``new`` (not yet marked seen);
    ``pending`` while they are still being worked out (ask again shortly)."""
    language = lang if lang and locale.supported(lang) else svc.ws.config.language
    found = _findings_soon(svc, user, language)
    if found is None:
        return {"items": [], "new": 0, "pending": True}
    seen = _seen(svc, user)
    items = [{**f, "key": finding_key(f), "new": finding_key(f) not in seen} for f in found]
    return {"items": items, "new": sum(i["new"] for i in items), "pending": False}


@router.post("/alerts/seen")
def mark_seen(user: UserDep, svc: SvcDep) -> dict[str, Any]:
    """Mark every current finding seen: the bell counts only those that come after."""
    keys = [finding_key(f) for f in _findings(svc, user, svc.ws.config.language)]
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    with svc.writing() as ws:
        ws.duckdb.execute(DDL)
        for key in keys:
            ws.duckdb.execute(f'INSERT INTO "{TABLE}" VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
                              [user.user_id, key, now])
    return {"seen": len(keys)}
