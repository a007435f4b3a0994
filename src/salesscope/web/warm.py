"""Answers worked out before anyone asks: after the server starts and after every import (or a
settings change), the indicators' catalogue, the overview and the advice of the dashboard's default view are computed for
each scope the accounts have (everything first, then each team's and each rep's), in the
workspace's language, so that a user's first visit is served from the cache.

One background thread does it, one answer at a time; a user asking for an answer it is computing
waits for that computation instead of starting another. A new import or a settings change starts
the round again for the new data. ``salesscope serve`` computes the first of them (the catalogue
and the overview of the widest scope) before it listens, so its first visitor's overview comes
from memory and the engine's libraries are loaded before anyone waits for them.
"""

from __future__ import annotations

import itertools
import logging
import threading
from functools import partial
from typing import TYPE_CHECKING

from salesscope.zoom import Zoom

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from salesscope.web.service import Service
    from salesscope.web.users import User

log = logging.getLogger("salesscope.web")
FIRST = 2  # the catalogue and the widest scope's overview: what a first visitor's page asks first


class Warmer:
    """Keeps the default views of every scope computed for the store's current generation."""

    def __init__(self, svc: Service) -> None:
        self.svc = svc
        self.idle = threading.Event()  # set while every default view of the generation is computed
        self._wake = threading.Event()
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="salesscope-warm", daemon=True)

    def start(self) -> None:
        self.svc.on_change(self.poke)
        self._thread.start()
        self.poke()

    def first(self) -> None:
        """Compute the catalogue and the widest scope's overview now, in the calling thread."""
        for compute in itertools.islice(self._jobs(), FIRST):
            self._compute(compute)

    def poke(self) -> None:
        """The data or the settings changed: compute the default views again."""
        self.idle.clear()
        self._wake.set()

    def stop(self, wait: float = 5.0) -> None:
        """Compute nothing more; wait up to ``wait`` seconds for the answer under way (a server
        stopping does not wait for it longer: the thread is a daemon)."""
        self._stop = True
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout=wait)

    def _run(self) -> None:
        while not self._stop:
            self._wake.wait()
            self._wake.clear()
            generation = self.svc.generation()
            for compute in self._jobs():
                if self._stop or self._wake.is_set():  # stopping, or new data: start again
                    break
                self._compute(compute)
            else:
                if self.svc.generation() == generation and not self._wake.is_set():
                    self.idle.set()

    @staticmethod
    def _compute(compute: Callable[[], object]) -> None:
        try:
            compute()
        except Exception:  # noqa: BLE001 - a view that fails fails for its user too, with its reason
            log.warning("computing a default view in advance failed", exc_info=True)

    def _jobs(self) -> Iterator[Callable[[], object]]:
        """The catalogue, every scope's overview, then every scope's advice (:data:`FIRST` counts
        what comes before the second scope's overview)."""
        from salesscope.web import api

        svc = self.svc
        people = _one_per_scope(svc.users.list())
        lang = svc.ws.config.language
        zoom = Zoom.parse(config=svc.ws.config)
        if people:
            yield partial(api.catalog, people[0], svc)  # every page asks for it first
        for user in people:
            yield partial(api.overview, user, svc, zoom)
        for user in people:
            yield partial(api.advice, user, svc, zoom, lang)


def _one_per_scope(users: list[User]) -> list[User]:
    """One account per scope the accounts have, the widest first (an admin sees everything)."""
    from salesscope.web.auth import scope_for

    order = {"admin": 0, "manager": 1, "rep": 2}
    seen, out = set(), []
    for user in sorted(users, key=lambda u: (order[u.role], u.username)):
        scope = scope_for(user)
        if scope not in seen:
            seen.add(scope)
            out.append(user)
    return out
