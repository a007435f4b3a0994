"""A cached answer is compressed once, when it is kept: each request sends the stored bytes,
gzipped for a client that accepts gzip, plain for one that does not, the same JSON either way."""

from __future__ import annotations

import gzip
import json

import pytest
from starlette.middleware.gzip import GZipResponder

from salesscope.web.encoded import Encoded

PAGES = ["/api/v1/overview", "/api/v1/indicators?ids=win_rate&by=channel", "/api/v1/funnel", "/api/v1/catalog"]


@pytest.mark.parametrize("page", PAGES)
def test_a_cached_page_is_sent_gzipped_or_plain_as_the_client_accepts(as_role, page, monkeypatch):
    c, _ = as_role("north")
    first = c.get(page, headers={"Accept-Encoding": "identity"})
    assert first.status_code == 200, first.text

    def compressing_again(*_args: object) -> bytes:
        raise AssertionError("the app compressed a cached answer again")

    monkeypatch.setattr(GZipResponder, "_compress_body", compressing_again)
    zipped = c.get(page, headers={"Accept-Encoding": "gzip, deflate"})
    plain = c.get(page, headers={"Accept-Encoding": "identity"})
    assert zipped.status_code == plain.status_code == 200
    assert zipped.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert "Accept-Encoding" in zipped.headers["vary"] and "Accept-Encoding" in plain.headers["vary"]
    assert zipped.content == plain.content == first.content  # httpx undid the gzip
    assert int(zipped.headers["content-length"]) < len(plain.content) == int(plain.headers["content-length"])
    assert json.loads(plain.content)  # JSON, not bytes of something else
    assert zipped.headers["cache-control"] == plain.headers["cache-control"] == "no-store"


def test_an_encoded_answer_keeps_its_json_and_its_gzip():
    big = Encoded.of({"rows": [{"kpi": "win_rate", "value": None, "n": i} for i in range(100)]})
    assert json.loads(big.body)["rows"][3] == {"kpi": "win_rate", "value": None, "n": 3}
    assert big.gzipped is not None and gzip.decompress(big.gzipped) == big.body
    assert big.size == len(big.body) + len(big.gzipped)
    small = Encoded.of({"value": float("nan")})  # undefined is null, as FastAPI sends it
    assert small.body == b'{"value":null}' and small.gzipped is None
