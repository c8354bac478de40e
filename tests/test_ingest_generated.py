"""The generator's dirty sample through the loader: what the loader can see (unparseable values,
empty mandatory fields, duplicate lines) is quarantined row for row as the manifest says; the rest
(unknown codes, dates outside the fiscal year) loads, for the data-quality suites to flag."""
from __future__ import annotations

import csv
from collections import Counter

import duckdb
import pytest

from ingest.generate import generate
from ingest.loader import ingest_landing
from ingest.settings import paths

# generator dirt -> the loader's quarantine rule
LOADER_VISIBLE = {"bad_number": "unparseable_number", "empty_mandatory": "missing_mandatory",
                  "duplicate_line": "duplicate_key_in_file"}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    home = paths(tmp_path_factory.mktemp("pbk")).ensure()
    sample = tmp_path_factory.mktemp("sample")
    manifest = generate(sample, scale=0.001, seed=11, dirty_fraction=0.03)
    for kind, info in manifest["files"].items():
        (sample / info["file"]).rename(home.landing / info["file"])
    results = {r.kind: r for r in ingest_landing(home, progress=False)}
    with open(sample / "dirt.csv", newline="") as fh:
        dirt_rows = list(csv.DictReader(fh))
    return home, manifest, results, dirt_rows


def test_every_file_loads_and_counts_add_up(loaded):
    home, manifest, results, _ = loaded
    assert set(results) == set(manifest["files"])
    for kind, info in manifest["files"].items():
        r = results[kind]
        visible = sum(n for dirt, n in info["dirt"].items() if dirt in LOADER_VISIBLE)
        assert (r.status, r.rows_read) == ("loaded", info["rows"]), kind
        assert r.rows_quarantined == visible, kind
        assert r.rows_loaded == info["rows"] - visible, kind


def test_quarantine_per_rule_equals_manifest(loaded):
    _, manifest, results, _ = loaded
    for kind, info in manifest["files"].items():
        expected = {LOADER_VISIBLE[d]: n for d, n in info["dirt"].items()
                    if d in LOADER_VISIBLE and n}
        assert results[kind].quarantined_by_rule == expected, kind


def test_quarantined_rows_are_exactly_the_dirty_rows(loaded):
    home, _, _, dirt_rows = loaded
    expected = Counter((d["file"], int(d["source_row"]), LOADER_VISIBLE[d["dirt"]])
                       for d in dirt_rows if d["dirt"] in LOADER_VISIBLE)
    con = duckdb.connect(str(home.warehouse), read_only=True)
    got = Counter(con.execute("SELECT source_file, source_row, rule FROM ops.quarantine").fetchall())
    con.close()
    assert got == expected
    assert sum(expected.values()) > 0


def test_dirt_the_loader_cannot_see_is_loaded(loaded):
    home, manifest, _, dirt_rows = loaded
    invisible = [(d["file"], int(d["source_row"])) for d in dirt_rows if d["dirt"] not in LOADER_VISIBLE]
    assert len(invisible) == sum(n for info in manifest["files"].values()
                                 for d, n in info["dirt"].items() if d not in LOADER_VISIBLE) > 0
    con = duckdb.connect(str(home.warehouse), read_only=True)
    for file, row in invisible:
        assert con.execute("SELECT count(*) FROM raw.realization WHERE _source_file = ? AND "
                           "_source_row = ?", [file, row]).fetchone()[0] == 1
    con.close()
