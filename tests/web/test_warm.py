"""The default views are computed before anyone asks: after the server starts and after each
import, the overview and the advice of every account's scope are in the cache."""

from __future__ import annotations

import shutil

import pytest
from fastapi.testclient import TestClient

import salesscope
from salesscope.web import create_app

SAFETY = 600  # seconds before a broken test gives up instead of hanging; never a measure


@pytest.fixture
def warm_app(app_store, tmp_path):
    shutil.copytree(app_store[3], tmp_path / "ws")
    ws = salesscope.open(tmp_path / "ws")
    app = create_app(ws, announce=lambda _: None, warm=True)
    yield app
    app.state.warmer.stop(wait=SAFETY)
    ws.close()


def nothing_computes(monkeypatch) -> None:
    """From here on, any indicator or advice computed fails: only cached answers can be served."""
    import salesscope.advice
    from salesscope.workspace import Workspace

    def refuse(*args, **kwargs):
        raise AssertionError("computed on request")

    monkeypatch.setattr(Workspace, "kpis", refuse)
    monkeypatch.setattr(salesscope.advice, "findings", refuse)


@pytest.mark.slow
def test_first_visits_after_start_and_after_an_import_are_served_from_the_cache(warm_app, login, monkeypatch):
    warmer = warm_app.state.warmer
    assert warmer.idle.wait(SAFETY)
    with TestClient(warm_app) as boss, TestClient(warm_app) as north, TestClient(warm_app) as r05:
        csrf = login(boss, "boss")
        login(north, "north")
        login(r05, "r05")
        with monkeypatch.context() as m:
            nothing_computes(m)
            for c in (boss, north, r05):  # the queries the dashboard's pages send
                overview = c.get("/api/v1/overview", params={"calendar": "gregorian"})
                assert overview.status_code == 200 and len(overview.json()["cards"]) == 15, overview.text
                advice = c.get("/api/v1/advice", params={"calendar": "gregorian", "lang": "en"})
                assert advice.status_code == 200 and isinstance(advice.json()["items"], list), advice.text
            mine = north.get("/api/v1/overview").json()
            assert mine != boss.get("/api/v1/overview").json()  # each scope its own answer
            with pytest.raises(AssertionError, match="computed on request"):  # a view not computed in advance
                boss.get("/api/v1/overview", params={"grain": "quarter"})
        before = boss.get("/api/v1/overview").json()
        h = {"X-CSRF-Token": csrf}
        csv = b"rep_id,name,team\nR90,New Person,West\n"
        preview = boss.post("/api/v1/imports/preview", files={"files": ("reps.csv", csv, "text/csv")}, headers=h)
        assert preview.status_code == 200, preview.text
        done = boss.post(f"/api/v1/imports/{preview.json()['upload_id']}/commit", headers=h)
        assert done.status_code == 200, done.text
        assert warmer.idle.wait(SAFETY)  # computed again for the new import
        with monkeypatch.context() as m:
            nothing_computes(m)
            after = boss.get("/api/v1/overview")
            assert after.status_code == 200
            assert after.json()["cards"] == before["cards"]  # a new rep without deals changes no number
            assert north.get("/api/v1/advice", params={"lang": "en"}).status_code == 200


@pytest.mark.slow
def test_the_widest_scopes_overview_is_computed_before_the_app_is_returned(app_store, tmp_path, login,
                                                                           monkeypatch):
    """``salesscope serve`` listens once ``create_app`` returns: by then an admin's first overview
    is kept, whatever the background warm-up has reached."""
    from salesscope.web.warm import Warmer

    shutil.copytree(app_store[3], tmp_path / "ws")
    ws = salesscope.open(tmp_path / "ws")
    monkeypatch.setattr(Warmer, "start", lambda self: None)  # no background warm-up at all
    app = create_app(ws, announce=lambda _: None, warm=True)
    try:
        with TestClient(app) as boss, TestClient(app) as north:
            login(boss, "boss")
            login(north, "north")
            with monkeypatch.context() as m:
                nothing_computes(m)
                overview = boss.get("/api/v1/overview", params={"calendar": "gregorian"})
                assert overview.status_code == 200 and len(overview.json()["cards"]) == 15, overview.text
                assert boss.get("/api/v1/catalog").status_code == 200
                with pytest.raises(AssertionError, match="computed on request"):  # another scope's: not yet
                    north.get("/api/v1/overview")
    finally:
        ws.close()
