"""ingest/sniff.py: the kind of a landing file from its header row alone, in every format (what
the landing sensor and the ingest assets use)."""
import duckdb


def test_kind_sniffed_from_headers_of_every_format(tmp_path):
    import openpyxl

    from ingest.contracts import CONTRACTS
    from ingest.sniff import sniff_kind

    cols = CONTRACTS["budget_plan"].column_names
    (tmp_path / "rpd.csv").write_text(";".join(cols) + "\n", encoding="utf-8-sig")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["LAPORAN REALISASI"])
    ws.append([])
    ws.append(["THANG", "TGLSP2D", "NOSP2D", "KDSATKER", "KDPROGRAM", "KDGIAT", "KDOUTPUT",
               "KDAKUN", "REALISASI"])
    wb.save(tmp_path / "sp2d.xlsx")
    con = duckdb.connect()
    con.execute(f"COPY (SELECT 2025 AS fiscal_year, 'SBM' AS standard_type, 'x' AS standard_code, "
                f"'d' AS description, 'OH' AS unit, 1.0 AS unit_cost) TO "
                f"'{tmp_path / 'sbm.parquet'}' (FORMAT parquet)")
    (tmp_path / "notes.txt").write_text("hello\n")
    (tmp_path / "half.csv").write_text("fiscal_year,work_unit_code,month\n")
    assert sniff_kind(tmp_path / "rpd.csv") == ("budget_plan", True)
    assert sniff_kind(tmp_path / "sp2d.xlsx") == ("realization", True)
    assert sniff_kind(tmp_path / "sbm.parquet") == ("cost_standard", True)
    assert sniff_kind(tmp_path / "notes.txt") == (None, False)
    assert sniff_kind(tmp_path / "half.csv") == ("budget_plan", False)
