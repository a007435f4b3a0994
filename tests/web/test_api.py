"""REST API: every endpoint, every role, the one error shape, and per-rep visibility."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

RANGE = "from=2026-01-01&to=2026-03-31"


def team_reps(ws, team: str | None = None) -> list[str]:
    """The reps of a team (all reps without one), read from the store beside the app."""
    return [r for (r,) in ws.duckdb.execute("SELECT rep_id FROM reps WHERE ? IS NULL OR team = ? ORDER BY 1",
                                            [team, team]).fetchall()]


def closing(ws, reps: list[str]) -> set[tuple[str, str]]:
    """(rep, month) of every deal won or lost by one of ``reps`` in RANGE, read from the store."""
    return set(ws.duckdb.execute(
        "SELECT DISTINCT rep_id, strftime(closed_at, '%Y-%m') FROM opportunities WHERE status IN ('won', 'lost') "
        "AND closed_at >= '2026-01-01' AND closed_at < '2026-04-01' AND list_contains(?, rep_id)",
        [reps]).fetchall())


def defined(rows: list[dict]) -> set[tuple[str, str]]:
    """(rep, period) of the rows holding a value."""
    return {(r["rep"], r["period"]) for r in rows if r["value"] is not None}


def assert_error(r, status: int, code: str | None = None) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"]), body
    if code:
        assert body["error"]["code"] == code


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/catalog", "/api/v1/overview", "/api/v1/indicators",
                                  "/api/v1/funnel", "/api/v1/advice", "/api/v1/dimensions/rep/values",
                                  "/api/v1/users", "/api/v1/subscriptions", "/api/v1/settings",
                                  "/api/v1/imports", "/api/v1/imports/presets",
                                  "/api/v1/indicators/win_rate/rows?period_start=2026-03-01&period_end=2026-03-31"])
def test_anonymous_api_gets_401(app, path):
    with TestClient(app) as c:
        assert_error(c.get(path), 401, "unauthorized")


def test_anonymous_page_redirects_to_login(app):
    with TestClient(app) as c:
        r = c.get("/funnel?grain=week", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_openapi_document_lists_the_api(app):
    with TestClient(app) as c:
        doc = c.get("/openapi.json").json()
    for path in ("/api/v1/indicators", "/api/v1/overview", "/api/v1/funnel", "/api/v1/advice",
                 "/api/v1/imports/preview", "/api/v1/users", "/api/v1/subscriptions"):
        assert path in doc["paths"]
    params = {p["name"] for p in doc["paths"]["/api/v1/indicators"]["get"]["parameters"]}
    assert {"ids", "grain", "calendar", "by", "from", "to"} <= params


def test_session_cookie_flags(app):
    with TestClient(app) as c:
        page = c.get("/login")
        nonce = page.text.split('name="nonce" value="', 1)[1].split('"', 1)[0]
        r = c.post("/login", data={"username": "boss", "password": "boss-password-1", "nonce": nonce},
                   follow_redirects=False)
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie


def test_first_start_admin_password_works(app, admin_password, login):
    with TestClient(app) as c:
        assert login(c, "admin", admin_password)


def test_login_form_needs_its_nonce(app):
    with TestClient(app) as c:
        c.get("/login")
        r = c.post("/login", data={"username": "boss", "password": "boss-password-1", "nonce": "forged"})
        assert r.status_code == 403 and "salesscope_session" not in r.cookies


def test_admin_sees_every_rep(as_role, demo_ws):
    c, _ = as_role("boss")
    everyone = team_reps(demo_ws)
    assert len(everyone) == 12 and c.get("/api/v1/dimensions/rep/values").json()["values"] == everyone
    rows = c.get(f"/api/v1/indicators?ids=win_rate&by=rep&{RANGE}").json()["rows"]
    assert defined(rows) == closing(demo_ws, everyone)
    assert len({rep for rep, _ in defined(rows)}) >= 10


def test_indicators_every_zoom_parameter(as_role):
    c, _ = as_role("boss")
    r = c.get(f"/api/v1/indicators?ids=win_rate,lgr&grain=quarter&calendar=jalali&by=team,channel&{RANGE}")
    assert r.status_code == 200, r.text
    rows = r.json()["rows"]
    assert {row["kpi"] for row in rows} == {"win_rate", "lgr"}
    assert all("team" in row and "channel" in row for row in rows)
    assert all(row["period"].startswith("140") for row in rows)
    assert {"value", "n", "ci_low", "change", "reason", "status"} <= set(rows[0])


def test_bad_zoom_gives_the_error_shape(as_role):
    c, _ = as_role("boss")
    assert_error(c.get("/api/v1/indicators?grain=fortnight"), 422, "invalid_request")
    assert_error(c.get("/api/v1/indicators?by=colour"), 400, "query_error")
    assert_error(c.get("/api/v1/indicators?ids=nope"), 400)
    assert_error(c.get("/api/v1/indicators?from=2026-03-01&to=2026-01-01"), 400, "query_error")
    assert_error(c.get("/api/v1/nothing-here"), 404, "not_found")


def test_overview_has_fifteen_cards(as_role):
    c, _ = as_role("boss")
    cards = c.get(f"/api/v1/overview?{RANGE}").json()["cards"]
    assert len(cards) == 15
    for card in cards:
        assert {"value", "change", "n", "status", "period"} <= set(card["latest"])
        assert 1 <= len(card["spark"]) <= 12


def test_rep_sees_only_their_own_rows(as_role):
    c, _ = as_role("r01")
    assert c.get("/api/v1/dimensions/rep/values").json()["values"] == ["R01"]
    rows = c.get(f"/api/v1/indicators?ids=win_rate&by=rep&{RANGE}").json()["rows"]
    assert rows and {r["rep"] for r in rows} == {"R01"}
    behind = c.get("/api/v1/indicators/win_rate/rows?period_start=2026-01-01&period_end=2026-03-31").json()
    opps = behind["tables"][0]["rows"]
    assert opps and {r["rep_id"] for r in opps} == {"R01"}
    funnel = c.get(f"/api/v1/funnel?by=rep&{RANGE}").json()["rows"]
    assert {r["rep"] for r in funnel} == {"R01"}


def test_rep_totals_differ_from_the_company(as_role):
    rep, _ = as_role("r01")
    boss, _ = as_role("boss")
    q = f"/api/v1/indicators?ids=win_rate&{RANGE}"
    mine = [r["n"] for r in rep.get(q).json()["rows"]]
    everyone = [r["n"] for r in boss.get(q).json()["rows"]]
    assert sum(mine) < sum(everyone)


@pytest.mark.parametrize("url", [
    f"/api/v1/indicators?ids=win_rate&where=rep:R05&{RANGE}",
    f"/api/v1/indicators?ids=win_rate&where=team:South&{RANGE}",
    f"/api/v1/funnel?where=rep:R05&{RANGE}",
    f"/api/v1/overview?where=rep:R05&{RANGE}",
    "/api/v1/indicators/win_rate/rows?period_start=2026-01-01&period_end=2026-03-31&where=rep:R05",
])
def test_rep_asking_for_another_rep_gets_403(as_role, url):
    c, _ = as_role("r01")
    assert_error(c.get(url), 403, "forbidden")


def test_manager_sees_their_team(as_role, demo_ws):
    c, _ = as_role("north")
    assert c.get("/api/v1/dimensions/team/values").json()["values"] == ["North"]
    rows = c.get(f"/api/v1/indicators?ids=win_rate&by=rep&{RANGE}").json()["rows"]
    assert team_reps(demo_ws, "North") == ["R01", "R02", "R03", "R04"]
    assert {r["rep"] for r in rows} <= set(team_reps(demo_ws, "North"))
    assert defined(rows) == closing(demo_ws, team_reps(demo_ws, "North")) and len(defined(rows)) >= 3
    assert c.get(f"/api/v1/indicators?ids=win_rate&where=rep:R02&{RANGE}").status_code == 200
    assert_error(c.get(f"/api/v1/indicators?ids=win_rate&where=rep:R09&{RANGE}"), 403)
    assert_error(c.get(f"/api/v1/indicators?ids=win_rate&where=team:Tehran&{RANGE}"), 403)


def test_drill_down_filter(as_role):
    c, _ = as_role("boss")
    rows = c.get(f"/api/v1/indicators?ids=win_rate&by=rep&where=team:South&{RANGE}").json()["rows"]
    assert rows and {r["rep"] for r in rows} == {"R05", "R06", "R07", "R08"}


def test_advice_endpoint(as_role):
    c, _ = as_role("boss")
    r = c.get(f"/api/v1/advice?{RANGE}")
    assert r.status_code == 200
    items = r.json()["items"]
    assert items and all({"kind", "kpi", "advice_en", "advice_fa"} <= set(f) for f in items)


def test_why_endpoint_decomposes_the_change(as_role):
    c, _ = as_role("boss")
    r = c.get(f"/api/v1/why/win_rate?by=team,channel&period=2026-03&{RANGE}")
    assert r.status_code == 200, r.text
    w = r.json()
    assert w["kpi"] == "win_rate" and w["period"] == "2026-03" and w["compared_with"] == "2026-02"
    assert {b["dimension"] for b in w["breakdowns"]} == {"team", "channel"}
    for b in w["breakdowns"]:
        # The effects add up to the change, member by member and in total.
        assert abs(b["mix"] + b["rate"] - w["change"]) < 1e-6
        assert abs(sum(m["total"] for m in b["members"]) - w["change"]) < 1e-6
    # A manager's answer rests on their own team only.
    m, _ = as_role("north")
    mine = m.get(f"/api/v1/why/lead_conversion_rate?by=team,channel&period=2026-03&{RANGE}")
    assert mine.status_code == 200, mine.text
    teams = [b for b in mine.json()["breakdowns"] if b["dimension"] == "team"]
    assert not teams  # one team in scope: nothing to split by team
    assert c.get(f"/api/v1/why/sales_cycle_days?{RANGE}").status_code == 400


def test_users_admin_only(own_role):
    rep, rep_csrf = own_role("r01")
    assert_error(rep.get("/api/v1/users"), 403)
    assert_error(rep.post("/api/v1/users", json={"username": "x", "password": "12345678", "role": "admin"},
                          headers={"X-CSRF-Token": rep_csrf}), 403)
    boss, csrf = own_role("boss")
    assert {"boss", "north", "r01"} <= {u["username"] for u in boss.get("/api/v1/users").json()}
    r = boss.post("/api/v1/users", json={"username": "temp", "password": "temp-pass-1", "role": "rep",
                                         "rep_id": "R09"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201
    assert_error(boss.post("/api/v1/users", json={"username": "m", "password": "12345678", "role": "manager"},
                           headers={"X-CSRF-Token": csrf}), 400, "input_error")
    assert boss.delete("/api/v1/users/temp", headers={"X-CSRF-Token": csrf}).status_code == 200


def test_state_change_needs_csrf(as_role):
    c, _ = as_role("boss")
    assert_error(c.post("/api/v1/tokens", json={}), 403, "forbidden")
    assert_error(c.post("/api/v1/tokens", json={}, headers={"X-CSRF-Token": "wrong"}), 403)


def test_api_token_for_scripts(own_app, own_role):
    c, csrf = own_role("r01")
    token = c.post("/api/v1/tokens", json={"name": "script"}, headers={"X-CSRF-Token": csrf}).json()["token"]
    with TestClient(own_app) as script:
        me = script.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
        assert me["username"] == "r01" and me["scope"] == {"rep": ["R01"]}
        assert_error(script.get("/api/v1/me", headers={"Authorization": "Bearer ss_forged"}), 401)
        rows = own_app.state.service.fetch('SELECT token_hash FROM "_tokens"')
        assert all(token != r[0] for r in rows)


def test_own_password_change(own_role):
    c, csrf = own_role("r05")
    h = {"X-CSRF-Token": csrf}
    assert_error(c.put("/api/v1/users/r05/password", json={"password": "another-pass-1",
                                                           "current_password": "wrong"}, headers=h), 403)
    assert c.put("/api/v1/users/r05/password", json={"password": "another-pass-1",
                                                     "current_password": "rep05-password-1"}, headers=h).status_code == 200
    assert_error(c.put("/api/v1/users/r01/password", json={"password": "hijacked-1"}, headers=h), 403)


def test_subscriptions_table_and_scope(own_role, own_app):
    rep, rcsrf = own_role("r01")
    r = rep.post("/api/v1/subscriptions", json={"recipient": "r01@example.com", "schedule": "monthly",
                                                "language": "fa"}, headers={"X-CSRF-Token": rcsrf})
    assert r.status_code == 201 and r.json()["filter"] == {"rep": "R01"}
    assert_error(rep.post("/api/v1/subscriptions", json={"recipient": "x@example.com", "filter": {"rep": "R05"}},
                          headers={"X-CSRF-Token": rcsrf}), 403)
    mgr, mcsrf = own_role("north")
    assert mgr.post("/api/v1/subscriptions", json={"recipient": "n@example.com"},
                    headers={"X-CSRF-Token": mcsrf}).json()["filter"] == {"team": "North"}
    cols = [r[0] for r in own_app.state.service.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_name = '_subscriptions' "
        "ORDER BY ordinal_position")]
    assert cols == ["id", "recipient", "language", "schedule", "filter", "last_sent_at", "created_at", "owner"]
    mine = rep.get("/api/v1/subscriptions").json()
    assert [s["recipient"] for s in mine] == ["r01@example.com"]
    assert rep.delete(f"/api/v1/subscriptions/{mine[0]['id']}", headers={"X-CSRF-Token": rcsrf}).status_code == 200
    assert_error(rep.post("/api/v1/subscriptions", json={"recipient": "not-an-email"},
                          headers={"X-CSRF-Token": rcsrf}), 422)


def test_settings_and_cache_invalidation(own_role):
    c, csrf = own_role("boss")
    q = f"/api/v1/indicators?ids=win_rate&{RANGE}"
    before = c.get(q).json()["rows"]
    assert all(r["target"] is None for r in before)
    r = c.put("/api/v1/settings", json={"targets": [{"kpi": "win_rate", "value": 1.0}]},
              headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.json()["targets"][0]["kpi"] == "win_rate"
    after = c.get(q).json()["rows"]
    assert all(row["target"] == 1.0 for row in after)
    rep, rcsrf = own_role("r01")
    assert_error(rep.put("/api/v1/settings", json={"language": "fa"}, headers={"X-CSRF-Token": rcsrf}), 403)


def test_a_wrong_setting_is_explained_in_each_language(own_role):
    c, csrf = own_role("boss")
    r = c.put("/api/v1/settings", json={"calendar": "julian", "min_sample": 0}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert "body.calendar: expected one of gregorian, jalali, not 'julian'" in err["message"]
    assert "body.min_sample: expected 1 or more, not 0" in err["message"]
    assert "یکی از gregorian، jalali لازم است، نه 'julian'" in err["message_fa"]
    assert "body.min_sample: ۱ یا بیشتر لازم است، نه 0" in err["message_fa"]


def test_login_backoff(own_app):
    from salesscope.web.auth import LoginLimiter

    with TestClient(own_app) as c:
        codes = []
        for _ in range(LoginLimiter.FREE_ATTEMPTS + 1):
            page = c.get("/login")
            nonce = page.text.split('name="nonce" value="', 1)[1].split('"', 1)[0]
            codes.append(c.post("/login", data={"username": "north", "password": "bad", "nonce": nonce}).status_code)
        assert codes[:LoginLimiter.FREE_ATTEMPTS] == [401] * LoginLimiter.FREE_ATTEMPTS
        assert codes[-1] == 429


def test_imports_forbidden_for_reps(as_role):
    c, csrf = as_role("r01")
    assert_error(c.post("/api/v1/imports/preview", files={"files": ("reps.csv", b"rep_id,name\nR99,X\n")},
                        headers={"X-CSRF-Token": csrf}), 403)


def test_import_preview_then_commit(own_role, own_app):
    app = own_app
    c, csrf = own_role("boss")
    h = {"X-CSRF-Token": csrf}
    csv = (b"rep_id,name,team\nR90,Preview Person,West\nR91,,West\n")
    before = app.state.service.fetch('SELECT count(*) FROM "reps"')[0][0]
    r = c.post("/api/v1/imports/preview", files={"files": ("reps.csv", csv, "text/csv")}, headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["committed"] is False
    counts = body["summary"]["tables"]["reps"]
    assert {k: v for k, v in counts.items() if k != "display"} == {"read": 2, "loaded": 1, "rejected": 1}
    assert counts["display"]["en"] == {"read": "2", "loaded": "1", "rejected": "1"}
    assert body["rejected"] and body["rejected"][0]["column_name"] == "name"
    assert app.state.service.fetch('SELECT count(*) FROM "reps"')[0][0] == before
    teams = c.get("/api/v1/dimensions/team/values").json()["values"]
    assert "West" not in teams
    done = c.post(f"/api/v1/imports/{body['upload_id']}/commit", headers=h)
    assert done.status_code == 200 and done.json()["committed"] is True
    assert app.state.service.fetch('SELECT count(*) FROM "reps"')[0][0] == before + 1
    # the cache is keyed on the last import, so the new team shows at once
    assert "West" in c.get("/api/v1/dimensions/team/values").json()["values"]
    assert any(i["import_id"] == done.json()["import_id"] for i in c.get("/api/v1/imports").json()["imports"])
    assert_error(c.post(f"/api/v1/imports/{body['upload_id']}/commit", headers=h), 400, "input_error")


def test_import_bad_file_gives_error_shape(as_role):
    c, csrf = as_role("boss")
    r = c.post("/api/v1/imports/preview", files={"files": ("mystery.csv", b"a,b\n1,2\n")},
               headers={"X-CSRF-Token": csrf})
    assert_error(r, 400)


def test_presets_listed(as_role):
    c, _ = as_role("north")
    assert isinstance(c.get("/api/v1/imports/presets").json()["presets"], list)


def test_rep_advice_never_uses_other_reps_rows(as_role, r01_alone):
    """The rep's advice is the advice of a store holding only the rep's rows, numbers included."""
    import datetime as dt

    from tests.engine.test_scope import close

    from salesscope.advice import findings

    c, _ = as_role("r01")
    r = c.get("/api/v1/advice?grain=quarter&by=channel,segment&from=2025-10-01&to=2025-12-31")
    assert r.status_code == 200, r.text
    got = r.json()["items"]
    own = [f.to_dict() for f in findings(r01_alone, grain="quarter", by=["channel", "segment"],
                                         today=dt.date(2026, 1, 1))]
    numbers = [v for f in got for v in (f.get("evidence") or {}).values()
               if isinstance(v, int | float) and not isinstance(v, bool) and v]
    assert len(got) >= 4 and len(numbers) >= 4
    assert close(got, own), (got, own)
    everyone = as_role("boss")[0].get("/api/v1/advice?grain=quarter&by=channel,segment&from=2025-10-01"
                                      "&to=2025-12-31").json()["items"]
    assert not close(everyone, got)


def test_errors_carry_a_persian_message(as_role):
    c, _ = as_role("boss")
    r = c.get("/api/v1/indicators?ids=wins")
    assert_error(r, 400, "query_error")
    assert "شناخته نیست" in r.json()["error"]["message_fa"]
