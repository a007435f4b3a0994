"""A cached page is answered on the event loop: who is asking and the answer come from memory, no
worker thread is involved. Whatever needs the store or a computation goes to a worker thread."""

from __future__ import annotations

import pytest
import starlette.concurrency

from salesscope.web.store import NotRemembered, from_memory


@pytest.fixture
def hops(monkeypatch) -> list[str]:
    """The names of the functions sent to a worker thread from memory's fallback."""
    sent: list[str] = []
    real = starlette.concurrency.run_in_threadpool

    async def counting(call, *args, **kwargs):
        sent.append(getattr(call, "__name__", repr(call)))
        return await real(call, *args, **kwargs)

    monkeypatch.setattr(starlette.concurrency, "run_in_threadpool", counting)
    return sent


def test_a_cached_page_needs_no_worker_thread_and_a_new_one_does(as_role, hops):
    c, _ = as_role("r01")
    page = "/api/v1/overview?grain=quarter&from=2025-04-01&to=2026-03-31"
    first = c.get(page)
    assert first.status_code == 200, first.text
    assert "overview" in hops  # computed in a worker thread
    hops.clear()
    again = c.get(page)
    assert again.status_code == 200 and again.content == first.content
    assert hops == []
    new = c.get("/api/v1/overview?grain=week&from=2025-11-03&to=2026-01-25")  # nobody asked for it
    assert new.status_code == 200 and len(new.json()["cards"]) == 15
    assert hops == ["overview"]


def test_scope_is_checked_on_the_event_loop_too(as_role, hops):
    """A filter outside the caller's scope is refused whether the answer is kept or not."""
    c, _ = as_role("r01")
    assert c.get("/api/v1/overview").status_code == 200
    hops.clear()
    refused = c.get("/api/v1/overview", params={"where": "rep:R05"})
    assert refused.status_code == 403
    assert c.get("/api/v1/overview", headers={"Authorization": "Bearer ss_not-a-token"}).status_code == 401


def test_nothing_reaches_the_store_or_computes_from_memory(app):
    svc = app.state.service
    computed: list[int] = []
    with from_memory():
        with pytest.raises(NotRemembered), svc.reading():
            pass
        with pytest.raises(NotRemembered), svc.writing():
            pass
        with pytest.raises(NotRemembered):
            svc.cached(("never asked", id(computed)), lambda: computed.append(1))
    assert computed == []
    assert svc.cached(("never asked", id(computed)), lambda: computed.append(1) or 7) == 7  # off the loop
