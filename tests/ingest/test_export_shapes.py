"""Files shaped like real SAKTI/OM-SPAN, SAKTI MAK listings, SIPD-RI and SIMDA exports: each loads
whole (0 rows quarantined, no code-shape rule failing) with the exact canonical codes and sums
expected, and a budget from a MAK listing meets its realization from a segmented OM-SPAN file in
the marts (built by the nightly job, as `pbk run` builds them). The generated layouts of whole
fiscal years against the canonical files: tests/ingest/test_export_shape_marts.py."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingest.loader import ingest_files
from base.settings import paths

# An OM-SPAN SP2D listing: codes split over KDDEPT/KDUNIT/KDPROGRAM, the output written whole the
# way SAKTI prints a rincian output (kegiatan.KRO.RO), comma-thousands amounts, 21-digit SP2D numbers.
OMSPAN_REALIZATION = """THANG,KDSATKER,KDDEPT,KDUNIT,KDPROGRAM,KDGIAT,KDOUTPUT,KDAKUN,KDBEBAN,NOSP2D,TGLSP2D,NILAI,URAIAN
2025,019012,019,01,WA,1234,1234.EBA.994,511111,RM,250190120000000000101,10/01/2025,"150,000,000",Gaji induk Januari
2025,019012,019,01,WA,1234,1234.EBA.994,521111,RM,250190120000000000102,15/01/2025,"12,500,000",GUP Januari
2025,019012,019,01,WA,1234,1234.EBA.962,521211,RM,250190120000000000103,03/02/2025,"7,250,500",Honor kegiatan
2025,019012,019,01,WA,1234,1234.EBA.962,521211,RM,250190120000000000104,20/02/2025,"-250,500",Pengembalian
2025,019012,019,02,AB,5678,5678.QDC.001,524111,RM,250190120000000000105,05/03/2025,"45,000,000",Perjalanan dinas
2025,019012,019,02,AB,5678,5678.QDC.001,521211,PNBP,250190120000000000106,06/03/2025,"3,000,000",Bahan
2025,019012,019,02,AB,5678,5678.QDC.001,521211,RM,250190120000000000107,07/03/2025,"1,000,000",Bahan
"""

# The same kind of listing with the output split: KDOUTPUT = KRO, KDSOUTPUT = RO
OMSPAN_SPLIT_OUTPUT = """THANG,KDSATKER,KDDEPT,KDUNIT,KDPROGRAM,KDGIAT,KDOUTPUT,KDSOUTPUT,KDAKUN,NOSP2D,TGLSP2D,NILAI
2025,019012,019,01,WA,1234,EBA,994,511111,250190120000000000201,10/04/2025,"1,000,000"
2025,019012,019,01,WA,1234,EBA.994,,521111,250190120000000000202,11/04/2025,"2,000,000"
"""

# A SAKTI pagu listing: codes only (no names), the budget line as one MAK string: whole, with a
# stray space, without the BA part (KDDEPT gives it), and a pre-2021 line (numbered program/output)
SAKTI_MAK_BUDGET = """THANG,KDDEPT,KDSATKER,MAK,PAGU,BLOKIR
2025,019,019012,019.01.WA.1234.EBA.994.051.A.511111,2000000000,
2025,019,019012,019.01.WA .1234.EBA.994.052.A.521111,200000000,
2025,019,019012,01.WA.1234.EBA.962.052.B.521211,50000000,5000000
2025,019,019012,019.02.AB.5678.QDC.001.051.A.524111,100000000,
2025,019,019012,019.02.AB.5678.QDC.001.051.A.521211,20000000,
"""
SAKTI_MAK_BUDGET_2019 = """THANG,KDSATKER,MAK,PAGU,REVISI
2019,019012,019.01.01.2001.001.051.A.521211,10000000,1
"""

# SIPD-RI SP2D detail: the 22-character SKPD code beside kode_pemda, only the sub-kegiatan (its
# program and kegiatan are prefixes), a datetime SP2D date, jumlah beside the SP2D total
SIPD_RI_REALIZATION = """tahun,kode_pemda,kode_skpd,kode_sub_skpd,nomor_sp_2_d,tanggal_sp_2_d,kode_sub_giat,kode_rekening,jumlah,nilai_sp_2_d,keterangan
2025,32.73,1.02.0.00.0.00.01.0000,1.02.0.00.0.00.01.0000,00001/SP2D/LS/1.02.0.00.0.00.01.0000/2025,2025-03-10 00:00:00,1.02.02.2.02.0001,5.1.02.01.01.0024,1500000.00,1750000.50,ATK
2025,32.73,1.02.0.00.0.00.01.0000,1.02.0.00.0.00.01.0000,00001/SP2D/LS/1.02.0.00.0.00.01.0000/2025,2025-03-10 00:00:00,1.02.02.2.02.0001,5.1.02.01.01.0026,250000.50,1750000.50,Bahan cetak
2025,32,1.02.0.00.0.00.01.0000,1.02.0.00.0.00.01.0001,00002/SP2D/LS/1.02.0.00.0.00.01.0001/2025,2025-04-02 13:45:10,1.02.01.1.02.0001,5.1.01.01.01.0001,9000000.00,9000000.00,Gaji
"""
# The older camelCase SIPD API: 4-digit pemda, dd/mm/yyyy dates
SIPD_CAMEL_REALIZATION = """tahun,kodePemda,kodeSkpd,nomorSp2d,tanggalSp2d,kodeProgram,kodeKegiatan,kodeSubKegiatan,kodeRekening,nilaiSp2d
2025,3273,1.02.0.00.0.00.01.0000,SP2D-0003,15/05/2025,1.02.02,1.02.02.2.02,1.02.02.2.02.0001,5.1.02.01.01.0024,"1.000.000,00"
"""
# SIPD-RI budget (DPA) with kode_urusan and kode_bidang_urusan beside the codes
SIPD_RI_BUDGET = """tahun,kode_pemda,nama_pemda,kode_skpd,nama_skpd,kode_sub_skpd,kode_urusan,kode_bidang_urusan,kode_program,kode_giat,kode_sub_giat,kode_akun,nama_akun,sumber_dana,pagu
2025,32.73,Kota Bandung,1.02.0.00.0.00.01.0000,Dinas Kesehatan,1.02.0.00.0.00.01.0000,1,1.02,1.02.02,1.02.02.2.02,1.02.02.2.02.0001,5.1.02.01.01.0024,Belanja ATK,DAU,4000000.00
2025,32.73,Kota Bandung,1.02.0.00.0.00.01.0000,Dinas Kesehatan,1.02.0.00.0.00.01.0000,1,1.02,1.02.02,1.02.02.2.02,1.02.02.2.02.0001,5.1.02.01.01.0026,Belanja Bahan Cetak,DAU,1000000.00
"""
# A SIMDA mapping table: kode rekening with integer segments, an FMIS-style SP2D number and date
SIMDA_REALIZATION = """tahun,kode_pemda,kode_skpd,sp2d_no,sp2d_tgl,kode_program,kode_kegiatan,kode_sub_kegiatan,kode_rekening,realisasi
2025,3273,1.02.0.00.0.00.01.0000,SIMDA-1,2025-06-01,1.02.02,1.02.02.2.02,1.02.02.2.02.0001,5.1.2.1.1.24,500000
"""


@pytest.fixture
def home(tmp_path):
    return paths(tmp_path / "pbk").ensure()


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def rows(home, sql):
    con = duckdb.connect(str(home.warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def failing_rules(home, source_file):
    return rows(home, f"SELECT rule FROM ops.dq_results WHERE source_file = '{source_file}' "
                      "AND NOT success ORDER BY rule")


def test_omspan_listing_with_whole_output_codes_loads_whole(home, tmp_path):
    f = write(tmp_path, "omspan_sp2d.csv", OMSPAN_REALIZATION)
    [r] = ingest_files([f], home)
    assert (r.kind, r.status, r.rows_read, r.rows_loaded, r.rows_quarantined) == \
        ("realization", "loaded", 7, 7, 0)
    assert (r.amount_read, r.amount_loaded, r.amount_quarantined) == \
        (Decimal("218500000.00"), Decimal("218500000.00"), Decimal("0.00"))
    # no code-shape rule fails on a real shape (the one failing rule: no budget loaded yet)
    assert failing_rules(home, "omspan_sp2d.csv") == [("work_unit_has_budget",)]
    assert rows(home, "SELECT document_no, instansi_code, work_unit_code, program_code, "
                      "activity_code, output_code, account_code, amount FROM raw.realization "
                      "ORDER BY _source_row LIMIT 5") == [
        ("250190120000000000101", "019", "019012", "019.01.WA", "1234", "1234.EBA.994", "511111",
         Decimal("150000000.00")),
        ("250190120000000000102", "019", "019012", "019.01.WA", "1234", "1234.EBA.994", "521111",
         Decimal("12500000.00")),
        ("250190120000000000103", "019", "019012", "019.01.WA", "1234", "1234.EBA.962", "521211",
         Decimal("7250500.00")),
        ("250190120000000000104", "019", "019012", "019.01.WA", "1234", "1234.EBA.962", "521211",
         Decimal("-250500.00")),
        ("250190120000000000105", "019", "019012", "019.02.AB", "5678", "5678.QDC.001", "524111",
         Decimal("45000000.00")),
    ]


def test_output_split_over_kro_and_ro_columns(home, tmp_path):
    f = write(tmp_path, "omspan_split.csv", OMSPAN_SPLIT_OUTPUT)
    [r] = ingest_files([f], home)
    assert (r.status, r.rows_loaded, r.rows_quarantined) == ("loaded", 2, 0)
    # KDOUTPUT 'EBA' + KDSOUTPUT '994', and KDOUTPUT 'EBA.994' with the kegiatan in its column
    assert rows(home, "SELECT program_code, output_code, _extra->>'KDSOUTPUT' FROM raw.realization "
                      "ORDER BY _source_row") == [
        ("019.01.WA", "1234.EBA.994", "994"), ("019.01.WA", "1234.EBA.994", None)]
    assert "codes built from the columns KDUNIT, KDSOUTPUT (kept in _extra as written)" in r.notes


def test_sakti_mak_listing_is_split_into_program_activity_output_account(home, tmp_path):
    budget = write(tmp_path, "pagu_mak.csv", SAKTI_MAK_BUDGET)
    old = write(tmp_path, "pagu_mak_2019.csv", SAKTI_MAK_BUDGET_2019)
    r, r_old = ingest_files([budget, old], home)
    assert (r.kind, r.status, r.rows_loaded, r.rows_quarantined) == ("budget", "loaded", 5, 0)
    assert r.amount_loaded == Decimal("2370000000.00")
    assert (r_old.status, r_old.rows_loaded, r_old.rows_quarantined) == ("loaded", 1, 0)
    assert failing_rules(home, "pagu_mak.csv") == []
    assert failing_rules(home, "pagu_mak_2019.csv") == []
    assert rows(home, "SELECT fiscal_year, gov_level, instansi_code, program_code, activity_code, "
                      "output_code, account_code, revision_no, blocked_amount, _extra->>'MAK' "
                      "FROM raw.budget ORDER BY fiscal_year DESC, _source_row") == [
        (2025, "pusat", "019", "019.01.WA", "1234", "1234.EBA.994", "511111", 0, None,
         "019.01.WA.1234.EBA.994.051.A.511111"),
        (2025, "pusat", "019", "019.01.WA", "1234", "1234.EBA.994", "521111", 0, None,
         "019.01.WA .1234.EBA.994.052.A.521111"),
        (2025, "pusat", "019", "019.01.WA", "1234", "1234.EBA.962", "521211", 0,
         Decimal("5000000.00"), "01.WA.1234.EBA.962.052.B.521211"),
        (2025, "pusat", "019", "019.02.AB", "5678", "5678.QDC.001", "524111", 0, None,
         "019.02.AB.5678.QDC.001.051.A.524111"),
        (2025, "pusat", "019", "019.02.AB", "5678", "5678.QDC.001", "521211", 0, None,
         "019.02.AB.5678.QDC.001.051.A.521211"),
        (2019, "pusat", "019", "019.01.01", "2001", "2001.001", "521211", 1, None,
         "019.01.01.2001.001.051.A.521211"),
    ]
    [(message,)] = rows(home, "SELECT message FROM ops.load_log WHERE source_file = 'pagu_mak.csv'")
    assert "program_code derived from the MAK" in message
    assert "revision_no absent: lines read as revision 0" in message


def test_mak_without_program_takes_it_from_its_columns(home, tmp_path):
    # a kuitansi MAK without the program (kegiatan.KRO.RO.komponen.akun): KDPROGRAM has it whole
    f = write(tmp_path, "kuitansi.csv",
              "THANG,KDSATKER,KDPROGRAM,MAK,NOSP2D,TGLSP2D,REALISASI\n"
              "2025,019012,019.01.WA,2886.EBA.994.002.521111,K-1,31 Desember 2025,\"1.500.000,00\"\n")
    [r] = ingest_files([f], home)
    assert (r.status, r.rows_loaded, r.rows_quarantined) == ("loaded", 1, 0)
    assert rows(home, "SELECT transaction_date::VARCHAR, program_code, activity_code, output_code, "
                      "account_code, amount FROM raw.realization") == [
        ("2025-12-31", "019.01.WA", "2886", "2886.EBA.994", "521111", Decimal("1500000.00"))]


def test_sipd_ri_sp2d_detail_with_22_character_skpd(home, tmp_path):
    f = write(tmp_path, "sipd_sp2d.csv", SIPD_RI_REALIZATION)
    [r] = ingest_files([f], home)
    assert (r.kind, r.status, r.rows_read, r.rows_loaded, r.rows_quarantined) == \
        ("realization", "loaded", 3, 3, 0)
    assert r.amount_loaded == Decimal("10750000.50")   # jumlah, not the SP2D total
    assert failing_rules(home, "sipd_sp2d.csv") == [("work_unit_has_budget",)]
    assert rows(home, "SELECT instansi_code, work_unit_code, program_code, activity_code, "
                      "output_code, account_code, transaction_date::VARCHAR, amount "
                      "FROM raw.realization ORDER BY _source_row") == [
        ("32.73", "32.73.1.02.0.00.0.00.01.0000", "1.02.02", "1.02.02.2.02", "1.02.02.2.02.0001",
         "5.1.02.01.01.0024", "2025-03-10", Decimal("1500000.00")),
        ("32.73", "32.73.1.02.0.00.0.00.01.0000", "1.02.02", "1.02.02.2.02", "1.02.02.2.02.0001",
         "5.1.02.01.01.0026", "2025-03-10", Decimal("250000.50")),
        ("32", "32.1.02.0.00.0.00.01.0001", "1.02.01", "1.02.01.1.02", "1.02.01.1.02.0001",
         "5.1.01.01.01.0001", "2025-04-02", Decimal("9000000.00")),
    ]
    assert "kode_skpd kept in _extra (kode_sub_skpd is the work_unit_code)" in r.notes
    assert "program_code derived from the sub-kegiatan (its leading segments)" in r.notes


def test_sipd_camel_case_and_simda_integer_segments(home, tmp_path):
    camel = write(tmp_path, "sipd_camel.csv", SIPD_CAMEL_REALIZATION)
    simda = write(tmp_path, "simda.csv", SIMDA_REALIZATION)
    results = ingest_files([camel, simda], home)
    assert [(r.status, r.rows_loaded, r.rows_quarantined) for r in results] == \
        [("loaded", 1, 0), ("loaded", 1, 0)]
    assert rows(home, "SELECT _source_file, instansi_code, work_unit_code, document_no, "
                      "account_code, amount FROM raw.realization ORDER BY _source_file") == [
        ("simda.csv", "32.73", "32.73.1.02.0.00.0.00.01.0000", "SIMDA-1", "5.1.02.01.01.0024",
         Decimal("500000.00")),
        ("sipd_camel.csv", "32.73", "32.73.1.02.0.00.0.00.01.0000", "SP2D-0003",
         "5.1.02.01.01.0024", Decimal("1000000.00")),
    ]


def test_sipd_ri_budget_derives_its_level_and_names_stay_optional(home, tmp_path):
    f = write(tmp_path, "sipd_dpa.csv", SIPD_RI_BUDGET)
    [r] = ingest_files([f], home)
    assert (r.kind, r.status, r.rows_loaded, r.rows_quarantined) == ("budget", "loaded", 2, 0)
    assert failing_rules(home, "sipd_dpa.csv") == []
    assert rows(home, "SELECT gov_level, instansi_code, instansi_name, work_unit_code, "
                      "work_unit_name, program_name, account_name, amount FROM raw.budget "
                      "ORDER BY _source_row") == [
        ("daerah", "32.73", "Kota Bandung", "32.73.1.02.0.00.0.00.01.0000", "Dinas Kesehatan",
         None, "Belanja ATK", Decimal("4000000.00")),
        ("daerah", "32.73", "Kota Bandung", "32.73.1.02.0.00.0.00.01.0000", "Dinas Kesehatan",
         None, "Belanja Bahan Cetak", Decimal("1000000.00")),
    ]


def test_skpd_without_its_pemda_loads_with_a_warning(home, tmp_path):
    f = write(tmp_path, "skpd_only.csv",
              "tahun,kode_skpd,nomor_sp_2_d,tanggal_sp_2_d,kode_sub_giat,kode_rekening,jumlah\n"
              "2025,1.02.0.00.0.00.01.0000,X-1,2025-03-10,1.02.02.2.02.0001,5.1.02.01.01.0024,100\n")
    [r] = ingest_files([f], home)
    assert (r.status, r.rows_loaded, r.rows_quarantined) == ("loaded", 1, 0)
    assert failing_rules(home, "skpd_only.csv") == [("work_unit_code_without_pemda",),
                                                   ("work_unit_has_budget",)]
    assert rows(home, "SELECT work_unit_code, instansi_code FROM raw.realization") == \
        [("1.02.0.00.0.00.01.0000", None)]


def test_implausible_codes_are_quarantined_with_their_reason(home, tmp_path, monkeypatch):
    monkeypatch.setenv("PBK_DQ_MAX_QUARANTINE_ROWS", "100")
    f = write(tmp_path, "dirty.csv",
              "THANG,KDSATKER,KDDEPT,KDUNIT,KDPROGRAM,KDGIAT,KDOUTPUT,KDAKUN,NOSP2D,TGLSP2D,NILAI\n"
              "2025,019012,019,01,WA,1234,1234.EBA.994,521211,OK-1,10/01/2025,100\n"
              "2025,19012,019,01,WA,1234,1234.EBA.994,521211,Z-1,10/01/2025,100\n"
              "2025,019012,019,01,WA,12O4,EBA.994,521211,O-1,10/01/2025,100\n"
              "2025,019012,019,01,WA,1234,1234.EBA.994,52I211,I-1,10/01/2025,100\n")
    [r] = ingest_files([f], home)
    assert (r.status, r.rows_loaded, r.rows_quarantined) == ("loaded", 1, 3)
    assert rows(home, "SELECT source_row, field, value, rule FROM ops.quarantine "
                      "ORDER BY source_row, rule") == [
        (2, "work_unit_code", "19012", "work_unit_code_leading_zero_lost"),
        (3, "activity_code", "12O4", "activity_code_shape"),
        (3, "output_code", "EBA.994", "output_code_without_activity"),
        (4, "account_code", "52I211", "account_code_shape"),
    ]
    assert (r.amount_read, r.amount_loaded, r.amount_quarantined) == (400, 100, 300)


# The rest of the satker's year in OM-SPAN layouts: the disbursement plan (Halaman III DIPA) and the
# capaian RO report with the output split over KDGIAT / KDOUTPUT (KRO) / KDRO
OMSPAN_PLAN = """THANG,KDSATKER,KDJENBEL,BULAN,RPD
2025,019012,51,1,"150,000,000"
2025,019012,52,1,"10,000,000"
2025,019012,52,2,"10,000,000"
2025,019012,52,3,"50,000,000"
"""
# An OM-SPAN pagu listing with names for two of the lines the MAK listing restates without names
OMSPAN_NAMED_BUDGET = """THANG,KDDEPT,NMDEPT,KDUNIT,KDSATKER,NMSATKER,KDPROGRAM,NMPROGRAM,KDGIAT,NMGIAT,KDOUTPUT,KDRO,NMRO,KDAKUN,NMAKUN,PAGU
2025,019,Kementerian Perindustrian,01,019012,Sekretariat Jenderal,WA,Program Dukungan Manajemen,1234,Pengelolaan Keuangan,EBA,994,Layanan Perkantoran,511111,Belanja Gaji Pokok PNS,"2,000,000,000"
2025,019,Kementerian Perindustrian,01,019012,Sekretariat Jenderal,WA,Program Dukungan Manajemen,1234,Pengelolaan Keuangan,EBA,994,Layanan Perkantoran,521111,Belanja Keperluan Perkantoran,"200,000,000"
"""
OMSPAN_VOLUME = """THANG,BULAN,KDSATKER,KDGIAT,KDOUTPUT,KDRO,SATUAN,VOLUME,VOLREAL
2025,3,019012,1234,EBA,994,Layanan,12,3
2025,3,019012,1234,EBA,962,Layanan,12,3
2025,3,019012,5678,QDC,001,Orang,100,40
"""


def test_mak_budget_meets_segmented_realization_in_the_marts(tmp_path):
    """Budget from a SAKTI MAK listing, realization from a segmented OM-SPAN file: the nightly job
    gives the unit's absorption and budget performance."""
    from orchestration.run import run_all

    home = tmp_path / "home"
    landing = paths(home).ensure().landing
    for name, text in (("pagu_a_named.csv", OMSPAN_NAMED_BUDGET), ("pagu_mak.csv", SAKTI_MAK_BUDGET),
                       ("omspan_sp2d.csv", OMSPAN_REALIZATION),
                       ("omspan_rpd.csv", OMSPAN_PLAN), ("omspan_capaian_ro.csv", OMSPAN_VOLUME)):
        write(landing, name, text)
    outcome = run_all(home)
    assert outcome.exit_code == 0, outcome.as_dict()
    assert sorted((f.file, f.status, f.rows_loaded, f.rows_quarantined) for f in outcome.files) == [
        ("omspan_capaian_ro.csv", "loaded", 3, 0), ("omspan_rpd.csv", "loaded", 4, 0),
        ("omspan_sp2d.csv", "loaded", 7, 0), ("pagu_a_named.csv", "loaded", 2, 0),
        ("pagu_mak.csv", "loaded", 5, 0)]
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        absorption = con.execute(
            "SELECT program_code, spending_category, budget_amount, blocked_amount, "
            "realized_cumulative, absorption_pct FROM marts.mart_absorption "
            "WHERE work_unit_code = '019012' AND month = 3 ORDER BY 1, 2").fetchall()
        performance = con.execute(
            "SELECT instansi_code, absorption_score, consistency_score, output_achievement_score, "
            "efficiency_pct, efficiency_score, nka_score, nka_category FROM marts.mart_budget_performance "
            "WHERE work_unit_code = '019012'").fetchall()
        # names survive a later load without names; a code never named shows the code
        names = con.execute(
            "SELECT w.work_unit_name, w.instansi_name, p.program_code, p.program_name, "
            "p.output_code, p.output_name FROM core.dim_work_unit w, core.dim_program p "
            "WHERE w.work_unit_code = '019012' ORDER BY p.output_code").fetchall()
        accounts = con.execute("SELECT account_code, account_name FROM core.dim_account "
                               "ORDER BY 1").fetchall()
    finally:
        con.close()
    assert names == [
        ("Sekretariat Jenderal", "Kementerian Perindustrian", "019.01.WA",
         "Program Dukungan Manajemen", "1234.EBA.962", "1234.EBA.962"),
        ("Sekretariat Jenderal", "Kementerian Perindustrian", "019.01.WA",
         "Program Dukungan Manajemen", "1234.EBA.994", "Layanan Perkantoran"),
        ("Sekretariat Jenderal", "Kementerian Perindustrian", "019.02.AB", "019.02.AB",
         "5678.QDC.001", "5678.QDC.001"),
    ]
    assert accounts == [("511111", "Belanja Gaji Pokok PNS"), ("521111", "Belanja Keperluan Perkantoran"),
                        ("521211", "521211"), ("524111", "524111")]
    # pagu minus blokir (PER-5/PB/2024): 19,500,000 / (250,000,000 - 5,000,000) = 7.959184%
    assert absorption == [
        ("019.01.WA", "barang", Decimal("250000000.00"), Decimal("5000000.00"),
         Decimal("19500000.00"), 7.959184),
        ("019.01.WA", "pegawai", Decimal("2000000000.00"), Decimal("0.00"),
         Decimal("150000000.00"), 7.5),
        ("019.02.AB", "barang", Decimal("120000000.00"), Decimal("0.00"),
         Decimal("49000000.00"), 40.833333),
    ]
    # P = 218,500,000 / 2,365,000,000; K = 100 - mean(1.5625, 30, 2) = 88.8125;
    # CK = sqrt(geomean(25, 25) x 40) = 31.622777; E = (610.5M - 218.5M) / 610.5M = 64.209664,
    # NE = 100 (E clamped to 20); NKA = (9.7 P + 18.2 K + 43.5 CK + 28.6 NE) / 100 = 59.415956
    assert performance == [("019", 9.238901, 88.8125, 31.622777, 64.209664, 100.0, 59.415956,
                            "Kurang")]
