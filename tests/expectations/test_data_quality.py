"""Every data-quality rule with a failing case (the exact rows quarantined, the exact warning, or the
exact rejection) and a passing case (the clean rows of the same batch are not flagged)."""
from __future__ import annotations

import json

import duckdb
import pytest

from ingest.contracts import CONTRACTS
from ingest.loader import ingest_files
from base.settings import paths


def csv_text(kind: str, rows: list[dict]) -> str:
    cols = CONTRACTS[kind].column_names
    lines = [",".join(cols)] + [",".join(str(r.get(c, "")) for c in cols) for r in rows]
    return "\n".join(lines) + "\n"


BUDGET = dict(fiscal_year=2025, gov_level="pusat", instansi_code="019",
              instansi_name="Kementerian Perindustrian", work_unit_code="019012",
              work_unit_name="Setjen", program_code="019.01.WA", program_name="Dukungan",
              activity_code="4209", activity_name="Keuangan", output_code="EBA.994",
              output_name="Layanan", account_code="521211", account_name="Belanja Bahan",
              funding_source="RM", amount=1000, revision_no=0)
REAL = dict(fiscal_year=2025, transaction_date="2025-03-01", work_unit_code="019012",
            program_code="019.01.WA", activity_code="4209", output_code="EBA.994",
            account_code="521211", funding_source="RM", amount=100, description="x")
PLAN = dict(fiscal_year=2025, work_unit_code="019012", spending_type="52", month=1,
            planned_amount=100, revision_no=0)
VOLUME = dict(fiscal_year=2025, period_month=12, work_unit_code="019012", output_code="4209.EBA.994",
              output_unit="Layanan", target_volume=10, realized_volume=9)
INDICATOR = dict(fiscal_year=2025, period_month=12, instansi_code="019", work_unit_code="019012",
                 indicator_name="Indeks", level="program", unit="persen", polarity="max",
                 target=90, realization=85)
SAKIP = dict(fiscal_year=2025, instansi_code="019", instansi_name="Kemenperin",
             regulation="PermenPANRB-88-2021", evaluator="Itjen")
COST = dict(fiscal_year=2025, standard_type="SBM", description="Uang harian", unit="OH",
            region_code="32", unit_cost=430000)


def variant(base, **changes):
    return {**base, **changes}


# (kind, rows); the row numbers of each rule's failing rows are asserted below
BATCHES = {
    "budget": [
        BUDGET,                                                               # 1 clean
        variant(BUDGET, account_code="521212", revision_no=-1),               # 2 revision < 0
        variant(BUDGET, account_code="521213", amount=-5),                    # 3 negative (warn)
        variant(BUDGET, account_code="521214", blocked_amount=2000),          # 4 blokir > pagu
        variant(BUDGET, account_code="521215", instansi_code="01A"),          # 5 instansi shape
        variant(BUDGET, account_code="521216", work_unit_code="19012"),       # 6 lost leading 0
        variant(BUDGET, account_code="5212"),                                 # 7 akun unknown
        variant(BUDGET, account_code="521217", output_code="EB.99"),          # 8 RO implausible
        variant(BUDGET, account_code="521218", fiscal_year=2031),             # 9 year window
        variant(BUDGET, account_code="521219", program_code="19.1.W"),        # 10 program implaus.
        variant(BUDGET, account_code="521221", activity_code="42A9",
                output_code="4209.EBA.994"),                                  # 11 kegiatan implaus.
        variant(BUDGET, account_code="521226", work_unit_code="01901A"),      # 12 satker implaus.
        variant(BUDGET, account_code="521222", program_code="019.1.WA"),      # 13 program unknown
        variant(BUDGET, account_code="521223", activity_code="42091",
                output_code="4209.EBA.994"),                                  # 14 kegiatan unknown
        variant(BUDGET, account_code="521224", output_code="001"),            # 15 pre-2021 output
        variant(BUDGET, account_code="521225", fiscal_year=2019, program_code="019.01.01",
                activity_code="2001", output_code="001"),                     # 16 pre-2021: fine
        variant(BUDGET, account_code="5.1.O2.01"),                            # 17 akun implausible
    ],
    "realization": [
        variant(REAL, document_no="D1"),                                      # 1 clean
        variant(REAL, document_no="D2", transaction_date="2026-01-05"),       # 2 future date
        variant(REAL, document_no="D3", work_unit_code="019099"),             # 3 no budget (warn)
        variant(REAL, document_no="D4", amount=7000),                         # 4 over pagu (warn)
        variant(REAL, document_no="D5", output_code="1.02.02.2.02.0001"),     # 5 SIPD shapes: fine
        variant(REAL, document_no="D6", work_unit_code="1.02.0.00.0.00.01.0000",
                account_code="5.1.02.01.01.0024"),                            # 6 SKPD, no pemda
    ],
    "budget_plan": [PLAN, variant(PLAN, month=2, spending_type="99")],
    "output_volume": [VOLUME, variant(VOLUME, period_month=6, target_volume=-1),
                      variant(VOLUME, period_month=9, realized_volume=-2),
                      variant(VOLUME, output_code="EBA.994")],                # RO without kegiatan
    "indicator": [
        variant(INDICATOR, indicator_code="I1"),
        variant(INDICATOR, indicator_code="I2", target=0),
        variant(INDICATOR, indicator_code="I3", polarity="range", target=30),
        variant(INDICATOR, indicator_code="I4", polarity="range", target=30, target_upper=20),
        variant(INDICATOR, indicator_code="I5", polarity="range", target=30, target_upper=40),
    ],
    "sakip_evaluation": [
        variant(SAKIP, component_code="perencanaan_kinerja", score=24),
        variant(SAKIP, component_code="pengukuran_kinerja", score=31),         # above 30
        variant(SAKIP, component_code="capaian_kinerja", score=10),            # not in 88/2021
        variant(SAKIP, component_code="pelaporan_kinerja", score=-1),
        variant(SAKIP, component_code="perencanaan_kinerja", sub_component_code="pemenuhan",
                score=6.5),                                                    # sub weight 6
        variant(SAKIP, component_code="perencanaan_kinerja", sub_component_code="kualitas",
                score=9),
    ],
    "cost_standard": [variant(COST, standard_code="S1"), variant(COST, standard_code="S2",
                                                               unit_cost=0)],
}

