"""The hand-made fiscal year of the dbt tests and their helpers (tests/dbt_project/): write extract
files with canonical headers, load them into raw.* with the project's loader, and build the
warehouse with the Dagster job (`build`), as production does.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from ingest.contracts import CONTRACTS
from base.dbt import MARTS  # noqa: F401  (the one list of the marts; tests import it here)

from .shared import build_once


def write_extract(path: Path, kind: str, rows: list[dict]) -> Path:
    """Write rows of one extract kind as a CSV with the canonical header of its contract."""
    cols = CONTRACTS[kind].column_names
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=cols, extrasaction="raise")
        w.writeheader()
        for r in rows:
            w.writerow({c: ("" if r.get(c) is None else r.get(c)) for c in cols})
    return path


def kind_of(path: Path) -> str:
    """Kind from the file name: '<kind>.csv' or '<kind>__<anything>.csv'."""
    stem = Path(path).name.split(".")[0].split("__")[0]
    if stem not in CONTRACTS:
        raise ValueError(f"cannot tell the kind of {path}")
    return stem


def load_raw(home: Path, files: list[Path]) -> list:
    """Load extract files into raw.* of $home/warehouse.duckdb (see module docstring)."""
    from ingest.loader import ingest_files

    results = ingest_files([Path(f) for f in files], home)
    bad = [r for r in results if r.status != "loaded"]
    assert not bad, [(r.file, r.status, r.reason) for r in bad]
    return results


def query(home: Path, sql: str, params: list | None = None) -> list[tuple]:
    import duckdb

    con = duckdb.connect(str(Path(home) / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def query_dicts(home: Path, sql: str, params: list | None = None) -> list[dict]:
    import duckdb

    con = duckdb.connect(str(Path(home) / "warehouse.duckdb"), read_only=True)
    try:
        cur = con.execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]
    finally:
        con.close()


# --------------------------------------------------------------------------- hand-made scenario
# A small fiscal year 2025 with figures computed by hand (see tests/dbt_project/test_dbt_figures.py):
# a central satker 123456 (BA 023) with a mid-year budget revision, blokir, refunds and three
# outputs under two activities; a regional SKPD 1.02.0.00.0.00.01.0000 of pemda 32.04 (work unit
# 32.04.1.02.0.00.0.00.01.0000) with a corrected
# re-send of a realization line; indicators of every polarity; three SAKIP evaluations.

W1, W2 = "123456", "32.04.1.02.0.00.0.00.01.0000"
P1, A1, A2 = "023.01.WA", "4209", "4210"
O1, O2, O3 = "4209.EBA.994", "4209.QAA.001", "4210.EBB.951"
RP, RA, RO = "1.02.02", "1.02.02.2.02", "1.02.02.2.02.0001"


def _budget_line(wu, rev, rev_date, prog, act, out, acct, amount, blocked=None, **names):
    central = wu == W1
    return {
        "fiscal_year": 2025, "gov_level": "pusat" if central else "daerah",
        "instansi_code": "023" if central else "32.04",
        "instansi_name": "Kementerian Uji" if central else "Kabupaten Uji",
        "work_unit_code": wu, "work_unit_name": "Satker Uji Pusat" if central else "Dinas Uji",
        "program_code": prog, "program_name": names.get("program_name", f"Program {prog}"),
        "activity_code": act, "activity_name": f"Kegiatan {act}",
        "output_code": out, "output_name": f"Output {out}",
        "account_code": acct, "account_name": f"Akun {acct}", "funding_source": "RM",
        "amount": amount, "revision_no": rev, "revision_date": rev_date, "blocked_amount": blocked,
    }


def _real(wu, date, doc, prog, act, out, acct, amount):
    return {"fiscal_year": 2025, "transaction_date": date, "document_no": doc, "work_unit_code": wu,
            "program_code": prog, "activity_code": act, "output_code": out, "account_code": acct,
            "funding_source": "RM", "amount": amount, "description": f"SP2D {doc}"}


def scenario_files(d: Path) -> list[Path]:
    d = Path(d)
    files = []
    budget_rev0 = [
        _budget_line(W1, 0, "2025-01-02", P1, A1, O1, "521211", "1000000"),
        _budget_line(W1, 0, "2025-01-02", P1, A1, O2, "531111", "2000000"),
        _budget_line(W1, 0, "2025-01-02", P1, A2, O3, "511111", "1000000"),
        _budget_line(W1, 0, "2025-01-02", P1, A2, O3, "521211", "500000"),   # removed by revision 1
        _budget_line(W2, 0, "2025-01-05", RP, RA, RO, "5.1.02.01.01.0001", "600000"),
        _budget_line(W2, 0, "2025-01-05", RP, RA, RO, "5.2.02.01.01.0001", "400000"),
        _budget_line(W2, 0, "2025-01-05", RP, RA, RO, "5.1.05.01.01.0001", "100000"),
    ]
    files.append(write_extract(d / "budget__rev0.csv", "budget", budget_rev0))
    budget_rev1 = [  # a revision restates the whole DIPA of the unit
        _budget_line(W1, 1, "2025-06-15", P1, A1, O1, "521211", "1200000", "200000"),
        _budget_line(W1, 1, "2025-06-15", P1, A1, O2, "531111", "2000000"),
        _budget_line(W1, 1, "2025-06-15", P1, A2, O3, "511111", "800000"),
    ]
    files.append(write_extract(d / "budget__rev1.csv", "budget", budget_rev1))

    plan = []
    for m in range(1, 13):   # revision 0 of the plan: superseded by revision 1
        plan.append({"fiscal_year": 2025, "work_unit_code": W1, "spending_type": "52", "month": m,
                     "planned_amount": "100000", "revision_no": 0})
    for st, m, amt in [("52", 1, 100000), ("52", 2, 250000), ("52", 6, 400000),
                       ("53", 3, 300000), ("53", 6, 600000),
                       ("51", 2, 150000), ("51", 3, 150000), ("51", 6, 300000)]:
        plan.append({"fiscal_year": 2025, "work_unit_code": W1, "spending_type": st, "month": m,
                     "planned_amount": str(amt), "revision_no": 1})
    for st, m, amt in [("5.1.02", 3, 150000), ("5.2", 6, 100000), ("5.1.05", 6, 50000)]:
        plan.append({"fiscal_year": 2025, "work_unit_code": W2, "spending_type": st, "month": m,
                     "planned_amount": str(amt), "revision_no": None})
    files.append(write_extract(d / "budget_plan.csv", "budget_plan", plan))

    real1 = [
        _real(W1, "2025-01-15", "D001", P1, A1, O1, "521211", "100000"),
        _real(W1, "2025-02-10", "D002", P1, A1, O1, "521211", "200000"),
        _real(W1, "2025-03-20", "D003", P1, A1, O1, "521211", "-50000"),    # refund
        _real(W1, "2025-03-25", "D004", P1, A1, O2, "531111", "300000"),
        _real(W1, "2025-02-28", "D005", P1, A2, O3, "511111", "200000"),
        _real(W1, "2025-03-31", "D006", P1, A2, O3, "511111", "100000"),
        _real(W2, "2025-03-10", "R001", RP, RA, RO, "5.1.02.01.01.0001", "150000"),
    ]
    files.append(write_extract(d / "realization__q1.csv", "realization", real1))
    real2 = [
        _real(W1, "2025-06-10", "D007", P1, A1, O1, "521211", "450000"),
        _real(W1, "2025-06-20", "D008", P1, A1, O2, "531111", "500000"),
        _real(W1, "2025-06-30", "D009", P1, A2, O3, "511111", "300000"),
        _real(W2, "2025-06-15", "R002", RP, RA, RO, "5.2.02.01.01.0001", "100000"),
        _real(W2, "2025-06-20", "R003", RP, RA, RO, "5.1.05.01.01.0001", "40000"),
        _real(W2, "2025-03-10", "R001", RP, RA, RO, "5.1.02.01.01.0001", "120000"),  # corrected re-send
    ]
    files.append(write_extract(d / "realization__q2.csv", "realization", real2))

    vol = []
    for wu, out, unit, t, r3, r6, sbk in [(W1, O1, "layanan", 10, 4, 10, None),
                                          (W1, O2, "unit", 10, 3, 9, None),
                                          (W1, O3, "laporan", 5, 1, 4, "SBK.001"),
                                          (W2, RO, "dokumen", 100, 10, 25, "SBK.001")]:
        for m, r in ((3, r3), (6, r6)):
            vol.append({"fiscal_year": 2025, "period_month": m, "work_unit_code": wu, "output_code": out,
                        "output_unit": unit, "target_volume": t, "realized_volume": r,
                        "cost_standard_code": sbk})
    files.append(write_extract(d / "output_volume.csv", "output_volume", vol))

    def ind(inst, wu, code, level, parent, out, polarity, target, upper, real):
        return {"fiscal_year": 2025, "period_month": 12, "instansi_code": inst, "work_unit_code": wu,
                "indicator_code": code, "indicator_name": f"Indikator {code}", "level": level,
                "parent_indicator_code": parent, "program_code": None, "activity_code": None,
                "output_code": out, "unit": "%", "polarity": polarity, "target": target,
                "target_upper": upper, "realization": real}

    indicators = [
        ind("023", None, "SS.01", "sasaran_strategis", None, None, "max", 80, None, 88),
        ind("023", None, "IKP.01", "program", "SS.01", None, "max", 100, None, 130),
        ind("023", W1, "IKK.01", "kegiatan", "IKP.01", None, "min", 10, None, 12),
        ind("023", W1, "IKO.01", "output", "IKK.01", O1, "range", 90, 110, 95),
        ind("023", W1, "IKO.02", "output", "IKK.99", O2, "range", 90, 110, 120),
        ind("023", W1, "IKO.03", "output", None, O3, "max", 0, None, 5),
        ind("32.04", None, "SS.01", "sasaran_strategis", None, None, "max", 70, None, 35),
        ind("32.04", None, "IKS.01", "output", "SS.02", RO, "max", 100, None, 50),   # parent missing
    ]
    files.append(write_extract(d / "indicator.csv", "indicator", indicators))

    def sk(inst, comp, sub, score):
        return {"fiscal_year": 2025, "instansi_code": inst, "instansi_name": f"Instansi {inst}",
                "regulation": "PermenPANRB-88-2021", "component_code": comp,
                "sub_component_code": sub, "score": score, "evaluator": "Tim Uji"}

    sakip = [
        sk("023", "perencanaan_kinerja", None, 25.5),
        sk("023", "pengukuran_kinerja", "pemenuhan", 6),
        sk("023", "pengukuran_kinerja", "kualitas", 8),
        sk("023", "pengukuran_kinerja", "pemanfaatan", 15),
        sk("023", "pelaporan_kinerja", None, 12),
        sk("023", "evaluasi_akuntabilitas_kinerja_internal", None, 20),
        sk("32.04", "perencanaan_kinerja", None, 20),           # incomplete: no evaluasi component
        sk("32.04", "pengukuran_kinerja", None, 20),
        sk("32.04", "pelaporan_kinerja", None, 10),
        sk("024", "perencanaan_kinerja", None, 21),            # exactly 70 -> B
        sk("024", "pengukuran_kinerja", None, 21),
        sk("024", "pelaporan_kinerja", None, 10.5),
        sk("024", "evaluasi_akuntabilitas_kinerja_internal", None, 17.5),
    ]
    files.append(write_extract(d / "sakip_evaluation.csv", "sakip_evaluation", sakip))

    cost = [
        {"fiscal_year": 2025, "standard_type": "SBK", "standard_code": "SBK.001",
         "description": "Penyusunan laporan", "unit": "laporan", "region_code": None, "unit_cost": "110000"},
        {"fiscal_year": 2025, "standard_type": "SBK", "standard_code": "SBK.001",
         "description": "Penyusunan laporan", "unit": "laporan", "region_code": "32", "unit_cost": "100000"},
    ]
    files.append(write_extract(d / "cost_standard.csv", "cost_standard", cost))
    return files


def next_day_files(d: Path) -> list[Path]:
    """One more day of realization lines, including a corrected re-send of D007 (450000 -> 400000)."""
    rows = [
        _real(W1, "2025-07-01", "D010", P1, A1, O1, "521211", "100000"),
        _real(W1, "2025-07-01", "D011", P1, A2, O3, "511111", "-20000"),
        _real(W1, "2025-06-10", "D007", P1, A1, O1, "521211", "400000"),
    ]
    return [write_extract(Path(d) / "realization__day.csv", "realization", rows)]


# --------------------------------------------------------------------------- shared warehouse
@dataclass
class Build:
    """A run of the Dagster job and the dbt nodes its build ran (from run_results.json)."""
    outcome: object                       # orchestration.run.RunOutcome
    nodes: list = field(default_factory=list)

    @property
    def success(self) -> bool:
        return self.outcome.success and not self.failures

    @property
    def failures(self) -> list:
        return [n for n in self.nodes if n.failed]

    def by_name(self, name: str):
        return next(n for n in self.nodes if n.name == name)

    def as_dict(self) -> dict:
        return {**self.outcome.as_dict(), "failed_nodes": [n.unique_id for n in self.failures]}


def build(home: Path, *, select: str = "fqn:*", selection=None, full_refresh: bool = False,
          unit_tests: bool = False, engine: str | None = None) -> Build:
    """Build the warehouse of `home` with the Dagster job, in-process (`pbk run`'s path): the dbt
    assets of the dbt selection `select`, or the Dagster `selection` given."""
    from base.dbt import run_results
    from base.settings import paths
    from orchestration.run import dbt_selection, run_all

    p = paths(home)
    outcome = run_all(p.home, full_refresh=full_refresh, unit_tests=unit_tests, engine=engine,
                      selection=selection if selection is not None else dbt_selection(select, p.home))
    return Build(outcome, run_results(p.dbt_target))


def _build_scenario(directory: Path, engine: str | None = None) -> tuple[Path, Build]:
    home = directory / "home"
    load_raw(home, scenario_files(directory / "files"))
    return home, build(home, full_refresh=True, unit_tests=True, engine=engine)


def built_scenario(tmp_path_factory, engine: str | None = None) -> tuple[Path, Build]:
    """The hand-made scenario loaded and built once per test run (full build with dbt unit
    tests) on `engine` (default DuckDB): (PBK_HOME, Build). Tests must not modify it; copy it
    with `copy_home` first."""
    if engine is None:
        return build_once(tmp_path_factory, "scenario", _build_scenario)
    return build_once(tmp_path_factory, f"scenario_{engine}",
                      lambda d: _build_scenario(d, engine=engine))


def copy_home(src: Path, dst: Path) -> Path:
    """Copy a PBK_HOME (warehouse file, and dbt's parsed manifest so the copy need not re-parse)
    to dst."""
    import shutil

    dst.mkdir(parents=True, exist_ok=True)
    shutil.copy(src / "warehouse.duckdb", dst / "warehouse.duckdb")
    if (src / "dbt").exists():
        shutil.copytree(src / "dbt", dst / "dbt", dirs_exist_ok=True)
    return dst

