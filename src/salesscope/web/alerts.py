"""Alerts in the dashboard: the findings of the reader's e-mail digests (those they subscribed to in
the dashboard, else the monthly digest a subscription of theirs would carry), with those the reader
has not yet seen marked new."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from salesscope import locale
from salesscope.report import digest
from salesscope.report.builder import scope_from_filter
from salesscope.web.api import SvcDep, UserDep
from salesscope.web.api_admin import allowed_filter, default_filter
from salesscope.web.service import Service
from salesscope.web.users import User

router = APIRouter(prefix="/api/v1", tags=["alerts"])
TABLE = "_alerts_seen"
DDL = (f'CREATE TABLE IF NOT EXISTS "{TABLE}" (user_id VARCHAR NOT NULL, finding VARCHAR NOT NULL, '
       "seen_at TIMESTAMP NOT NULL, PRIMARY KEY (user_id, finding))")


def finding_key(f: dict[str, Any]) -> str:
    """What makes a finding the same one on the next visit: its kind, indicator, period, where, and
    the words of its evidence (its rule, which edge, which day); not its figures, which a late row
    may move."""
    words = sorted((k, v) for k, v in (f.get("evidence") or {}).items() if isinstance(v, str))
    ident = [f.get("kind"), f.get("kpi"), f.get("period"), sorted((f.get("dimensions") or {}).items()), words]
    return hashlib.sha256(json.dumps(ident, default=str).encode()).hexdigest()[:24]


def digests_of(svc: Service, user: User) -> list[digest.Subscription]:
    """The digests whose findings ``user``'s bell shows: those they subscribed to in the dashboard
    that still stay inside their scope, else the monthly one a subscription of theirs would carry."""
    with svc.reading() as ws:
        own = digest.owned_by(ws, user.user_id)
    team_of = svc.team_of()
    own = [s for s in own if allowed_filter(user, s.filter, team_of)]
    return own or [digest.Subscription(0, "", "", "monthly", default_filter(user), None, None)]


def _seen(svc: Service, user: User) -> set[str]:
    if TABLE not in svc.tables():
        return set()
    return {r[0] for r in svc.fetch(f'SELECT finding FROM "{TABLE}" WHERE user_id = ?', [user.user_id])}


def _digest_findings(svc: Service, sub: digest.Subscription, today: dt.date, lang: str) -> list[dict[str, Any]]:
    return digest.findings(svc.ws, sub, today, lang)  # the calling thread's reader


def _findings(svc: Service, subs: list[digest.Subscription], lang: str, today: dt.date) -> list[dict[str, Any]]:
    """Every finding of ``subs``' digests on ``today``, each once, in the digests' order."""
    found: dict[str, dict[str, Any]] = {}
    for sub in subs:
        key = ("digest-findings", sub.schedule, tuple(sorted(sub.filter.items())), lang, today)
        for f in svc.cached(key, partial(_digest_findings, svc, sub, today, lang), scope_from_filter(sub.filter)):
            found.setdefault(finding_key(f), {**f, "grain": digest.SCHEDULES[sub.schedule]})
    return [{**f, "key": k} for k, f in found.items()]


# Findings take a while after an import: they are worked out beside the request, which answers
# "pending" until they are ready, so a page never waits for its bell.
_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="alerts")
_jobs: dict[tuple, Future] = {}
_jobs_lock = threading.Lock()


def _findings_soon(svc: Service, user: User, lang: str) -> list[dict[str, Any]] | None:
    subs, today = digests_of(svc, user), dt.date.today()
    key = (svc.generation(), tuple((s.schedule, tuple(sorted(s.filter.items()))) for s in subs), lang, today)
    with _jobs_lock:
        job = _jobs.get(key)
        if job is None:
            for old in [k for k in _jobs if k[0] != key[0]]:  # another import's: no longer asked for
                del _jobs[old]
            job = _jobs[key] = _worker.submit(_findings, svc, subs, lang, today)
    return job.result() if job.done() else None


@router.get("/alerts")
def alerts(user: UserDep, svc: SvcDep,
           lang: Annotated[str | None, Query(description="language of the sentences")] = None) -> dict[str, Any]:
    """The findings of the caller's digests, each with ``key`` and ``new`` (not yet marked seen);
    ``pending`` while they are still being worked out (ask again shortly)."""
    language = lang if lang and locale.supported(lang) else svc.ws.config.language
    found = _findings_soon(svc, user, language)
    if found is None:
        return {"items": [], "new": 0, "pending": True}
    seen = _seen(svc, user)
    items = [{**f, "new": f["key"] not in seen} for f in found]
    return {"items": items, "new": sum(i["new"] for i in items), "pending": False}


class Seen(BaseModel):
    keys: list[Annotated[str, Field(pattern="^[0-9a-f]{24}$")]] = Field(max_length=10_000)


@router.post("/alerts/seen")
def mark_seen(body: Seen, user: UserDep, svc: SvcDep) -> dict[str, Any]:
    """Mark the findings the reader was shown (their ``key``) seen: the bell counts only others."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    with svc.writing() as ws:
        ws.duckdb.execute(DDL)
        for key in dict.fromkeys(body.keys):
            ws.duckdb.execute(f'INSERT INTO "{TABLE}" VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
                              [user.user_id, key, now])
    return {"seen": len(set(body.keys))}
