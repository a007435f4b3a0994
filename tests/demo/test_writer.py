import pandas as pd
import pytest

from salesscope.demo import generate, write_demo_files, writer


def _read(paths, name):
    files = [p for p in paths if p.name.split(".")[0].split("-")[0] == name]
    return pd.concat([pd.read_parquet(p) for p in files], ignore_index=True)


def test_files_hold_the_same_rows_as_generate(tmp_path, today, monkeypatch):
    monkeypatch.setattr(writer, "CHUNK_ROWS", 5_000)
    steps = []
    paths = write_demo_files(tmp_path, seed=3, scale=20_000, today=today,
                             progress=lambda done, total: steps.append((done, total)))
    tables = generate(seed=3, scale=20_000, today=today)
    names = {p.name for p in paths}
    assert "reps.parquet" in names and "activities-0001.parquet" in names
    assert "activities-0002.parquet" in names and "activities.parquet" not in names
    assert steps[-1] == (25, 25)
    for name, frame in tables.items():  # row by row, cell by cell, in the same order and types
        pd.testing.assert_frame_equal(_read(paths, name), frame.reset_index(drop=True), obj=name)
    acts = _read(paths, "activities")
    assert acts["activity_id"].is_unique
    assert 18_000 <= len(acts) <= 22_000


def test_scale_sets_the_size_of_every_table(today):
    small = generate(seed=7, scale=50_000, today=today)
    assert 45_000 <= len(small["activities"]) <= 55_000
    assert 3_500 <= len(small["leads"]) <= 6_500
    assert 1_000 <= len(small["opportunities"]) <= 2_000


def test_csv_files(tmp_path, today):
    paths = write_demo_files(tmp_path, scale=5_000, today=today, fmt="csv")
    reps = pd.read_csv(tmp_path / "reps.csv")
    assert len(reps) == 12 and all(p.suffix == ".csv" for p in paths)
    first = (tmp_path / "activities.csv").read_text().splitlines()[1]
    assert "T" not in first.split(",")[1] and "+" not in first


def test_unknown_format(tmp_path):
    with pytest.raises(ValueError, match="xml"):
        write_demo_files(tmp_path, fmt="xml")
