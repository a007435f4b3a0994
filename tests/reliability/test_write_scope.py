"""Writes are scoped like reads: every importable table x role x rows inside and outside the scope.

Each case uploads a one-row CSV through the API (preview, then commit) as an admin, a manager of
team North and a rep, and compares every canonical table with a snapshot taken before: a refused
or rejected row leaves the store exactly as it was, an allowed one changes it.
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

import salesscope
from salesscope.schema import Table

PASSWORDS = {"chief": "chief-password-1", "north": "north-password-1", "r01": "rep01-password-1"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from datetime import date

    from salesscope.demo import write_demo_files
    from salesscope.ingest import import_files
    from salesscope.web import create_app

    root = tmp_path_factory.mktemp("writes")
    ws = salesscope.init(root / "ws", min_sample=20)
    import_files(ws, write_demo_files(root / "files", seed=7, scale=3000, today=date(2026, 4, 15)),
                 progress=False)
    app = create_app(ws, announce=lambda _: None)
    users = app.state.users
    users.create("chief", PASSWORDS["chief"], "admin")
    users.create("north", PASSWORDS["north"], "manager", team="North")
    users.create("r01", PASSWORDS["r01"], "rep", rep_id="R01")
    tokens = {u: users.new_token(u, "tests") for u in PASSWORDS}
    with TestClient(app, raise_server_exceptions=False) as client:
        yield {"ws": ws, "client": client, "tokens": tokens}
    ws.close()


def snapshot(ws) -> dict[str, str]:
    """Every canonical table as one digest of its sorted rows."""
    return {t.value: ws.duckdb.execute(
        f'SELECT count(*) || \':\' || coalesce(md5(string_agg(CAST(x AS VARCHAR), \'|\' '
        f'ORDER BY CAST(x AS VARCHAR))), \'\') FROM "{t.value}" x').fetchone()[0] for t in Table}


def one(ws, sql: str) -> str:
    return ws.duckdb.execute(sql).fetchone()[0]


def rows_for(ws, n: int = 0) -> dict[str, dict[str, tuple[list[str], list[object]] | None]]:
    """Per table, one CSV row per case: a new row inside North, a new row outside it (Tehran),
    a stored Tehran row moved into North, a stored North row moved out, and a North row that
    points at a stored Tehran row. None where a case cannot be written for that table. ``n``
    makes the new keys and values differ between callers, so that every write changes something."""
    north = "rep_id IN (SELECT rep_id FROM reps WHERE team = 'North')"
    tehran = "rep_id IN (SELECT rep_id FROM reps WHERE team = 'Tehran')"
    key = {t: one(ws, f"SELECT {k} FROM {t} WHERE {cond} ORDER BY 1 LIMIT 1")
           for t, k in (("activities", "activity_id"), ("leads", "lead_id"),
                        ("opportunities", "opportunity_id"), ("customers", "customer_id"))
           for cond in [north]}
    teh = {t: one(ws, f"SELECT {k} FROM {t} WHERE {tehran} ORDER BY 1 LIMIT 1")
           for t, k in (("activities", "activity_id"), ("leads", "lead_id"),
                        ("opportunities", "opportunity_id"), ("customers", "customer_id"))}
    resp = lambda cond: one(ws, "SELECT response_id FROM responses WHERE activity_id IN "  # noqa: E731
                            f"(SELECT activity_id FROM activities WHERE {cond}) ORDER BY 1 LIMIT 1")
    act = ["activity_id", "occurred_at", "channel", "rep_id", "opportunity_id"]
    opp = ["opportunity_id", "created_at", "status", "closed_at", "amount", "rep_id"]
    return {
        "activities": {
            "inside": (act, [f"A-NEW{n}-1", "2026-03-02 10:00", "email", "R01", ""]),
            "outside": (act, [f"A-NEW{n}-2", "2026-03-02 10:00", "email", "R09", ""]),
            "move_in": (act, [teh["activities"], "2026-03-02 10:00", "email", "R01", ""]),
            "move_out": (act, [key["activities"], "2026-03-02 10:00", "email", "R09", ""]),
            "points_out": (act, [f"A-NEW{n}-3", "2026-03-02 10:00", "email", "R01", teh["opportunities"]]),
        },
        "responses": {
            "inside": (["response_id", "occurred_at", "channel", "activity_id"],
                       [f"S-NEW{n}-1", "2026-03-03 10:00", "email", key["activities"]]),
            "outside": (["response_id", "occurred_at", "channel", "activity_id"],
                        [f"S-NEW{n}-2", "2026-03-03 10:00", "email", teh["activities"]]),
            "move_in": (["response_id", "occurred_at", "channel", "activity_id"],
                        [resp(tehran), "2026-03-03 10:00", "email", key["activities"]]),
            "move_out": (["response_id", "occurred_at", "channel", "activity_id"],
                         [resp(north), "2026-03-03 10:00", "email", teh["activities"]]),
            "points_out": None,  # its only owner is the activity it points at: "outside" covers it
        },
        "time_log": {
            "inside": (["rep_id", "day", "hours"], ["R02", "2026-03-04", 3 + n]),
            "outside": (["rep_id", "day", "hours"], ["R10", "2026-03-04", 3 + n]),
            "move_in": None, "move_out": None, "points_out": None,  # the key holds the rep
        },
        "leads": {
            "inside": (["lead_id", "created_at", "rep_id"], [f"L-NEW{n}-1", "2026-03-05 09:00", "R03"]),
            "outside": (["lead_id", "created_at", "rep_id"], [f"L-NEW{n}-2", "2026-03-05 09:00", "R11"]),
            "move_in": (["lead_id", "created_at", "rep_id"], [teh["leads"], "2026-03-05 09:00", "R03"]),
            "move_out": (["lead_id", "created_at", "rep_id"], [key["leads"], "2026-03-05 09:00", "R11"]),
            "points_out": (["lead_id", "created_at", "rep_id", "opportunity_id"],
                           [f"L-NEW{n}-3", "2026-03-05 09:00", "R03", teh["opportunities"]]),
        },
        "opportunities": {
            "inside": (opp, [f"O-NEW{n}-1", "2026-02-01 09:00", "won", "2026-03-01", 5000, "R04"]),
            "outside": (opp, [f"O-NEW{n}-2", "2026-02-01 09:00", "won", "2026-03-01", 5000, "R12"]),
            # The attack that started it all: another team's deal turned into a huge win.
            "move_in": (opp, [teh["opportunities"], "2024-02-01 09:00", "won", "2024-03-01", 9999999, "R04"]),
            "move_out": (opp, [key["opportunities"], "2024-02-01 09:00", "won", "2024-03-01", 1, "R12"]),
            "points_out": (opp + ["customer_id"], [f"O-NEW{n}-3", "2026-02-01 09:00", "open", "", 10, "R04",
                                                   teh["customers"]]),
        },
        "customers": {
            "inside": (["customer_id", "acquired_at", "rep_id"], [f"C-NEW{n}-1", "2026-03-06", "R01"]),
            "outside": (["customer_id", "acquired_at", "rep_id"], [f"C-NEW{n}-2", "2026-03-06", "R09"]),
            "move_in": (["customer_id", "acquired_at", "rep_id"], [teh["customers"], "2026-03-06", "R01"]),
            "move_out": (["customer_id", "acquired_at", "rep_id"], [key["customers"], "2026-03-06", "R09"]),
            "points_out": None,
        },
        "reps": {
            # The other attack: Tehran's rep moved into North.
            "inside": (["rep_id", "name", "team"], ["R01", f"Sara Ahmadi {n}", "North"]),
            "outside": (["rep_id", "name", "team"], ["R09", "Moved Rep", "North"]),
            "move_in": None, "move_out": None, "points_out": None,
        },
        "quotas": {
            "inside": (["period_start", "period_end", "amount", "rep_id"], ["2026-05-01", "2026-05-31", 1 + n, "R01"]),
            "outside": (["period_start", "period_end", "amount", "rep_id"], ["2026-05-01", "2026-05-31", 1, "R09"]),
            "move_in": None, "move_out": None, "points_out": None,
        },
        "costs": {
            "inside": (["day", "amount", "category"], ["2026-03-07", 10 + n, "marketing"]),
            "outside": None, "move_in": None, "move_out": None, "points_out": None,
        },
    }


# What a manager of North meets per case: the reason code of the rejected row, or None (loaded).
MANAGER = {"inside": None, "outside": "outside_scope", "move_in": "stored_outside_scope",
           "move_out": "outside_scope", "points_out": "reference_outside_scope"}
ADMIN_ONLY = {"reps", "quotas", "costs"}


def csv_bytes(header: list[str], row: list[object]) -> bytes:
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf).writerows([header, ["" if v is None else v for v in row]])
    return buf.getvalue().encode()


def upload(client, token, table, header, row):
    return client.post("/api/v1/imports/preview", headers={"Authorization": f"Bearer {token}"},
                       files=[("files", (f"{table}.csv", csv_bytes(header, row), "text/csv"))])


CASES = [(t.value, case) for t in Table for case in MANAGER]


@pytest.mark.parametrize("who", ["r01", "north", "chief"])
def test_every_table_role_and_scope_case_is_refused_or_loaded_as_it_should(site, who):
    ws, client = site["ws"], site["client"]
    token = site["tokens"][who]
    checked = 0
    for table, case in CASES:
        spec = rows_for(ws, list(PASSWORDS).index(who))[table][case]
        if spec is None:
            continue
        checked += 1
        before = snapshot(ws)
        r = upload(client, token, table, *spec)
        where = (who, table, case)
        if who == "r01" or (who == "north" and table in ADMIN_ONLY):
            assert r.status_code == 403, (where, r.status_code, r.text[:300])
            assert r.json()["error"]["code"] == "forbidden" and r.json()["error"]["message_fa"]
            assert snapshot(ws) == before, where
            continue
        assert r.status_code == 200, (where, r.text[:500])
        preview = r.json()
        expected = MANAGER[case] if who == "north" else None
        codes = {x["reason_code"] for x in preview["rejected"]}
        if expected is None:
            assert not codes, (where, preview["rejected"])
        else:
            assert expected in codes, (where, preview["rejected"])
            problem = next(x for x in preview["rejected"] if x["reason_code"] == expected)
            assert "North" in problem["reason"] and problem["reason_fa"], (where, problem)
        assert snapshot(ws) == before, ("a preview changed the store", where)
        r = client.post(f"/api/v1/imports/{preview['upload_id']}/commit",
                        headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, (where, r.text[:300])
        after = snapshot(ws)
        if expected is None:
            assert after[table] != before[table], ("an allowed row was not written", where)
        else:
            assert after == before, ("a rejected row changed the store", where)
        # The import this commit made, by its id: times are kept to the second, and two imports
        # can finish within one.
        audit = ws.duckdb.execute("SELECT imported_by, changes FROM _imports WHERE import_id = ?",
                                  [r.json()["import_id"]]).fetchone()
        assert audit[0] == who, where
        changes = json.loads(audit[1]).get(table, {"added": 0, "replaced": 0})
        assert changes["added"] + changes["replaced"] == (0 if expected else 1), (where, changes)
    assert checked == sum(v is not None for cases in rows_for(ws).values() for v in cases.values())


def test_the_audit_names_who_imported_which_file_and_the_keys_it_changed(site):
    ws, client = site["ws"], site["client"]
    token = site["tokens"]["north"]
    stored = one(ws, "SELECT lead_id FROM leads WHERE rep_id = 'R02' ORDER BY 1 LIMIT 1")
    header = ["lead_id", "created_at", "rep_id"]
    body = b"\n".join([",".join(header).encode(), f"{stored},2026-03-08 09:00,R02".encode(),
                       b"L-AUDIT-1,2026-03-08 09:00,R02"]) + b"\n"
    r = client.post("/api/v1/imports/preview", headers={"Authorization": f"Bearer {token}"},
                    files=[("files", ("leads-march.csv", body, "text/csv"))])
    assert r.status_code == 200, r.text
    r = client.post(f"/api/v1/imports/{r.json()['upload_id']}/commit",
                    headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    made = r.json()["import_id"]
    for who in ("north", "r01"):
        r = client.get("/api/v1/audit", headers={"Authorization": f"Bearer {site['tokens'][who]}"})
        assert r.status_code == 403, (who, r.text)
    r = client.get("/api/v1/audit", headers={"Authorization": f"Bearer {site['tokens']['chief']}"})
    assert r.status_code == 200, r.text
    entry = next(e for e in r.json()["imports"] if e["import_id"] == made)
    assert entry["imported_by"] == "north"
    assert entry["files"] == ["leads-march.csv"]
    counts = entry["tables"]["leads"]
    assert {k: v for k, v in counts.items() if k != "display"} == {"read": 2, "loaded": 2, "rejected": 0}
    assert counts["display"]["fa"] == {"read": "۲", "loaded": "۲", "rejected": "۰"}  # as every surface writes them
    assert entry["changes"]["leads"]["display"]["en"] == {"added": "1", "replaced": "1"}
    assert entry["changes"]["leads"]["replaced_keys"] == [stored]
    assert entry["changes"]["leads"]["added_keys"] == ["L-AUDIT-1"]
    assert entry["started_at"] and entry["finished_at"]


def test_only_admins_are_shown_server_paths(site):
    ws, client = site["ws"], site["client"]
    # 25 bad rows: more than the warnings list, which then names the quarantine file.
    body = ("lead_id,created_at,rep_id\n" + "".join(f"L-BAD-{k},not a date,R01\n" for k in range(25))).encode()
    seen = {}
    for who in ("north", "chief"):
        h = {"Authorization": f"Bearer {site['tokens'][who]}"}
        r = client.post("/api/v1/imports/preview", headers=h,
                        files=[("files", ("leads.csv", body, "text/csv"))])
        assert r.status_code == 200, r.text
        done = client.post(f"/api/v1/imports/{r.json()['upload_id']}/commit", headers=h)
        assert done.status_code == 200, done.text
        history = client.get("/api/v1/imports", headers=h)
        seen[who] = r.text + done.text + history.text
    assert str(ws.path) not in seen["north"] and "<workspace>" in seen["north"]
    assert str(ws.path / "quarantine") in seen["chief"]


def test_targets_are_scoped_like_data(site):
    client = site["client"]

    def h(who):
        return {"Authorization": f"Bearer {site['tokens'][who]}"}

    targets = [{"kpi": "win_rate", "value": 0.3, "by": by} for by in (
        {}, {"team": "North"}, {"team": "Tehran"}, {"rep": "R01"}, {"rep": "R02"}, {"rep": "R10"},
        {"team": "North", "channel": "email"})]
    r = client.put("/api/v1/settings", headers=h("chief"), json={"targets": targets})
    assert r.status_code == 200, r.text
    try:
        seen = {who: [t["by"] for t in client.get("/api/v1/settings", headers=h(who)).json()["targets"]]
                for who in ("chief", "north", "r01")}
        assert seen["chief"] == [t["by"] for t in targets]
        assert seen["north"] == [{"team": "North"}, {"rep": "R01"}, {"rep": "R02"},
                                 {"team": "North", "channel": "email"}]
        assert seen["r01"] == [{"rep": "R01"}]
    finally:
        client.put("/api/v1/settings", headers=h("chief"), json={"targets": []})


def test_users_are_checked_against_the_imported_reps_and_teams(site):
    client = site["client"]
    h = {"Authorization": f"Bearer {site['tokens']['chief']}"}
    for body, column in (({"role": "rep", "rep_id": "R99"}, "rep_id"),
                         ({"role": "manager", "team": "Atlantis"}, "team")):
        r = client.post("/api/v1/users", headers=h, json={"username": "nope", "password": "nope-password-1",
                                                          **body})
        assert r.status_code == 400, r.text
        assert r.json()["error"]["column"] == column and r.json()["error"]["message_fa"]
    assert site["ws"].duckdb.execute("SELECT count(*) FROM _users WHERE username = 'nope'").fetchone()[0] == 0
    for body in ({"role": "rep", "rep_id": "R07"}, {"role": "manager", "team": "South"}):
        r = client.post("/api/v1/users", headers=h, json={
            "username": f"ok-{body['role']}", "password": "okay-password-1", **body})
        assert r.status_code == 201, r.text


def test_a_manager_cannot_credit_another_teams_rep_in_a_rep_role(site):
    client, ws = site["client"], site["ws"]
    h = {"Authorization": f"Bearer {site['tokens']['north']}"}
    mapping = ("tables:\n  opportunities:\n    files: deals*.csv\n    columns: {opportunity_id: id, "
               "created_at: created, status: status, rep_id: owner}\n    rep_roles: {sdr: sdr}\n")
    body = b"id,created,status,owner,sdr\nO-ROLE-1,2026-03-01,open,R01,R10\nO-ROLE-2,2026-03-01,open,R01,R02\n"
    before = snapshot(ws)
    r = client.post("/api/v1/imports/preview", headers=h, data={"mapping": mapping},
                    files=[("files", ("deals.csv", body, "text/csv"))])
    assert r.status_code == 200, r.text
    rejected = r.json()["rejected"]
    assert [(x["source_row"], x["column_name"], x["reason_code"]) for x in rejected] == [
        ("2", "rep_sdr", "outside_scope")], rejected
    assert r.json()["summary"]["tables"]["opportunities"]["loaded"] == 1
    assert snapshot(ws) == before
