"""The generator's dirty sample through ingest and the data-quality suites: every kind of dirt the
manifest counts ends up exactly where its rule sends it: quarantined row for row, or loaded and
warned about."""
from __future__ import annotations

import csv
import json
from collections import Counter

import duckdb
import pytest

from pbk.generator.extracts import generate
from ingest.loader import ingest_landing
from base.settings import paths

# generator dirt -> (rule, severity)
DIRT_RULE = {"bad_number": ("unparseable_number", "quarantine"),
             "empty_mandatory": ("missing_mandatory", "quarantine"),
             "duplicate_line": ("duplicate_key_in_file", "quarantine"),
             "future_date": ("transaction_date_in_fiscal_year", "quarantine"),
             "unknown_code": ("work_unit_has_budget", "warn")}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    home = paths(tmp_path_factory.mktemp("pbk")).ensure()
    sample = tmp_path_factory.mktemp("sample")
    manifest = generate(sample, scale=0.001, seed=11, dirty_fraction=0.03)
    for kind, info in manifest["files"].items():
        (sample / info["file"]).rename(home.landing / info["file"])
    results = {r.kind: r for r in ingest_landing(home)}
    with open(sample / "dirt.csv", newline="") as fh:
        dirt_rows = list(csv.DictReader(fh))
    con = duckdb.connect(str(home.warehouse), read_only=True)
    yield home, manifest, results, dirt_rows, con
    con.close()


def quarantining(info):
    return {d: n for d, n in info["dirt"].items() if DIRT_RULE[d][1] == "quarantine"}


def test_every_file_loads_and_counts_add_up(loaded):
    _, manifest, results, _, _ = loaded
    assert set(results) == set(manifest["files"])
    for kind, info in manifest["files"].items():
        r = results[kind]
        held = sum(quarantining(info).values())
        assert (r.status, r.rows_read, r.rows_quarantined, r.rows_loaded) == \
            ("loaded", info["rows"], held, info["rows"] - held), kind


def test_quarantine_per_rule_equals_manifest(loaded):
    _, manifest, results, _, _ = loaded
    for kind, info in manifest["files"].items():
        expected = {DIRT_RULE[d][0]: n for d, n in quarantining(info).items() if n}
        assert results[kind].quarantined_by_rule == expected, kind
    assert results["realization"].quarantined_by_rule["transaction_date_in_fiscal_year"] == \
        manifest["files"]["realization"]["dirt"]["future_date"] > 0


def test_quarantined_rows_are_exactly_the_dirty_rows(loaded):
    _, _, _, dirt_rows, con = loaded
    expected = Counter((d["file"], int(d["source_row"]), DIRT_RULE[d["dirt"]][0])
                       for d in dirt_rows if DIRT_RULE[d["dirt"]][1] == "quarantine")
    got = Counter(con.execute("SELECT source_file, source_row, rule FROM ops.quarantine").fetchall())
    assert got == expected and sum(expected.values()) > 0


def test_unknown_codes_load_and_are_warned_about(loaded):
    _, manifest, _, dirt_rows, con = loaded
    unknown = [int(d["source_row"]) for d in dirt_rows if d["dirt"] == "unknown_code"]
    assert len(unknown) == manifest["files"]["realization"]["dirt"]["unknown_code"] > 0
    [(success, count, sample, severity)] = con.execute(
        "SELECT success, unexpected_count, sample, severity FROM ops.dq_results "
        "WHERE rule = 'work_unit_has_budget' AND source_file = 'realization.csv'").fetchall()
    assert (success, count, severity) == (False, len(unknown), "warn")
    dirty_units = {d["value"] for d in dirt_rows if d["dirt"] == "unknown_code"}
    assert {unit for _, unit in json.loads(sample)} <= dirty_units
    loaded_rows = con.execute("SELECT count(*) FROM raw.realization WHERE _source_row IN "
                              f"({', '.join(map(str, unknown))})").fetchone()[0]
    assert loaded_rows == len(unknown)


def test_clean_kinds_pass_every_rule(loaded):
    _, _, _, _, con = loaded
    failing = con.execute("SELECT source_file, rule FROM ops.dq_results WHERE NOT success "
                          "AND suite NOT LIKE 'parse_%' ORDER BY ALL").fetchall()
    assert failing == [("realization.csv", "transaction_date_in_fiscal_year"),
                       ("realization.csv", "work_unit_has_budget")]
    # the parse-stage rules (recorded for `pbk dq`) count exactly the rows they quarantined
    from base.rule_catalogue import PARSE_QUARANTINE_MESSAGES

    parse = con.execute("SELECT source_file, rule, sum(unexpected_count) FROM ops.dq_results "
                        "WHERE suite LIKE 'parse_%' GROUP BY ALL ORDER BY ALL").fetchall()
    held = con.execute("SELECT source_file, rule, count(DISTINCT source_row) FROM ops.quarantine "
                       "GROUP BY ALL ORDER BY ALL").fetchall()
    assert parse == [h for h in held if h[1] in PARSE_QUARANTINE_MESSAGES] and parse
