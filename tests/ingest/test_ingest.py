"""Ingest: every format quirk with a crafted file and the exact values expected in raw.*, plus
quarantine, idempotency, landing flow, path safety and the CLI contract."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingest.loader import ingest_files, ingest_landing
from base.settings import paths

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "docs" / "examples"

REALIZATION_HEADER = ("fiscal_year,transaction_date,document_no,work_unit_code,program_code,"
                      "activity_code,output_code,account_code,funding_source,amount,description")


@pytest.fixture(autouse=True)
def tolerate_bad_batches(monkeypatch):
    """These files are a handful of rows crafted to be bad: the quarantine-share gate (which
    rejects a batch losing over 5% of its rows, tested in test_data_quality.py) is lifted here."""
    monkeypatch.setenv("PBK_DQ_MAX_QUARANTINE_SHARE", "1.0")


@pytest.fixture
def home(tmp_path):
    return paths(tmp_path / "pbk").ensure()


def query(home, sql, params=()):
    con = duckdb.connect(str(home.warehouse), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def write(path: Path, text: str, encoding="utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def realization_line(doc, amount, date="2025-03-14", unit="019012", fy="2025", account="521211",
                     sep=","):
    cells = [fy, date, doc, unit, "019.01.WA", "4209", "EBA.994", account, "RM", amount, "ATK"]
    return sep.join(cells)


# ----------------------------------------------------------------------------- amounts

def test_indonesian_amounts_semicolon_file(home, tmp_path):
    lines = [REALIZATION_HEADER.replace(",", ";"),
             realization_line("D1", "1.234.567,89", sep=";"),
             realization_line("D2", "Rp 1.234.567", sep=";"),
             realization_line("D3", "(1.234,00)", sep=";"),
             realization_line("D4", "-500", sep=";"),
             realization_line("D5", "1.500", sep=";")]
    f = write(tmp_path / "real.csv", "\n".join(lines) + "\n")
    [r] = ingest_files([f], home)
    assert (r.kind, r.status, r.rows_read, r.rows_loaded, r.rows_quarantined) == \
        ("realization", "loaded", 5, 5, 0)
    got = dict(query(home, "SELECT document_no, amount FROM raw.realization"))
    assert got == {"D1": Decimal("1234567.89"), "D2": Decimal("1234567.00"),
                   "D3": Decimal("-1234.00"), "D4": Decimal("-500.00"),
                   # a Rupiah column that uses '.' as a thousands separator does so everywhere
                   "D5": Decimal("1500.00")}


def test_plain_amounts_with_decimal_point(home, tmp_path):
    lines = [REALIZATION_HEADER, realization_line("D1", "1234567.89"),
             realization_line("D2", "1.500"), realization_line("D3", '"1,234,567.50"')]
    f = write(tmp_path / "real.csv", "\n".join(lines) + "\n")
    [r] = ingest_files([f], home)
    assert r.rows_loaded == 3
    got = dict(query(home, "SELECT document_no, amount FROM raw.realization"))
    # the column's unambiguous cells use '.' as the decimal point, so '1.500' is one and a half
    assert got == {"D1": Decimal("1234567.89"), "D2": Decimal("1.50"),
                   "D3": Decimal("1234567.50")}


def test_cell_contradicting_the_column_style_is_quarantined(home, tmp_path):
    lines = [REALIZATION_HEADER.replace(",", ";"),
             realization_line("D1", "1.234.567,89", sep=";"),
             realization_line("D2", "2.000.000,00", sep=";"),
             realization_line("D3", "1,234.50", sep=";")]
    f = write(tmp_path / "real.csv", "\n".join(lines) + "\n")
    [r] = ingest_files([f], home)
    assert (r.rows_loaded, r.rows_quarantined) == (2, 1)
    [(row, field, value, rule, reason)] = query(
        home, "SELECT source_row, field, value, rule, reason FROM ops.quarantine")
    assert (row, field, value, rule) == (3, "amount", "1,234.50", "unparseable_number")
    assert "Indonesian" in reason and "'amount'" in reason


def test_measured_numbers_default_to_decimal_point(home, tmp_path):
    f = write(tmp_path / "vol.csv",
              "fiscal_year,period_month,work_unit_code,output_code,output_unit,target_volume,"
              "realized_volume\n2025,12,019012,4209.EBA.994,Layanan,1.500,1\n"
              "2025,6,019012,4209.EBA.994,Layanan,1.500,0\n")
    [r] = ingest_files([f], home)
    assert r.rows_loaded == 2
    # no cell decides the style: a volume reads '1.500' as one and a half, not 1,500
    assert sorted(query(home, "SELECT period_month, target_volume FROM raw.output_volume")) == \
        [(6, 1.5), (12, 1.5)]
    f2 = write(tmp_path / "vol2.csv", f.read_text().replace("2025,", "2024,")
               .replace(",1.500,0", ",\"2,5\",0"))
    ingest_files([f2], home)
    # '2,5' is a decimal comma: the column is Indonesian style, so its '1.500' is 1,500
    assert sorted(query(home, "SELECT fiscal_year, period_month, target_volume "
                              "FROM raw.output_volume WHERE fiscal_year = 2024")) == \
        [(2024, 6, 2.5), (2024, 12, 1500.0)]


# ----------------------------------------------------------------------------- dates, months, codes

def test_date_formats_and_codes_keep_leading_zeros(home, tmp_path):
    lines = [REALIZATION_HEADER,
             realization_line("D1", "10", date="2025-01-31"),
             realization_line("D2", "10", date="14/03/2025"),
             realization_line("D3", "10", date="31 Desember 2025"),
             realization_line("D4", "10", date="1 Agt 2025"),
             realization_line("D5", "10", date="31/02/2025")]
    f = write(tmp_path / "real.csv", "\n".join(lines) + "\n")
    [r] = ingest_files([f], home)
    assert (r.rows_loaded, r.rows_quarantined) == (4, 1)
    got = dict(query(home, "SELECT document_no, transaction_date FROM raw.realization"))
    assert got == {"D1": dt.date(2025, 1, 31), "D2": dt.date(2025, 3, 14),
                   "D3": dt.date(2025, 12, 31), "D4": dt.date(2025, 8, 1)}
    assert query(home, "SELECT DISTINCT work_unit_code FROM raw.realization") == [("019012",)]
    assert query(home, "SELECT source_row, value, rule FROM ops.quarantine") == \
        [(5, "31/02/2025", "unparseable_date")]


def test_months_as_numbers_or_indonesian_names(home):
    [r] = ingest_files([EXAMPLES / "budget_plan.csv"], home)
    assert (r.kind, r.rows_loaded) == ("budget_plan", 5)
    assert [m for (m,) in query(home, "SELECT month FROM raw.budget_plan ORDER BY _source_row")] \
        == [1, 2, 3, 1, 2]


def test_invalid_month_is_quarantined(home, tmp_path):
    f = write(tmp_path / "plan.csv", "fiscal_year,work_unit_code,spending_type,month,planned_amount\n"
              "2025,019012,52,13,100\n2025,019012,52,Mei,100\n2025,019012,52,Smarch,100\n")
    [r] = ingest_files([f], home)
    assert (r.rows_loaded, r.rows_quarantined) == (1, 2)
    assert query(home, "SELECT source_row, value, rule FROM ops.quarantine ORDER BY source_row") == \
        [(1, "13", "invalid_month"), (3, "Smarch", "invalid_month")]


# ----------------------------------------------------------------------------- encodings, delimiters

@pytest.mark.parametrize("delimiter", [",", ";", "|", "\t"])
def test_delimiters_detected(home, tmp_path, delimiter):
    lines = [REALIZATION_HEADER.replace(",", delimiter), realization_line("D1", "7", sep=delimiter)]
    f = write(tmp_path / "real.txt", "\n".join(lines) + "\n")
    [r] = ingest_files([f], home)
    assert (r.kind, r.rows_loaded) == ("realization", 1)
    assert query(home, "SELECT amount, account_code FROM raw.realization") == \
        [(Decimal("7.00"), "521211")]


def test_utf8_bom_and_windows_1252(home, tmp_path):
    text = REALIZATION_HEADER + "\n" + realization_line("D1", "5").replace("ATK", "Café €") + "\n"
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    cp = write(tmp_path / "cp.csv", text.replace("D1", "D2"), encoding="cp1252")
    results = ingest_files([bom, cp], home)
    assert [(r.kind, r.rows_loaded) for r in results] == [("realization", 1), ("realization", 1)]
    assert "Windows-1252" in results[1].notes[0]
    assert sorted(query(home, "SELECT document_no, description FROM raw.realization")) == \
        [("D1", "Café €"), ("D2", "Café €")]


# ----------------------------------------------------------------------------- XLSX and Parquet

def test_xlsx_header_below_title_rows(home):
    [r] = ingest_files([EXAMPLES / "budget_omspan.xlsx"], home)
    assert (r.kind, r.status, r.rows_loaded) == ("budget", "loaded", 3)
    assert "header found on sheet row 4" in r.notes
    rows = query(home, "SELECT _source_row, instansi_code, work_unit_code, gov_level, amount, "
                       "revision_no, revision_date, blocked_amount FROM raw.budget ORDER BY 1")
    assert rows == [
        (1, "019", "019012", "pusat", Decimal("150000000.00"), 0, None, None),
        (2, "019", "019012", "pusat", Decimal("2400000000.00"), 0, None, None),
        (3, "019", "019012", "pusat", Decimal("125000000.00"), 1, dt.date(2025, 7, 15),
         Decimal("5000000.00")),
    ]
    [(message,)] = query(home, "SELECT message FROM ops.load_log")
    assert "gov_level derived" in message


def test_xlsx_serial_dates_and_named_sheet(home, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Catatan"
    wb.active.append(["sheet without data"])
    ws = wb.create_sheet("SP2D")
    ws.append(REALIZATION_HEADER.split(","))
    ws.append([2024, 45657, "D1", "019012", "019.01.WA", "4209", "EBA.994", "521211", "RM",
               1500000.5, "x"])   # 45657 = 2024-12-31 as an Excel serial number
    ws.append([2025, 45730, "D2", "019012", "019.01.WA", "4209", "EBA.994", "521211", "RM",
               2000000, "y"])
    f = tmp_path / "sp2d.xlsx"
    wb.save(f)
    [r] = ingest_files([f], home, sheet="SP2D")
    assert (r.kind, r.rows_loaded) == ("realization", 2)
    assert query(home, "SELECT document_no, transaction_date, amount FROM raw.realization "
                       "ORDER BY 1") == [("D1", dt.date(2024, 12, 31), Decimal("1500000.50")),
                                         ("D2", dt.date(2025, 3, 14), Decimal("2000000.00"))]
    [r2] = ingest_files([f], paths(home.home.parent / "other").ensure(), sheet="Missing")
    assert r2.status == "rejected" and "sheet 'Missing' not found" in r2.reason


def test_parquet(home, tmp_path):
    f = tmp_path / "real.parquet"
    con = duckdb.connect()
    con.execute(f"COPY (SELECT 2025 AS THANG, DATE '2025-05-02' AS TGLSP2D, 'D1' AS NOSP2D, "
                f"'019012' AS KDSATKER, '019.01.WA' AS KDPROGRAM, '4209' AS KDGIAT, "
                f"'EBA.994' AS KDOUTPUT, '521211' AS KDAKUN, 1234.5::DECIMAL(38,2) AS REALISASI "
                f"UNION ALL SELECT 2025, DATE '2025-05-03', 'D2', '019012', '019.01.WA', '4209', "
                f"'EBA.994', '521211', -10) TO '{f}' (FORMAT parquet)")
    [r] = ingest_files([f], home)
    assert (r.kind, r.rows_loaded) == ("realization", 2)
    assert query(home, "SELECT _source_row, document_no, amount FROM raw.realization ORDER BY 1") \
        == [(1, "D1", Decimal("1234.50")), (2, "D2", Decimal("-10.00"))]


# ----------------------------------------------------------------------------- headers and kinds

def test_aliases_case_insensitive_and_extra_columns_kept(home, tmp_path):
    f = write(tmp_path / "x.csv", "Tahun,Tanggal SP2D,no_sp2d,KODE_SKPD,Kode Program,kode_kegiatan,"
              "Kode_Sub_Kegiatan,kode rekening,Realisasi,Catatan Auditor\n"
              "2025,02/01/2025,SP2D/1,32.04.1.02.01,1.02.02,1.02.02.2.02,1.02.02.2.02.0001,"
              "5.1.02.01.01.0001,\"1.000,00\",cek ulang\n")
    [r] = ingest_files([f], home)
    assert (r.kind, r.rows_loaded) == ("realization", 1)
    [(extra, amount)] = query(home, "SELECT _extra, amount FROM raw.realization")
    assert json.loads(extra) == {"Catatan Auditor": "cek ulang"} and amount == Decimal("1000.00")


def test_missing_mandatory_column_rejects_file_naming_aliases(home, tmp_path):
    f = write(tmp_path / "x.csv", REALIZATION_HEADER.replace("document_no,", "") + "\n")
    [r] = ingest_files([f], home, kind="realization")
    assert r.status == "rejected"
    assert r.reason == ("missing mandatory column(s) for kind realization: document_no (tried: "
                        "document_no, NOSP2D, no_sp2d, nomor_sp2d, nomor_dokumen, sp2d_no)")
    assert query(home, "SELECT count(*) FROM raw.realization") == [(0,)]
    assert query(home, "SELECT status, rows_read FROM ops.load_log") == [("rejected", 0)]


def test_file_matching_no_kind_is_rejected(home, tmp_path):
    f = write(tmp_path / "x.csv", "nama,alamat\nBudi,Bandung\n")
    [r] = ingest_files([f], home)
    assert r.status == "rejected" and r.reason.startswith("headers match no extract kind")


def test_file_matching_two_kinds_is_rejected(home, tmp_path):
    # the union of the realization and budget_plan columns satisfies both contracts
    f = write(tmp_path / "x.csv", REALIZATION_HEADER + ",spending_type,month,planned_amount\n")
    [r] = ingest_files([f], home)
    assert r.status == "rejected"
    assert r.reason == ("headers match more than one kind (budget_plan, realization); "
                        "name it with --kind")


def test_every_example_file_loads_clean(home):
    results = ingest_files([EXAMPLES], home)
    assert {r.file: (r.kind, r.rows_loaded, r.rows_quarantined) for r in results} == {
        "budget_omspan.xlsx": ("budget", 3, 0),
        "budget_plan.csv": ("budget_plan", 5, 0),
        "cost_standard.csv": ("cost_standard", 3, 0),
        "indicator.csv": ("indicator", 4, 0),
        "output_volume.csv": ("output_volume", 3, 0),
        "realization_omspan.csv": ("realization", 2, 0),
        "realization_sipd.csv": ("realization", 3, 0),
        "sakip_evaluation.csv": ("sakip_evaluation", 12, 0),
    }


# ----------------------------------------------------------------------------- quarantine

def test_quarantine_keeps_every_row_and_names_file_row_field_value(home, tmp_path):
    lines = [REALIZATION_HEADER,
             realization_line("D1", "100"),
             realization_line("D2", "#VALUE!"),
             realization_line("D3", "100", unit=""),
             realization_line("D1", "100"),             # natural key of row 1 again
             realization_line("D4", "100") + ",extra"]  # one field too many
    f = write(tmp_path / "real.csv", "\n".join(lines) + "\n")
    [r] = ingest_files([f], home)
    assert (r.rows_read, r.rows_loaded, r.rows_quarantined) == (5, 1, 4)
    assert r.quarantined_by_rule == {"duplicate_key_in_file": 1, "malformed_line": 1,
                                     "missing_mandatory": 1, "unparseable_number": 1}
    rows = query(home, "SELECT source_file, source_row, field, value, rule, reason, raw_values "
                       "FROM ops.quarantine ORDER BY source_row")
    assert [(r[1], r[2], r[3], r[4]) for r in rows] == [
        (2, "amount", "#VALUE!", "unparseable_number"),
        (3, "work_unit_code", None, "missing_mandatory"),
        (4, "natural_key", "2025 | 019012 | D1 | 4209.EBA.994 | 521211", "duplicate_key_in_file"),
        (5, None, realization_line("D4", "100") + ",extra", "malformed_line"),
    ]
    assert all(r[0] == "real.csv" for r in rows)
    assert rows[2][5].endswith("repeats row 1 of this file; the first row was kept")
    assert json.loads(rows[0][6])["amount"] == "#VALUE!"
    assert query(home, "SELECT rows_read, rows_loaded, rows_quarantined, status FROM ops.load_log") \
        == [(5, 1, 4, "loaded")]


def test_row_numbers_after_a_malformed_line(home, tmp_path):
    lines = [REALIZATION_HEADER, realization_line("D1", "1"), "too,short",
             realization_line("D3", "3"), realization_line("D4", "4")]
    f = write(tmp_path / "real.csv", "\n".join(lines) + "\n")
    ingest_files([f], home)
    assert query(home, "SELECT document_no, _source_row FROM raw.realization ORDER BY 2") == \
        [("D1", 1), ("D3", 3), ("D4", 4)]


# ----------------------------------------------------------------------------- idempotency

def test_duplicate_file_adds_nothing_and_corrected_resend_loads(home, tmp_path):
    f = write(tmp_path / "real.csv", REALIZATION_HEADER + "\n" + realization_line("D1", "100") + "\n")
    [first] = ingest_files([f], home)
    [again] = ingest_files([f], home)
    assert (first.status, again.status, again.rows_loaded) == ("loaded", "duplicate", 0)
    assert again.reason == f"same bytes already loaded as {first.load_id}"
    fixed = write(tmp_path / "real_fixed.csv",
                  REALIZATION_HEADER + "\n" + realization_line("D1", "150") + "\n")
    [resend] = ingest_files([fixed], home)
    assert resend.status == "loaded"
    # raw keeps both versions for audit; the later load is the newer one
    assert query(home, "SELECT amount, _source_file FROM raw.realization ORDER BY _ingested_at") == \
        [(Decimal("100.00"), "real.csv"), (Decimal("150.00"), "real_fixed.csv")]
    assert query(home, "SELECT status FROM ops.load_log ORDER BY started_at") == \
        [("loaded",), ("duplicate",), ("loaded",)]


def test_killed_process_leaves_no_partial_batch(home, tmp_path):
    f = tmp_path / "real.csv"
    with open(f, "w") as fh:
        fh.write(REALIZATION_HEADER + "\n")
        for i in range(20000):
            fh.write(realization_line(f"D{i}", str(i)) + "\n")
    flag = tmp_path / "in-transaction"
    env = {**os.environ, "PBK_HOME": str(home.home), "PBK_FAULT_PAUSE_BEFORE_COMMIT": str(flag)}
    proc = subprocess.Popen([sys.executable, "-m", "pbk.cli", "ingest", str(f)], env=env,
                            cwd=REPO)
    for _ in range(600):   # wait until the rows are inserted and the commit is pending
        if flag.exists() or proc.poll() is not None:
            break
        import time
        time.sleep(0.1)
    assert flag.exists(), "loader never reached the commit"
    proc.kill()            # SIGKILL: no cleanup code runs
    proc.wait()
    assert query(home, "SELECT count(*) FROM raw.realization") == [(0,)]
    assert query(home, "SELECT count(*) FROM ops.load_log WHERE status = 'loaded'") == [(0,)]
    assert query(home, "SELECT count(*) FROM ops.quarantine") == [(0,)]
    # the batch's Parquet for the Spark engine was written, but only under a hidden name
    lake_dir = home.lake / "raw" / "realization"
    assert [f.name for f in lake_dir.iterdir() if not f.name.startswith(".")] == []
    assert len([f for f in lake_dir.iterdir() if f.name.startswith(".tmp-")]) == 1
    [r] = ingest_files([f], home)
    assert (r.status, r.rows_loaded) == ("loaded", 20000)
    assert query(home, "SELECT count(*), sum(amount) FROM raw.realization") == \
        [(20000, Decimal(sum(range(20000))))]
    visible = [f for f in lake_dir.iterdir() if not f.name.startswith(".")]
    assert [f.name for f in visible] == [f"{r.load_id}.parquet"]
    assert query(home, f"SELECT count(*), sum(amount) FROM read_parquet('{visible[0]}')") == \
        [(20000, Decimal(sum(range(20000))))]


# ----------------------------------------------------------------------------- landing flow, safety

def test_landing_files_move_to_archive_and_rejected_apart(home):
    good = write(home.landing / "real.csv", REALIZATION_HEADER + "\n" + realization_line("D1", "1") + "\n")
    good_bytes = good.read_bytes()
    write(home.landing / "junk.csv", "nama,alamat\nBudi,Bandung\n")
    write(home.landing / "upload.csv.part", "still being written")
    results = ingest_landing(home)
    assert sorted((r.file, r.status) for r in results) == [("junk.csv", "rejected"),
                                                          ("real.csv", "loaded")]
    loaded = next(r for r in results if r.status == "loaded")
    rejected = next(r for r in results if r.status == "rejected")
    assert Path(loaded.archived_to) == home.archive / loaded.load_id / "real.csv"
    assert Path(loaded.archived_to).read_bytes() == good_bytes
    assert Path(rejected.archived_to) == home.archive / "rejected" / rejected.load_id / "junk.csv"
    assert sorted(p.name for p in home.landing.iterdir()) == ["upload.csv.part"]


def test_named_files_are_read_in_place_and_copied(home, tmp_path):
    f = write(tmp_path / "real.csv", REALIZATION_HEADER + "\n" + realization_line("D1", "1") + "\n")
    before = f.read_bytes()
    [r] = ingest_files([f], home)
    assert f.read_bytes() == before
    assert Path(r.archived_to).read_bytes() == before


def test_symlink_out_of_landing_and_separator_names_refused(home, tmp_path):
    outside = write(tmp_path / "secret.csv", REALIZATION_HEADER + "\n" + realization_line("D1", "1") + "\n")
    (home.landing / "link.csv").symlink_to(outside)
    write(home.landing / "a\\b.csv", REALIZATION_HEADER + "\n")
    results = {r.file: r for r in ingest_landing(home)}
    assert results["link.csv"].status == "rejected"
    assert results["link.csv"].reason == (f"symlink (to {outside}): only regular files are taken "
                                          "from a directory; copy the file in instead")
    # set aside as it is (a link holds no data), so it does not come back every night
    assert not os.path.lexists(home.landing / "link.csv")
    assert Path(results["link.csv"].archived_to).is_symlink()
    assert results["a\\b.csv"].reason == "file name 'a\\\\b.csv' contains a path separator"
    assert outside.exists()
    assert not home.warehouse.exists() or \
        query(home, "SELECT count(*) FROM ops.load_log WHERE status = 'loaded'") == [(0,)]


def test_non_regular_file_refused(home, tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    [r] = ingest_files([fifo], home)
    assert (r.status, r.reason) == ("rejected", "a FIFO (named pipe), not a regular file: refused "
                                                "(reading it could block or never end)")


# ----------------------------------------------------------------------------- CLI

def run_cli(home, *args):
    env = {**os.environ, "PBK_HOME": str(home.home)}
    return subprocess.run([sys.executable, "-m", "pbk.cli", *args], env=env, cwd=REPO,
                          capture_output=True, text=True)


def test_cli_json_and_exit_codes(home, tmp_path):
    good = write(tmp_path / "real.csv", REALIZATION_HEADER + "\n" + realization_line("D1", "x") + "\n")
    out = run_cli(home, "ingest", "--json", str(good))
    assert out.returncode == 0, out.stderr
    [doc] = json.loads(out.stdout)
    assert {k: doc[k] for k in ("file", "kind", "status", "rows_read", "rows_loaded",
                                "rows_quarantined", "reason")} == {
        "file": "real.csv", "kind": "realization", "status": "loaded", "rows_read": 1,
        "rows_loaded": 0, "rows_quarantined": 1, "reason": None}
    bad = write(tmp_path / "bad.csv", "nama,alamat\nBudi,Bandung\n")
    out = run_cli(home, "ingest", "--json", str(bad))
    assert out.returncode == 2 and json.loads(out.stdout)[0]["status"] == "rejected"
    home.warehouse.unlink()
    home.warehouse.write_bytes(b"not a database")
    out = run_cli(home, "ingest", "--json", str(good))
    assert out.returncode == 1 and "error" in json.loads(out.stdout)


def test_help_lists_commands():
    out = subprocess.run([sys.executable, "-m", "pbk.cli", "--help"], capture_output=True,
                         text=True, cwd=REPO)
    for command in ("demo", "run", "generate", "ingest", "status", "dq", "trace", "publish"):
        assert f"    {command} " in out.stdout


def test_line_counter_counts_the_same_however_the_file_is_chunked():
    """LF, CR and blank-line counts of the copy taken once (ingest/intake.py LineCounter) equal a
    count over the whole bytes, for any chunking, including line ends split across chunks."""
    import random
    import re

    from ingest.intake import LineCounter

    rng = random.Random(7)
    for _ in range(5000):
        data = bytes(rng.choice(b"a\n\r") for _ in range(rng.randint(0, 40)))
        counter, pos = LineCounter(), 0
        while pos < len(data):
            step = rng.randint(1, 5)
            counter.feed(data[pos:pos + step])
            pos += step
        assert (counter.lf, counter.blank_lf) == (
            data.count(b"\n"), len(re.findall(rb"\n(?=\r?\n)", data))), data
        got = counter.result()
        if b"\n" not in data and b"\r" in data:   # CR line ends count only without any LF
            assert (counter.cr, counter.blank_cr) == (
                data.count(b"\r"), len(re.findall(rb"\r(?=\r)", data))), data
            assert (got.newline, got.terminators, got.blank) == (
                b"\r", data.count(b"\r"), len(re.findall(rb"\r(?=\r)", data))), data
        else:
            assert (got.newline, got.terminators, got.blank) == (
                b"\n", data.count(b"\n"), len(re.findall(rb"\n(?=\r?\n)", data))), data
        assert got.empty == (not data), data


def test_encoding_evidence_is_the_same_however_the_file_is_chunked():
    """UTF-8 validity, NUL bytes and the first invalid offset (ingest/intake.py EvidenceCollector,
    which skips decoding ASCII chunks) equal a decode of the whole bytes, for any chunking,
    including a multi-byte character split across chunks and followed by an ASCII chunk."""
    import random

    from ingest.intake import EvidenceCollector

    rng = random.Random(11)
    for _ in range(5000):
        data = b"".join(rng.choice([b"a", b"\n", b"\0", "é".encode(), b"\xc3", b"\xa9"])
                        for _ in range(rng.randint(0, 30)))
        collector, pos = EvidenceCollector(), 0
        while pos < len(data):
            step = rng.randint(1, 4)
            collector.feed(data[pos:pos + step])
            pos += step
        ev = collector.result()
        try:
            data.decode("utf-8")
            valid, first_invalid = True, None
        except UnicodeDecodeError as exc:
            valid, first_invalid = False, exc.start
        assert (ev.utf8_valid, ev.nul_bytes) == (valid, data.count(b"\0")), data
        if not valid:
            # the decoder names the first byte it cannot accept: at the latest where the bad
            # sequence ends (a character cut by the end of the file is reported at the end)
            assert first_invalid <= ev.utf8_first_invalid_at <= len(data), data
