"""Saved views: kept per user, shared with the owner's team, removable by their owner or an admin."""

from __future__ import annotations


def _post(c, csrf, **body):
    return c.post("/api/v1/views", json=body, headers={"X-CSRF-Token": csrf})


def test_a_shared_view_reaches_the_team_and_no_one_else(own_role):
    north, ncsrf = own_role("north")
    r = _post(north, ncsrf, name="North, this quarter", path="/indicator/win_rate",
              query="grain=quarter&where=team:North&lang=fa", shared=True)
    assert r.status_code == 201, r.text
    view = r.json()
    assert view["url"] == "/indicator/win_rate?grain=quarter&where=team:North" and view["shared"]
    mine = _post(north, ncsrf, name="only mine", path="/funnel", query="by=rep").json()

    rep, _ = own_role("r01")  # R01 is in North
    seen = {v["name"] for v in rep.get("/api/v1/views").json()}
    assert "North, this quarter" in seen and "only mine" not in seen
    other, _ = own_role("r05")  # R05 is in South
    assert "North, this quarter" not in {v["name"] for v in other.get("/api/v1/views").json()}

    rcsrf = own_role("r01")[1]
    assert rep.delete(f"/api/v1/views/{view['id']}", headers={"X-CSRF-Token": rcsrf}).status_code == 403
    boss, bcsrf = own_role("boss")
    assert boss.delete(f"/api/v1/views/{view['id']}", headers={"X-CSRF-Token": bcsrf}).status_code == 200
    assert north.delete(f"/api/v1/views/{mine['id']}", headers={"X-CSRF-Token": ncsrf}).status_code == 200
    assert not {"North, this quarter", "only mine"} & {v["name"] for v in north.get("/api/v1/views").json()}


def test_a_view_opens_only_a_dashboard_page(own_role):
    c, csrf = own_role("boss")
    r = _post(c, csrf, name="elsewhere", path="https://example.com/x")
    assert r.status_code == 400 and "not a dashboard page" in r.json()["error"]["message"]
