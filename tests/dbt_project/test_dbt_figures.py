"""The dbt project on a hand-made fiscal year (tests/support/dbt_scenario.py: scenario_files), built once:
exact figures computed by hand for every mart, lineage, rules, reconciliation and docs.

Hand computations (fiscal year 2025, rules IKPA-PER-5-PB-2024, EFF-PMK-214-2017,
NKA-PMK-249-2011):

Satker 123456: current pagu (revision 1) barang 1,200,000 with blokir 200,000 (base 1,000,000),
modal 2,000,000, pegawai 800,000 (was 1,000,000 + a 500,000 barang line in revision 0).
Realization (net of a -50,000 refund): barang 100k Jan, 200k Feb, -50k Mar, 450k Jun;
modal 300k Mar, 500k Jun; pegawai 200k Feb, 100k Mar, 300k Jun -> total 2,100,000.
  P = 2,100,000 / 3,800,000 = 55.263158
  monthly deviation of the unit: Jan 0, Feb 0, Mar |350-450|/450 = 22.222222, Jun 50/1300 =
  3.846154 (months without plan skipped) -> mean 6.517094 -> K = 93.482906
  CK: sqrt(100 x 90) = 94.868330 (activity 4209), 80 (4210) -> sqrt(94.868330 x 80) = 87.117543
  E = (1,200,000 + 1,800,000 + 640,000 - 2,100,000) / 3,640,000 = 42.307692 -> NE = 100 (clamped)
  NKA = (9.7 P + 18.2 K + 43.5 CK + 28.6 NE) / 100 = 88.870547 -> Baik
SKPD 32.04.1.02.0.00.0.00.01.0000: pagu 1,100,000; realization 120,000 (re-sent, replacing 150,000) + 100,000
+ 40,000 = 260,000 -> P = 23.636364; K = 100 - mean(20, 6.666667) = 86.666667; CK = 25;
  E = (275,000 - 260,000) / 275,000 = 5.454545 -> NE = 63.636364; NKA = 47.141061 -> Sangat Kurang
"""
from __future__ import annotations

import json

import pytest

from tests.support.dbt_scenario import MARTS, O1, O2, O3, W1, W2, copy_home, query, query_dicts


@pytest.fixture(scope="module")
def home(scenario):
    return scenario[0]


def test_build_passes_every_test_including_unit_tests(scenario):
    _, result = scenario
    assert result.success, result.as_dict()
    assert not result.failures
    kinds = {}
    for n in result.nodes:
        kinds.setdefault(n.resource_type, []).append(n)
    assert len(kinds["unit_test"]) >= 9
    assert all(n.status == "pass" for n in kinds["unit_test"])
    assert len(kinds["model"]) >= 28
    names = {n.name for n in kinds["test"]}
    for reconciliation in ("assert_realization_reconciles_to_raw", "assert_current_budget_reconciles_to_raw",
                           "assert_absorption_reconciles_to_facts"):
        assert reconciliation in names
        assert result.by_name(reconciliation).status == "pass"


