"""Readers never wait for one another: the CLI reads a workspace the server has open, and one
user's slow computation does not hold back another user's answer. Overlap is shown by ordering
(events, a barrier), never by a clock."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import salesscope
from salesscope.web.service import Service

SAFETY = 120  # seconds before a broken test gives up instead of hanging; never a measure


def salesscope_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "salesscope", *args]


@pytest.fixture
def env() -> dict[str, str]:
    src = str(Path(salesscope.__file__).parents[1])
    return {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]),
            "SALESSCOPE_LOCK_WAIT": "2"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_cli_reads_while_the_server_runs(copy_demo, env):
    ws = copy_demo()
    expected = ws.kpis(["win_rate", "lgr"], grain="quarter")  # read before any server
    path = ws.path
    ws.close()
    port = free_port()
    server = subprocess.Popen(salesscope_cmd("serve", "--port", str(port), "-w", str(path)),
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for line in server.stdout:  # the address is announced once the store is set up
            if f"http://127.0.0.1:{port}/" in line:
                break
        else:
            pytest.fail("the server stopped before announcing its address")
        assert server.poll() is None
        r = subprocess.run(salesscope_cmd("kpi", "win_rate", "lgr", "--grain", "quarter", "--format", "json",
                                          "-w", str(path)),
                           env=env, capture_output=True, text=True, timeout=SAFETY)
        assert r.returncode == 0, r.stderr
        got = {(x["kpi"], x["period"]): x["value"] for x in json.loads(r.stdout)}
        want = {(e.kpi, e.period): None if e.value != e.value else e.value for e in expected.itertuples()}
        assert got.keys() == want.keys() and sum(v is not None for v in want.values()) > 4
        assert got == {k: v if v is None else pytest.approx(v, rel=1e-9) for k, v in want.items()}
        assert server.poll() is None  # still serving
    finally:
        server.terminate()
        server.wait(timeout=SAFETY)


@pytest.fixture
def service(make_ws):
    ws = make_ws({"leads": [{"lead_id": "l1", "created_at": "2026-03-04 10:00", "channel": "phone"}]})
    svc = Service(ws)
    yield svc
    svc.store.close()


def test_a_slow_computation_does_not_hold_back_a_cached_answer(service):
    service.cached(("overview",), lambda: "cached for everyone")
    started, release = threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        assert release.wait(SAFETY)
        return "slow"

    worker = threading.Thread(target=service.cached, args=(("advice",), slow))
    worker.start()
    try:
        assert started.wait(SAFETY)
        answered = threading.Event()
        reader = threading.Thread(target=lambda: (service.cached(("overview",), lambda: "recomputed"),
                                                  answered.set()))
        reader.start()
        assert answered.wait(SAFETY)
        assert not release.is_set()  # the cached answer came while the slow one was still running
        assert service.cached(("overview",), lambda: "recomputed") == "cached for everyone"
    finally:
        release.set()
        worker.join(SAFETY)


def test_computations_run_side_by_side_on_the_store(service):
    both = threading.Barrier(2, timeout=SAFETY)  # broken if the two computations were serialised
    answers: dict[str, int] = {}

    def compute(name: str) -> int:
        with service.reading() as ws:
            both.wait()
            n = ws.duckdb.execute('SELECT count(*) FROM "leads"').fetchone()[0]
        answers[name] = n
        return n

    threads = [threading.Thread(target=service.cached, args=((name,), lambda n=name: compute(n)))
               for name in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(SAFETY)
    assert answers == {"a": 1, "b": 1}


def test_a_write_waits_for_readers_and_readers_see_it(service):
    inside, release = threading.Event(), threading.Event()

    def read() -> None:
        with service.reading():
            inside.set()
            assert release.wait(SAFETY)

    reader = threading.Thread(target=read)
    reader.start()
    assert inside.wait(SAFETY)
    order: list[str] = []

    def write() -> None:
        with service.writing() as ws:
            order.append("write" if release.is_set() else "write beside a reader")
            ws.duckdb.execute('INSERT INTO "leads" (lead_id, created_at, channel) '
                              "VALUES ('l2', '2026-03-05 10:00', 'email')")

    writer = threading.Thread(target=write)
    writer.start()
    while service.store.lock._waiting == 0 and writer.is_alive():  # until the writer waits
        threading.Event().wait(0.01)
    order.append("reader done")
    release.set()
    reader.join(SAFETY)
    writer.join(SAFETY)
    assert order == ["reader done", "write"]
    assert service.fetch('SELECT count(*) FROM "leads"') == [(2,)]


def test_readers_are_answered_while_an_import_preview_runs(own_app, own_role, monkeypatch):
    """A preview imports into a copy of the store: while it runs, another user's question is
    computed and answered, and the store itself is never written."""
    import salesscope.ingest

    svc = own_app.state.service
    boss, csrf = own_role("boss")
    north, _ = own_role("north")
    previewing, answered = threading.Event(), threading.Event()
    order: list[str] = []
    real = salesscope.ingest.import_files

    def held_import(*args, **kwargs):
        previewing.set()
        answered.wait(SAFETY)  # a preview holding the store would keep the reader out until then
        order.append("preview imported")
        return real(*args, **kwargs)

    monkeypatch.setattr(salesscope.ingest, "import_files", held_import)
    reps_before = svc.fetch('SELECT count(*) FROM "reps"')[0][0]
    writes_before = svc.store.writes
    result: dict[str, object] = {}
    csv = b"rep_id,name,team\nR90,Preview Person,North\nR91,,North\n"
    previewer = threading.Thread(target=lambda: result.update(r=boss.post(
        "/api/v1/imports/preview", files={"files": ("reps.csv", csv, "text/csv")},
        headers={"X-CSRF-Token": csrf})))
    previewer.start()
    try:
        assert previewing.wait(SAFETY)
        r = north.get("/api/v1/overview", params={"grain": "quarter"})  # computed now, not cached
        order.append("reader answered")
        assert r.status_code == 200 and len(r.json()["cards"]) == 15
    finally:
        answered.set()
        previewer.join(SAFETY)
    assert order == ["reader answered", "preview imported"]
    preview = result["r"]
    assert preview.status_code == 200, preview.text
    counts = preview.json()["summary"]["tables"]["reps"]
    assert {k: counts[k] for k in ("read", "loaded", "rejected")} == {"read": 2, "loaded": 1, "rejected": 1}
    assert svc.store.writes == writes_before  # the store was not opened for writing
    assert svc.fetch('SELECT count(*) FROM "reps"')[0][0] == reps_before
    upload = svc.ws.path / "uploads" / preview.json()["upload_id"]
    assert sorted(p.name for p in upload.iterdir()) == ["files", "options.json"]  # no copy left behind


def test_a_cached_page_is_served_while_the_store_is_written(own_app, own_role):
    """Who is asking and the cached answer are both known without the store: a write (an
    import committing, a login) does not hold up a page already computed."""
    svc = own_app.state.service
    north, _ = own_role("north")
    first = north.get("/api/v1/overview")
    assert first.status_code == 200
    writing, release = threading.Event(), threading.Event()

    def write() -> None:
        with svc.writing():
            writing.set()
            assert release.wait(SAFETY)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert writing.wait(SAFETY)
        answers: list = []
        reader = threading.Thread(target=lambda: answers.append(north.get("/api/v1/overview")))
        reader.start()
        reader.join(SAFETY)  # a guard against hanging: the write holds until released
        assert not release.is_set() and answers, "the cached page waited for the write"
        assert answers[0].status_code == 200 and answers[0].content == first.content
    finally:
        release.set()
        writer.join(SAFETY)


def test_a_question_asked_while_it_is_computed_is_computed_once(service):
    started, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def slow() -> str:
        calls.append("first")
        started.set()
        assert release.wait(SAFETY)
        return "computed once"

    def again() -> str:
        calls.append("again")
        return "computed twice"

    answers: list[str] = []
    first = threading.Thread(target=lambda: answers.append(service.cached(("advice",), slow)))
    first.start()
    assert started.wait(SAFETY)
    second = threading.Thread(target=lambda: answers.append(service.cached(("advice",), again)))
    second.start()
    second.join(5)  # a second computation would return at once; waiting for the first, it cannot
    assert second.is_alive()
    release.set()
    first.join(SAFETY)
    second.join(SAFETY)
    assert calls == ["first"] and answers == ["computed once", "computed once"]


def test_a_failed_computation_fails_those_who_waited_for_it_and_is_not_kept(service):
    started, release = threading.Event(), threading.Event()

    def failing() -> str:
        started.set()
        assert release.wait(SAFETY)
        raise ValueError("no such thing")

    errors: list[BaseException] = []

    def ask(compute) -> None:
        try:
            service.cached(("bad",), compute)
        except ValueError as e:
            errors.append(e)

    first = threading.Thread(target=ask, args=(failing,))
    first.start()
    assert started.wait(SAFETY)
    second = threading.Thread(target=ask, args=(lambda: "not asked",))
    second.start()
    second.join(5)
    assert second.is_alive()
    release.set()
    first.join(SAFETY)
    second.join(SAFETY)
    assert [str(e) for e in errors] == ["no such thing", "no such thing"]
    assert service.cached(("bad",), lambda: "asked again") == "asked again"
