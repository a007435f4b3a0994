"""How far the data reach: the latest day any record is dated, read once per batch."""

from __future__ import annotations

import datetime as dt

from salesscope.advice.collect import data_end


def test_data_end_is_the_latest_dated_record_and_is_read_once_per_batch(make_ws):
    ws = make_ws({
        "activities": [{"activity_id": "a1", "rep_id": "r1", "occurred_at": dt.datetime(2026, 3, 4, 9)}],
        "leads": [{"lead_id": "l1", "rep_id": "r1", "created_at": dt.datetime(2026, 5, 6, 23, 59)}],
    })
    assert data_end(ws) == dt.date(2026, 5, 6)
    reads = []
    table = ws.table
    ws.table = lambda name: reads.append(name) or table(name)
    with ws.sharing():
        assert data_end(ws) == data_end(ws) == dt.date(2026, 5, 6)
    assert len(reads) == 4  # its four tables, once
    data_end(ws)
    assert len(reads) == 8  # outside a batch, read afresh