def test_schemas_are_exactly_the_warehouse_layers(home):
    schemas = {r[0] for r in query(home, "SELECT schema_name FROM information_schema.schemata "
                                         "WHERE catalog_name = 'warehouse'")}
    assert {"raw", "staging", "intermediate", "core", "marts"} <= schemas
    assert schemas - {"raw", "ops", "staging", "intermediate", "core", "marts", "audit",
                      "main"} == set()
    marts = {r[0] for r in query(home, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts'")}
    assert marts == set(MARTS)


def test_monthly_marts_carry_the_month_end_date(home):
    """A DATE per month (the month's last day) so BI tools draw the months as a time series."""
    import datetime as dt

    absorption = query(home, "SELECT DISTINCT fiscal_year, month, month_end_date "
                             "FROM marts.mart_absorption ORDER BY ALL")
    assert [m for _, m, _ in absorption] == [1, 2, 3, 4, 5, 6]
    assert [d for _, _, d in absorption] == [
        dt.date(2025, 1, 31), dt.date(2025, 2, 28), dt.date(2025, 3, 31), dt.date(2025, 4, 30),
        dt.date(2025, 5, 31), dt.date(2025, 6, 30)]
    indicators = query(home, "SELECT DISTINCT period_month, period_end_date "
                             "FROM marts.mart_indicator_achievement ORDER BY ALL")
    assert indicators and all(
        d == (dt.date(2025, m % 12 + 1, 1) if m < 12 else dt.date(2026, 1, 1))
        - dt.timedelta(days=1) for m, d in indicators)


def test_absorption_refunds_blokir_and_mid_year_revision(home):
    rows = query_dicts(home, """
        SELECT month, spending_category, budget_amount, absorption_base_amount, realized_cumulative,
               absorption_pct, refund_amount, quarter_target_pct, month_target_pct, on_track,
               planned_amount, deviation_pct, rule_id
        FROM marts.mart_absorption WHERE work_unit_code = ? ORDER BY spending_category, month""", [W1])
    barang = [r for r in rows if r["spending_category"] == "barang"]
    assert [r["month"] for r in barang] == [1, 2, 3, 4, 5, 6]          # as of June
    assert [float(r["realized_cumulative"]) for r in barang] == [100000, 300000, 250000, 250000, 250000, 700000]
    # current (revision 1) pagu 1,200,000 minus blokir 200,000
    assert {float(r["absorption_base_amount"]) for r in barang} == {1000000}
    assert [r["absorption_pct"] for r in barang] == [10, 30, 25, 25, 25, 70]
    assert float(barang[2]["refund_amount"]) == -50000
    assert [r["month_target_pct"] for r in barang] == [5, 10, 15, 26.666667, 38.333333, 50]
    assert [r["on_track"] for r in barang] == [True, True, True, False, False, True]
    assert [r["deviation_pct"] for r in barang] == [0, 20, None, None, None, 12.5]
    pegawai = {r["month"]: r for r in rows if r["spending_category"] == "pegawai"}
    # mid-year revision: every month against the current 800,000 (not the original 1,000,000)
    assert float(pegawai[3]["budget_amount"]) == 800000
    assert pegawai[3]["absorption_pct"] == 37.5
    modal = {r["month"]: r for r in rows if r["spending_category"] == "modal"}
    assert modal[6]["absorption_pct"] == 40 and modal[6]["month_target_pct"] == 40 and modal[6]["on_track"]
    assert {r["rule_id"] for r in rows} == {"IKPA-PER-5-PB-2024"}

    regional = {(r["spending_category"], r["month"]): r for r in query_dicts(home, """
        SELECT spending_category, month, absorption_pct, quarter_target_pct, realized_cumulative
        FROM marts.mart_absorption WHERE work_unit_code = ?""", [W2])}
    # the corrected re-send (120,000) replaced the first line (150,000)
    assert float(regional[("barang", 3)]["realized_cumulative"]) == 120000
    assert regional[("barang", 3)]["absorption_pct"] == 20
    # hibah has no IKPA target of its own: the aggregate target applies
    assert regional[("hibah", 3)]["quarter_target_pct"] == 15
    assert regional[("hibah", 6)]["quarter_target_pct"] == 40


def test_budget_performance_nka(home):
    rows = {r["work_unit_code"]: r for r in query_dicts(home, "SELECT * FROM marts.mart_budget_performance")}
    w1 = rows[W1]
    assert (w1["absorption_score"], w1["consistency_score"], w1["output_achievement_score"]) == \
        (55.263158, 93.482906, 87.117543)
    assert (w1["efficiency_pct"], w1["efficiency_score"]) == (42.307692, 100)
    assert (w1["nka_score"], w1["nka_category"]) == (88.870547, "Baik")
    assert (w1["rule_id"], w1["efficiency_rule_id"], w1["absorption_rule_id"]) == \
        ("NKA-PMK-249-2011", "EFF-PMK-214-2017", "IKPA-PER-5-PB-2024")
    w2 = rows[W2]
    assert (w2["absorption_score"], w2["consistency_score"], w2["output_achievement_score"]) == \
        (23.636364, 86.666667, 25)
    assert (w2["efficiency_pct"], w2["efficiency_score"]) == (5.454545, 63.636364)
    assert (w2["nka_score"], w2["nka_category"]) == (47.141061, "Sangat Kurang")


def test_efficiency_per_output(home):
    rows = {r["output_code"]: r for r in query_dicts(home, "SELECT * FROM marts.mart_efficiency")}
    o1, o2, o3 = rows[O1], rows[O2], rows[O3]
    assert (float(o1["budget_amount"]), float(o1["realized_amount"]), o1["output_achievement"]) == (1200000, 700000, 100)
    assert o1["volume_period_month"] == 12 or o1["volume_period_month"] == 6
    assert (o1["efficiency_pct"], o2["efficiency_pct"], o3["efficiency_pct"]) == (41.666667, 55.555556, 6.25)
    assert (o1["planned_unit_cost"], o1["realized_unit_cost"]) == (120000, 70000)
    assert float(o3["cost_standard_unit_cost"]) == 110000            # central unit: national SBK
    regional = [r for r in rows.values() if r["work_unit_code"] == W2][0]
    assert float(regional["cost_standard_unit_cost"]) == 100000      # province 32 SBK
    assert {r["rule_id"] for r in rows.values()} == {"EFF-PMK-214-2017"}


def test_indicator_achievement(home):
    rows = {(r["instansi_code"], r["indicator_code"]): r for r in query_dicts(home, """
        SELECT instansi_code, indicator_code, achievement_pct, achievement_score, achievement_category,
               data_issue, rule_id FROM marts.mart_indicator_achievement""")}
    expect = {
        ("023", "SS.01"): (110, 110, "sangat tinggi"),
        ("023", "IKP.01"): (130, 120, "sangat tinggi"),      # capped at 120
        ("023", "IKK.01"): (80, 80, "tinggi"),               # min polarity
        ("023", "IKO.01"): (100, 100, "sangat tinggi"),      # inside the range
        ("023", "IKO.02"): (109.090909, 109.090909, "sangat tinggi"),   # above the range: R / U
        ("023", "IKO.03"): (None, None, None),               # zero target
        ("32.04", "IKS.01"): (50, 50, "sangat rendah"),
    }
    for key, (pct, score, cat) in expect.items():
        r = rows[key]
        assert (r["achievement_pct"], r["achievement_score"], r["achievement_category"]) == (pct, score, cat), key
    assert rows[("023", "IKO.03")]["data_issue"] == "target_zero"
    assert {r["rule_id"] for r in rows.values()} == {"CAPAIAN-PERMENDAGRI-86-2017"}


def test_sakip_scores_and_grades(home):
    rows = {r["instansi_code"]: r for r in query_dicts(home, "SELECT * FROM marts.mart_sakip_score")}
    assert (rows["023"]["total_score"], rows["023"]["grade"], rows["023"]["grade_label"]) == (86.5, "A", "Memuaskan")
    assert (rows["024"]["total_score"], rows["024"]["grade"]) == (70, "B")           # boundary
    assert (rows["32.04"]["total_score"], rows["32.04"]["complete"], rows["32.04"]["grade"]) == (50, False, None)
    comps = {r["component_code"]: r for r in query_dicts(
        home, "SELECT * FROM marts.mart_sakip_component WHERE instansi_code = '023'")}
    assert comps["pengukuran_kinerja"]["score"] == 29          # sum of its sub-components
    assert all(r["grade"] == "A" and r["rule_id"] == "PermenPANRB-88-2021" for r in comps.values())


def test_budget_relevance(home):
    rows = {r["work_unit_code"]: r for r in query_dicts(home, "SELECT * FROM marts.mart_budget_relevance")}
    assert (float(rows[W1]["relevant_budget_amount"]), rows[W1]["relevance_pct"]) == (1200000, 30)
    assert rows[W2]["relevance_pct"] == 0          # its indicator's parent does not exist
    assert {r["rule_id"] for r in rows.values()} == {"MFP-PP-17-2017"}


def test_every_mart_row_carries_its_rule(home):
    for mart in MARTS:
        n, missing = query(home, f"SELECT count(*), count(*) - count(rule_id) FROM marts.{mart}")[0]
        assert n > 0 and missing == 0, mart


def test_fact_rows_keep_lineage(home):
    rows = {r["document_no"]: r for r in query_dicts(home, """
        SELECT document_no, realized_amount, _load_id, _source_file, _source_row, _source_sha256
        FROM core.fact_realization""")}
    assert rows["D001"]["_source_file"] == "realization__q1.csv" and rows["D001"]["_source_row"] == 1
    assert rows["R001"]["_source_file"] == "realization__q2.csv" and rows["R001"]["_source_row"] == 6
    assert float(rows["R001"]["realized_amount"]) == 120000
    assert all(r["_load_id"] and len(r["_source_sha256"]) == 64 for r in rows.values())
    budget = query(home, "SELECT count(*), count(_load_id), count(_source_row) FROM core.fact_budget")[0]
    assert budget == (10, 10, 10)
    # every revision kept, the current one flagged
    assert query(home, "SELECT revision_no, is_current_revision, count(*) FROM core.fact_budget "
                       "WHERE work_unit_code = '123456' GROUP BY ALL ORDER BY 1") == [(0, False, 4), (1, True, 3)]


def test_dimensions_conform_both_systems(home):
    accounts = dict(query(home, "SELECT account_code, spending_category FROM core.dim_account"))
    assert accounts == {"521211": "barang", "531111": "modal", "511111": "pegawai",
                        "5.1.02.01.01.0001": "barang", "5.2.02.01.01.0001": "modal",
                        "5.1.05.01.01.0001": "hibah"}
    units = {r[0]: r[1:] for r in query(home, "SELECT work_unit_code, instansi_code, gov_level FROM core.dim_work_unit")}
    assert units[W1] == ("023", "pusat") and units[W2] == ("32.04", "daerah")
    months = query(home, "SELECT month_name FROM core.dim_date WHERE is_month_end ORDER BY date_day")
    assert [m[0] for m in months][:3] == ["Januari", "Februari", "Maret"] and len(months) == 12


def test_docs_generate_offline_everything_is_described_and_regenerated_on_change(scenario,
                                                                                tmp_path):
    from base.settings import paths
    from serving.dbt_docs import generate_docs

    home = copy_home(scenario[0], tmp_path / "home")
    out = generate_docs(paths(home))
    assert (out / "index.html").exists() and (out / "catalog.json").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    catalog = json.loads((out / "catalog.json").read_text())
    undocumented = []
    for uid, node in manifest["nodes"].items():
        if node["resource_type"] not in ("model", "seed"):
            continue
        if not node["description"].strip():
            undocumented.append(uid)
        described = {c for c, v in node["columns"].items() if v["description"].strip()}
        actual = set(catalog["nodes"].get(uid, {}).get("columns", {}))
        undocumented += [f"{uid}.{c}" for c in actual - described]
    assert not undocumented, undocumented

    # generated again only when the dbt project or a column changed (serving/dbt_docs.py)
    import duckdb

    from serving.dbt_docs import STAMP

    p = paths(home)
    first = (out / "catalog.json").stat().st_mtime_ns
    assert generate_docs(p) == out
    assert (out / "catalog.json").stat().st_mtime_ns == first     # nothing changed: kept
    con = duckdb.connect(str(p.warehouse))
    con.execute("INSERT INTO raw.cost_standard SELECT * FROM raw.cost_standard")  # rows only
    con.close()
    generate_docs(p)
    assert (out / "catalog.json").stat().st_mtime_ns == first
    con = duckdb.connect(str(p.warehouse))
    con.execute("ALTER TABLE marts.mart_efficiency ADD COLUMN reviewer_note VARCHAR")
    con.close()
    generate_docs(p)
    catalog = json.loads((out / "catalog.json").read_text())
    assert "reviewer_note" in catalog["nodes"]["model.pbk.mart_efficiency"]["columns"]
    (out / STAMP).write_text("stale")
    before = (out / "catalog.json").stat().st_mtime_ns
    generate_docs(p)
    assert (out / "catalog.json").stat().st_mtime_ns > before
