"""The bell's findings are those of the reader's e-mail digest: the subscription they made (its filter,
its schedule), else the monthly digest of their scope; each reader sees only findings inside it, and
what they mark seen stops counting as new."""

from __future__ import annotations

import time

from salesscope.advice import findings
from salesscope.report import digest
from salesscope.web.alerts import finding_key

# The demo's data ends on 2026-04-15 (conftest.TODAY): every digest's last whole month is March.
MONTH = "2026-03"


def _bell(client) -> dict:
    """The bell's answer once its findings are worked out (they are computed beside the request)."""
    for _ in range(1200):  # a hang bound, not a speed test
        body = client.get("/api/v1/alerts", params={"lang": "en"}).json()
        if not body["pending"]:
            return body
        time.sleep(0.5)
    raise AssertionError("the bell's findings never came")


def _keys(ws, **scope) -> list[str]:
    """The advice engine's findings for March inside ``scope``, asked for directly."""
    return [finding_key(f.to_dict()) for f in findings(ws, period=MONTH, grain="month", lang="en", scope=scope)]


def test_a_managers_bell_is_their_digests_findings(own_role, own_app):
    mgr, csrf = own_role("north")
    r = mgr.post("/api/v1/subscriptions", json={"recipient": "north@example.com", "schedule": "monthly",
                                                "language": "en", "filter": {"rep": "R02"}},
                 headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201, r.text
    bell = _bell(mgr)
    with own_app.state.service.reading() as ws:
        expected = _keys(ws, rep=["R02"])
        [sub] = digest.owned_by(ws, own_app.state.users.get("north").user_id)
        mail = digest.compose(ws, sub, fmt="none").body
    assert [f["key"] for f in bell["items"]] == expected and expected
    assert bell["new"] == len(expected)  # a first visit: all new
    assert {f["grain"] for f in bell["items"]} == {"month"}
    # the mail lists the most valuable of the same findings, in the same words
    for f in bell["items"][:3]:
        assert f"• {f['advice_en']}" in mail


def test_without_a_subscription_a_rep_sees_their_own_months_findings(own_role, own_app):
    rep, _ = own_role("r01")
    bell = _bell(rep)
    with own_app.state.service.reading() as ws:
        expected = _keys(ws, rep=["R01"])
        everyone = _keys(ws)
    assert [f["key"] for f in bell["items"]] == expected
    assert set(expected) != set(everyone)  # the scope makes a difference here
    for f in bell["items"]:
        assert (f.get("dimensions") or {}).get("rep", "R01") == "R01"


def test_marking_seen_counts_only_the_others_as_new(own_role):
    mgr, csrf = own_role("north")
    first = _bell(mgr)
    assert first["new"] == len(first["items"]) >= 2
    shown = [first["items"][0]["key"]]
    assert mgr.post("/api/v1/alerts/seen", json={"keys": shown}, headers={"X-CSRF-Token": csrf}).json() == {"seen": 1}
    after = _bell(mgr)
    assert after["new"] == len(first["items"]) - 1
    assert [f["key"] for f in after["items"] if not f["new"]] == shown
    assert mgr.post("/api/v1/alerts/seen", json={"keys": ["not-a-key"]},
                    headers={"X-CSRF-Token": csrf}).status_code == 422


def test_a_subscription_outside_the_scope_is_not_the_bells(own_role, own_app):
    """A manager moved to another team keeps their old team's subscription; their bell leaves it."""
    mgr, csrf = own_role("north")
    mgr.post("/api/v1/subscriptions", json={"recipient": "n@example.com", "filter": {"team": "North"}},
             headers={"X-CSRF-Token": csrf})
    users = own_app.state.users
    north = users.get("north")
    with own_app.state.service.reading() as ws:
        mine = digest.owned_by(ws, north.user_id)
    assert [s.filter for s in mine] == [{"team": "North"}]
    from salesscope.web.alerts import digests_of

    moved = type(north)(north.username, "manager", "South", None, north.user_id)
    assert [s.filter for s in digests_of(own_app.state.service, moved)] == [{"team": "South"}]
