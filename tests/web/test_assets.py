"""The dashboard's code is sent compressed and kept by the browser: the 4.8 MB chart library is
loaded once per browser, not once per page."""

from __future__ import annotations

import re
from importlib.metadata import version

from plotly.offline import get_plotlyjs


def test_chart_library_is_versioned_compressed_and_cached(as_role):
    client, _ = as_role("boss")
    page = client.get("/")
    src = re.search(r'<script src="(/assets/plotly\.js[^"]*)"', page.text).group(1)
    assert src == f"/assets/plotly.js?v={version('plotly')}"  # an upgrade changes the URL

    r = client.get(src, headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200
    assert r.headers["content-encoding"] == "gzip"
    assert r.content == get_plotlyjs().encode("utf-8")  # the same script, decompressed by the client
    assert r.num_bytes_downloaded < len(r.content) / 3
    cache = r.headers["cache-control"]
    assert "immutable" in cache and int(re.search(r"max-age=(\d+)", cache).group(1)) >= 30 * 86400
    assert "no-store" not in cache

    again = client.get(src, headers={"Accept-Encoding": "gzip", "If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""

    plain = client.get(src, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == r.content


def test_dashboard_scripts_are_compressed_and_revalidated(as_role):
    client, _ = as_role("boss")
    r = client.get("/static/app.js", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["content-encoding"] == "gzip"
    assert r.num_bytes_downloaded < len(r.content) and "function" in r.text  # decoded by the client
    again = client.get("/static/app.js", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304


def test_the_icon_is_served_to_anyone(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as client:  # not signed in: the login page shows the icon too
        login = client.get("/login")
        assert '<link rel="icon" href="/static/favicon.svg"' in login.text
        icon = client.get("/static/favicon.svg")
        assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
        assert icon.text.startswith("<svg")
        old = client.get("/favicon.ico")  # what browsers ask for on their own
        assert old.status_code == 200 and old.content == icon.content