# rule -> (kind, severity, failing rows)
EXPECTED = {
    "revision_no_not_negative": ("budget", "quarantine", [2]),
    "budget_amount_not_negative": ("budget", "warn", [3]),
    "blocked_within_amount": ("budget", "warn", [4]),
    "instansi_code_known": ("budget", "warn", [5]),
    "work_unit_code_leading_zero_lost": ("budget", "quarantine", [6]),
    "account_code_known": ("budget", "warn", [7]),
    "output_code_shape": ("budget", "quarantine", [8]),
    "fiscal_year_in_window": ("budget", "quarantine", [9]),
    "program_code_shape": ("budget", "quarantine", [10]),
    "activity_code_shape": ("budget", "quarantine", [11]),
    "work_unit_code_shape": ("budget", "quarantine", [12]),
    "program_code_known": ("budget", "warn", [13]),
    "activity_code_known": ("budget", "warn", [14]),
    "output_code_known": ("budget", "warn", [15]),
    "account_code_shape": ("budget", "quarantine", [17]),
    "transaction_date_in_fiscal_year": ("realization", "quarantine", [2]),
    "work_unit_has_budget": ("realization", "warn", [3, 6]),
    "work_unit_code_without_pemda": ("realization", "warn", [6]),
    "output_code_without_activity": ("output_volume", "quarantine", [4]),
    "spending_type_known": ("budget_plan", "quarantine", [2]),
    "target_volume_not_negative": ("output_volume", "quarantine", [2]),
    "realized_volume_not_negative": ("output_volume", "quarantine", [3]),
    "indicator_target_not_zero": ("indicator", "warn", [2]),
    "range_target_has_upper_bound": ("indicator", "quarantine", [3, 4]),
    "sakip_score_within_weight": ("sakip_evaluation", "quarantine", [2, 5]),
    "sakip_item_known": ("sakip_evaluation", "quarantine", [3]),
    "sakip_score_not_negative": ("sakip_evaluation", "quarantine", [4]),
    "unit_cost_positive": ("cost_standard", "quarantine", [2]),
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    # crafted batches are mostly bad rows: lift the 5% gate here (it has its own test below)
    mp.setenv("PBK_DQ_MAX_QUARANTINE_SHARE", "1.0")
    home = paths(tmp_path_factory.mktemp("pbk")).ensure()
    src = tmp_path_factory.mktemp("files")
    files = []
    for kind, rows in BATCHES.items():   # budget first: the realization rules look it up
        f = src / f"{kind}.csv"
        f.write_text(csv_text(kind, rows))
        files.append(f)
    results = {r.kind: r for r in ingest_files(files, home)}
    mp.undo()
    con = duckdb.connect(str(home.warehouse), read_only=True)
    yield home, results, con
    con.close()


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_rule_flags_exactly_its_rows(warehouse, rule):
    _, results, con = warehouse
    kind, severity, rows = EXPECTED[rule]
    assert results[kind].status == "loaded"
    [(success, count, sev, message)] = con.execute(
        "SELECT success, unexpected_count, severity, message FROM ops.dq_results "
        "WHERE rule = ? AND source_file = ?", [rule, f"{kind}.csv"]).fetchall()
    assert (success, count, sev) == (False, len(rows), severity)
    quarantined = [r for (r,) in con.execute(
        "SELECT source_row FROM ops.quarantine WHERE rule = ? AND source_file = ? ORDER BY 1",
        [rule, f"{kind}.csv"]).fetchall()]
    loaded = {r for (r,) in con.execute(
        f"SELECT _source_row FROM raw.{kind} WHERE _source_file = ?", [f"{kind}.csv"]).fetchall()}
    if severity == "quarantine":
        assert quarantined == rows
        assert not loaded & set(rows)
        [reason] = {r for (r,) in con.execute(
            "SELECT reason FROM ops.quarantine WHERE rule = ?", [rule]).fetchall()}
        assert reason.startswith(message) and "; expected " in reason
    else:
        assert quarantined == [] and set(rows) <= loaded
    # the passing case: row 1 of every batch is clean and is neither quarantined nor counted, and
    # every row no rule quarantined is loaded (nothing lost, nothing loaded twice)
    assert 1 in loaded
    held = {r for (r,) in con.execute(
        "SELECT DISTINCT source_row FROM ops.quarantine WHERE source_file = ?",
        [f"{kind}.csv"]).fetchall()}
    assert loaded == set(range(1, len(BATCHES[kind]) + 1)) - held


def test_realization_above_pagu_is_listed_for_auditors(warehouse):
    _, _, con = warehouse
    [(success, count, sample)] = con.execute(
        "SELECT success, unexpected_count, sample FROM ops.dq_results "
        "WHERE rule = 'realization_within_pagu'").fetchall()
    # unit 019012, FY 2025 revision 0 lines that loaded: rows 1, 4, 5, 7, 13, 14, 15 (1000 each)
    # and row 3 (-5) = 6,995 of pagu, against realization D1 100 + D4 7,000 + D5 100 = 7,200
    assert (success, count) == (False, 1)
    assert json.loads(sample) == [[2025, "019012", 7200.0, 6995.0]]


def test_clean_batch_passes_every_rule(tmp_path):
    home = paths(tmp_path / "pbk").ensure()
    f = tmp_path / "budget.csv"
    f.write_text(csv_text("budget", [BUDGET, variant(BUDGET, account_code="521219")]))
    [r] = ingest_files([f], home)
    con = duckdb.connect(str(home.warehouse), read_only=True)
    results = con.execute("SELECT rule, success FROM ops.dq_results").fetchall()
    con.close()
    assert r.rows_loaded == 2 and r.warnings == []
    assert len(results) >= 10 and all(ok for _, ok in results)


def realization_batch(clean: int, bad: int, prefix: str) -> list[dict]:
    """`clean` good SP2D lines then `bad` lines dated in the next year (quarantined)."""
    return ([variant(REAL, document_no=f"{prefix}{i}") for i in range(clean)]
            + [variant(REAL, document_no=f"{prefix}BAD{i}", transaction_date="2026-02-01")
               for i in range(bad)])


def test_small_file_with_a_few_bad_rows_loads_the_rest(tmp_path):
    # 2 of 7 rows (29%) pass the share threshold but not the count threshold (20 rows)
    home = paths(tmp_path / "pbk").ensure()
    f = tmp_path / "small.csv"
    f.write_text(csv_text("realization", realization_batch(5, 2, "S")))
    [r] = ingest_files([f], home)
    assert (r.status, r.rows_read, r.rows_loaded, r.rows_quarantined) == ("loaded", 7, 5, 2)
    assert r.quarantined_by_rule == {"transaction_date_in_fiscal_year": 2}
    # money is accounted like rows: 5 x 100 loaded + 2 x 100 quarantined
    assert (r.amount_read, r.amount_loaded, r.amount_quarantined) == (700, 500, 200)


def test_batch_over_both_quarantine_thresholds_is_rejected_whole(tmp_path):
    home = paths(tmp_path / "pbk").ensure()
    f = tmp_path / "ok.csv"   # 20 bad rows of 50: over the share, not over the count -> loads
    f.write_text(csv_text("realization", realization_batch(30, 20, "A")))
    [ok] = ingest_files([f], home)
    assert (ok.status, ok.rows_loaded, ok.rows_quarantined) == ("loaded", 30, 20)
    landing_copy = home.landing / "bad.csv"   # 40 bad rows of 50: over both -> rejected
    landing_copy.write_text(csv_text("realization", realization_batch(10, 40, "B")))
    from ingest.loader import ingest_landing
    [rejected] = ingest_landing(home)
    assert rejected.status == "rejected"
    assert rejected.reason == (
        "rejected by data-quality rule(s): quarantine_share: 40 of 50 rows (80.0%) quarantined, "
        "more than 5% of its rows and more than 20 rows: something systematic is wrong; rows held: "
        "transaction_date_in_fiscal_year on transaction_date: 40 row(s), the first row 11 "
        "('2026-02-01')")
    assert (rejected.rows_read, rejected.rows_loaded, rejected.rows_quarantined) == (50, 0, 50)
    assert (rejected.amount_read, rejected.amount_loaded, rejected.amount_quarantined) == \
        (5000, 0, 5000)
    con = duckdb.connect(str(home.warehouse), read_only=True)
    assert con.execute("SELECT count(*) FROM raw.realization WHERE _source_file = 'bad.csv'"
                       ).fetchone()[0] == 0
    assert con.execute("SELECT status, message LIKE '%quarantine_share%', amount_read, "
                       "amount_loaded, amount_quarantined FROM ops.load_log "
                       "WHERE source_file = 'bad.csv'").fetchall() == [("rejected", True, 5000, 0,
                                                                         5000)]
    assert con.execute("SELECT success FROM ops.dq_results WHERE rule = 'quarantine_share' AND "
                       "source_file = 'bad.csv'").fetchall() == [(False,)]
    assert con.execute("SELECT count(*) FROM ops.quarantine WHERE source_file = 'bad.csv'"
                       ).fetchone()[0] == 0
    con.close()
    assert (home.archive / "rejected" / rejected.load_id / "bad.csv").exists()


def test_quarantine_thresholds_are_configurable(tmp_path, monkeypatch):
    monkeypatch.setenv("PBK_DQ_MAX_QUARANTINE_ROWS", "1")
    home = paths(tmp_path / "pbk").ensure()
    f = tmp_path / "small.csv"
    f.write_text(csv_text("realization", realization_batch(5, 2, "S")))
    [r] = ingest_files([f], home)
    assert (r.status, r.rows_quarantined) == ("rejected", 7)


def test_row_count_drop_warns(tmp_path):
    home = paths(tmp_path / "pbk").ensure()
    big = tmp_path / "day1.csv"
    big.write_text(csv_text("realization", [variant(REAL, document_no=f"D{i}") for i in range(10)]))
    small = tmp_path / "day2.csv"
    small.write_text(csv_text("realization", [variant(REAL, document_no=f"E{i}") for i in range(4)]))
    first, second = ingest_files([big, small], home)
    assert first.warnings == [w for w in first.warnings if not w.startswith("row_count_drop")]
    assert [w for w in second.warnings if w.startswith("row_count_drop")] == [
        "row_count_drop: 1 (batch has over 50% fewer rows than the previous batch of "
        "realization for fiscal year(s) 2025 and a similar coverage)"]
    assert second.status == "loaded" and second.rows_loaded == 4


def test_row_count_drop_compares_like_with_like(tmp_path):
    """A nightly file (one SP2D date) after the year's file (twelve dates) is not a drop; the next
    nightly with far fewer lines than the previous nightly is."""
    home = paths(tmp_path / "pbk").ensure()
    year = tmp_path / "year.csv"
    year.write_text(csv_text("realization", [
        variant(REAL, document_no=f"Y{m}-{i}", transaction_date=f"2025-{m:02d}-10")
        for m in range(1, 13) for i in range(5)]))
    night1 = tmp_path / "night1.csv"
    night1.write_text(csv_text("realization", [
        variant(REAL, document_no=f"N{i}", transaction_date="2025-12-11") for i in range(10)]))
    night2 = tmp_path / "night2.csv"
    night2.write_text(csv_text("realization", [
        variant(REAL, document_no=f"M{i}", transaction_date="2025-12-12") for i in range(3)]))
    loaded = ingest_files([year, night1, night2], home)
    drops = [[w for w in r.warnings if w.startswith("row_count_drop")] for r in loaded]
    assert drops == [[], [], [
        "row_count_drop: 1 (batch has over 50% fewer rows than the previous batch of "
        "realization for fiscal year(s) 2025 and a similar coverage)"]]
    con = duckdb.connect(str(home.warehouse), read_only=True)
    assert con.execute("SELECT source_file, rows_read, coverage_cells FROM ops.load_log "
                       "ORDER BY started_at").fetchall() == [
        ("year.csv", 60, 12), ("night1.csv", 10, 1), ("night2.csv", 3, 1)]
    con.close()


def test_data_docs_open_offline(warehouse):
    import re

    home, results, _ = warehouse
    index = home.docs / "dq" / "index.html"
    page = index.read_text()
    links = re.findall(r"href='([^']+)'", page)
    gx_pages = [link for link in links if link.startswith("site/")]
    quarantine_pages = [link for link in links if link.startswith("quarantine/")]
    assert len(gx_pages) == 2 * len(BATCHES)       # an extract and a batch validation per file
    assert sorted(quarantine_pages) == sorted(
        f"quarantine/{r.load_id}.html" for r in results.values() if r.rows_quarantined)
    assert len(links) == len(gx_pages) + len(quarantine_pages)
    assert all((index.parent / link).exists() for link in links)
    assert "http" not in page                       # no external resources on the front page
    # GX's site entry point leads to the offline front page
    assert "url=../index.html" in (home.docs / "dq" / "site" / "index.html").read_text()


def test_data_docs_render_only_new_or_changed_pages(warehouse):
    """Each run renders the pages it lacks (new results, suites stored since their page) rather
    than every result ever stored."""
    from expectations.gx_context import DQContext

    home, _, _ = warehouse
    dq = DQContext(home.docs)
    con = duckdb.connect(str(home.warehouse), read_only=True)
    assert dq.build_docs(con) == []                 # everything rendered by the ingest run
    site = home.docs / "dq" / "site"
    pages = sorted((site / "validations" / "extract_budget").rglob("*.html"))
    assert len(pages) == 1
    pages[0].unlink()
    suite_page = site / "expectations" / "batch_budget.html"
    suite_page.unlink()
    rendered = dq.build_docs(con)
    con.close()
    assert sorted(k.to_tuple()[0] for k in rendered) == ["batch_budget", "extract_budget"]
    assert pages[0].exists() and suite_page.exists()


def test_pbk_dq_lists_failures_in_plain_words(warehouse):
    import os
    import subprocess
    import sys

    home, _, _ = warehouse
    out = subprocess.run([sys.executable, "-m", "pbk.cli", "dq", "--json"],
                         env={**os.environ, "PBK_HOME": str(home.home)}, capture_output=True,
                         text=True, check=True)
    failures = json.loads(out.stdout)["failures"]
    assert {(f["subject"], f["rule"]) for f in failures} == \
        {(f"{kind}.csv", rule) for rule, (kind, _, _) in EXPECTED.items()} | \
        {("realization.csv", "realization_within_pagu")}
    spending = next(f for f in failures if f["rule"] == "spending_type_known")
    assert (spending["column"], spending["unexpected_count"], json.loads(spending["sample"])) == \
        ("spending_type", 1, ["99"])


def test_committed_gx_configuration_declares_the_frame_asset():
    """Runs never rewrite the committed GX configuration: the datasource, the dataframe asset all
    suites validate and its whole-frame batch definition are declared there."""
    import yaml

    from expectations.gx_context import CONFIG_DIR, DATASOURCE, FRAME_ASSET, FRAME_BATCH

    config = yaml.safe_load((CONFIG_DIR / "great_expectations.yml").read_text())
    assets = config["fluent_datasources"][DATASOURCE]["assets"]
    assert list(assets) == [FRAME_ASSET]
    assert list(assets[FRAME_ASSET]["batch_definitions"]) == [FRAME_BATCH]


def test_stored_suites_are_reused_until_their_rules_change(tmp_path):
    """A second process on the same PBK_HOME reuses the stored suite and validation definition; a
    changed rule (here a configured threshold) stores the suite again."""
    import great_expectations as gx

    from expectations.gx_context import CONFIG_DIR, DQContext

    def expectations(max_share):
        e = gx.expectations.ExpectColumnValuesToBeBetween(column="share", max_value=max_share)
        e.meta = {"label": "share_bound", "severity": "warn", "message": "share too high"}
        return [e]

    docs = tmp_path / "docs"
    first = DQContext(docs).validation("batch_budget", expectations(0.5))[0]
    suite_file = docs / "dq" / "gx" / "expectations" / "batch_budget.json"
    written = suite_file.stat().st_mtime_ns
    again = DQContext(docs).validation("batch_budget", expectations(0.5))[0]
    assert (again.id, suite_file.stat().st_mtime_ns) == (first.id, written)
    changed = DQContext(docs).validation("batch_budget", expectations(0.25))
    stored = json.loads(suite_file.read_text())
    assert stored["expectations"][0]["kwargs"]["max_value"] == 0.25
    assert changed[1].expectations[0].max_value == 0.25
    # the configuration under PBK_HOME is still the committed file, byte for byte
    assert (docs / "dq" / "gx" / "great_expectations.yml").read_bytes() == \
        (CONFIG_DIR / "great_expectations.yml").read_bytes()


def test_realization_within_pagu_uses_the_latest_load_of_each_budget_line(tmp_path):
    """A revision sent again replaces the lines it restates (latest load per line); a higher
    revision replaces the unit's pagu. Unit 019012: revision 0 loaded twice, line 521211 raised to
    3,000 the second time, line 521212 only in the first load -> pagu 4,000. Unit 019013: revision 0
    (1,000) then revision 1 (2,000) -> pagu 2,000."""
    home = paths(tmp_path / "pbk").ensure()
    other = dict(work_unit_code="019013")
    day1 = tmp_path / "budget_day1.csv"
    day1.write_text(csv_text("budget", [BUDGET, variant(BUDGET, account_code="521212"),
                                        variant(BUDGET, **other)]))
    day2 = tmp_path / "budget_day2.csv"
    day2.write_text(csv_text("budget", [variant(BUDGET, amount=3000),
                                        variant(BUDGET, **other, amount=2000, revision_no=1)]))
    real = tmp_path / "realization.csv"
    real.write_text(csv_text("realization", [
        variant(REAL, document_no="A", amount=4500), variant(REAL, **other, document_no="B",
                                                             amount=2500)]))
    results = ingest_files([day1, day2, real], home)
    assert [r.status for r in results] == ["loaded"] * 3
    con = duckdb.connect(str(home.warehouse), read_only=True)
    [(success, count, sample)] = con.execute(
        "SELECT success, unexpected_count, sample FROM ops.dq_results "
        "WHERE rule = 'realization_within_pagu'").fetchall()
    con.close()
    assert (success, count) == (False, 2)
    assert json.loads(sample) == [[2025, "019012", 4500.0, 4000.0], [2025, "019013", 2500.0, 2000.0]]


@pytest.mark.parametrize("damaged", ["validation_definitions", "expectations"])
def test_a_cut_short_gx_definition_is_stored_again(tmp_path, damaged):
    """Suite and validation definition files are generated from the code: one left unreadable by a
    crash is replaced, and the suite validates again."""
    import great_expectations as gx
    import pandas as pd

    from expectations.gx_context import DQContext

    e = gx.expectations.ExpectColumnValuesToBeBetween(column="share", max_value=0.5)
    e.meta = {"label": "share_bound", "severity": "warn", "message": "share too high"}
    docs = tmp_path / "docs"
    DQContext(docs).validation("batch_budget", [e])
    broken = docs / "dq" / "gx" / damaged / "batch_budget.json"
    broken.write_text('{"name": "batch_bud')
    vd, suite = DQContext(docs).validation("batch_budget", [e])
    result = vd.run(batch_parameters={"dataframe": pd.DataFrame({"share": [0.2, 0.9]})})
    assert [r.result["unexpected_count"] for r in result.results] == [1]
    assert json.loads(broken.read_text())["name"] == "batch_budget"


def test_the_pagu_rule_keys_realization_as_its_contract_does():
    """expectations sits below ingest and writes the realization natural key out; it must be the
    contract's, or the rule would deduplicate on other columns than staging does."""
    from expectations.batch_rules import REALIZATION_KEY

    assert REALIZATION_KEY == ", ".join(CONTRACTS["realization"].natural_key)
