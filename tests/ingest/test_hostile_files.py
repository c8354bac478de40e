"""The reader contract on a corpus of hostile files (tests/support/hostile_corpus.py): every input is either
loaded, with rows read (counted on the file's own bytes) = loaded + quarantined and Rupiah likewise,
or rejected whole with exit 2 and a reason naming the file and what is wrong. Never an internal
error, never a partial load. Run through the command line, as an operator would."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.support.hostile_corpus import build_corpus

REPO = Path(__file__).resolve().parents[2]
PBK = [sys.executable, "-m", "pbk.cli"]


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    expected = build_corpus(base / "corpus")
    env = {**os.environ, "PBK_HOME": str(base / "pbk")}
    proc = subprocess.run(PBK + ["ingest", str(base / "corpus"), "--json"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)
    return base, expected, proc


def query(base: Path, sql: str, params=()):
    con = duckdb.connect(str(base / "pbk" / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def test_every_hostile_file_has_its_exact_outcome(corpus_run):
    base, expected, proc = corpus_run
    assert proc.returncode == 2, proc.stderr[-2000:]   # rejections, no internal error
    got = {r["file"]: r for r in json.loads(proc.stdout)}
    assert sorted(got) == sorted(expected)   # the directory named .csv is not a file: not listed
    assert len(expected) == 28
    for name, want in expected.items():
        r = got[name]
        assert r["status"] == want.status, (name, r["reason"])
        if want.status == "rejected":
            assert r["reason"].startswith(want.reason_starts), (name, r["reason"])
            for part in want.reason_has:
                assert part in r["reason"], (name, r["reason"])
            assert "internal error" not in r["reason"]
            continue
        assert (r["rows_read"], r["rows_loaded"], r["rows_quarantined"]) == \
            (want.rows_read, want.rows_loaded, want.rows_quarantined), name
        assert r["quarantined_by_rule"] == want.by_rule, name
        assert Decimal(r["amount_loaded"]) == want.amount_loaded, name
        if want.encoding:
            assert any(n.startswith(f"encoding {want.encoding}:") for n in r["notes"]), name


def test_rows_and_rupiah_add_up_in_the_load_log(corpus_run):
    base, expected, _ = corpus_run
    for name, read, loaded, quarantined, a_read, a_loaded, a_q in query(
            base, "SELECT source_file, rows_read, rows_loaded, rows_quarantined, amount_read, "
                  "amount_loaded, amount_quarantined FROM ops.load_log WHERE status = 'loaded'"):
        assert read == loaded + quarantined, name
        assert a_read == a_loaded + a_q, name
        assert query(base, "SELECT count(*) FROM raw.realization WHERE _source_file = ?",
                     [name]) == [(loaded,)]
    # a rejected file left nothing in raw.*
    rejected = [n for n, e in expected.items() if e.status == "rejected"]
    assert query(base, "SELECT count(*) FROM raw.realization WHERE _source_file IN ("
                 + ", ".join("?" for _ in rejected) + ")", rejected) == [(0,)]


def test_unbalanced_quote_quarantines_its_line_and_loads_the_rest(corpus_run):
    base, _, _ = corpus_run
    assert query(base, "SELECT source_row, rule, value, reason FROM ops.quarantine "
                       "WHERE source_file = 'unbalanced_quote.csv'") == [
        (200, "malformed_line",
         '2025,2025-03-14,D200,019012,019.01.WA,4209,EBA.994,521211,RM,1200,"ATK',
         "line 201: wrong number of fields on the line (a quoted field opens here and never "
         "closes (unbalanced quote))")]
    # the 200 rows after it are in raw, in file order, with their own row numbers
    assert query(base, "SELECT min(_source_row), max(_source_row), count(*) FROM raw.realization "
                       "WHERE _source_file = 'unbalanced_quote.csv' AND _source_row > 200") == \
        [(201, 400, 200)]
    assert query(base, "SELECT document_no FROM raw.realization WHERE _source_file = "
                       "'unbalanced_quote.csv' AND _source_row = 201") == [("D201",)]


def test_encodings_keep_every_letter(corpus_run):
    base, _, _ = corpus_run
    for name, description in [("unicode_text_le.txt", "Belanja Barang – Café Ñ"),
                              ("unicode_text_be.csv", "Belanja Barang – Café Ñ"),
                              ("windows_1252.csv", "Pengadaan Café"),
                              ("one_bad_byte.csv", "Pengadaan Café")]:
        assert query(base, "SELECT DISTINCT description FROM raw.realization WHERE "
                           "_source_file = ?", [name]) == [(description,)], name
    assert dict(query(base, "SELECT source_file, encoding FROM ops.load_log WHERE source_file "
                            "LIKE 'unicode_text%' OR source_file LIKE 'windows%'")) == {
        "unicode_text_le.txt": "utf-16-le", "unicode_text_be.csv": "utf-16-be",
        "windows_1252.csv": "cp1252"}
    [(message,)] = query(base, "SELECT message FROM ops.load_log WHERE source_file = "
                               "'one_bad_byte.csv'")
    assert ("encoding utf-8: UTF-8: 20 valid UTF-8 character(s) against 1 invalid byte "
            "sequence(s) (the first at byte 640); the lines holding invalid bytes are quarantined"
            in message)
    assert query(base, "SELECT source_row, reason FROM ops.quarantine WHERE source_file = "
                       "'one_bad_byte.csv'") == [
        (7, "line 8: wrong number of fields on the line (invalid UTF-8 byte sequence on the line)")]


def test_big_amounts_are_exact_and_wide_files_keep_their_columns(corpus_run):
    base, _, _ = corpus_run
    assert query(base, "SELECT document_no, amount FROM raw.realization WHERE _source_file = "
                       "'big_amounts.csv' AND document_no IN ('D4', 'D5') ORDER BY 1") == [
        ("D4", Decimal("12345678901234567.00")), ("D5", Decimal("123456789012345678.00"))]
    assert query(base, "SELECT document_no, amount FROM raw.realization WHERE _source_file = "
                       "'scientific.csv' AND document_no = 'D6'") == [("D6", Decimal("123456.00"))]
    [(extra,)] = query(base, "SELECT _extra FROM raw.realization WHERE _source_file = "
                             "'extra_500_columns.csv' AND _source_row = 1")
    extra = json.loads(extra)
    assert len(extra) == 500 and extra["kolom_499"] == "499"
    [(nested,)] = query(base, "SELECT _extra FROM raw.realization WHERE _source_file = "
                              "'nested.parquet' AND _source_row = 3")
    assert json.loads(nested) == {"metadata": "{'operator': op3, 'batch': 3}"}
    assert query(base, "SELECT description FROM raw.realization WHERE _source_file = "
                       "'multiline_field.csv' AND _source_row = 3") == [("two\nlines, quoted",)]


def test_rejected_files_are_archived_verified_and_refused_entries_untouched(corpus_run):
    base, expected, proc = corpus_run
    got = {r["file"]: r for r in json.loads(proc.stdout)}
    rows = dict(query(base, "SELECT source_file, archived_to FROM ops.load_log"))
    for name in ("random_bytes.csv", "truncated.xlsx", "mixed_delimiters.csv"):
        archived = Path(rows[name])
        assert archived.read_bytes() == (base / "corpus" / name).read_bytes()
    # named on the command line, the FIFO and the symlink are refused, never opened nor moved
    assert (base / "corpus" / "pipe.csv").is_fifo()
    assert (base / "corpus" / "link_out.csv").is_symlink()
    assert rows["pipe.csv"] is None and got["pipe.csv"]["load_id"] is None


def test_data_docs_pages_escape_every_sampled_value(corpus_run):
    """The cells `<script>...` and `<img onerror=...>` of html_injection.csv are sampled by the
    GX shape rules; every Data Docs page must show them as text, never as elements."""
    from html.parser import HTMLParser

    base, _, _ = corpus_run

    class Elements(HTMLParser):
        def __init__(self):
            super().__init__()
            self.injected, self.text = [], []

        def handle_starttag(self, tag, attrs):
            # the injected markup, had it become elements: GX's own handlers call its functions
            if any("alert(" in (value or "").lower() for _, value in attrs) or \
                    dict(attrs).get("src", "").lower() == "x":
                self.injected.append((tag, attrs))

        def handle_data(self, data):
            if "ALERT(" in data.upper() and self.lasttag.lower() == "script":
                self.injected.append(("script", data))
            self.text.append(data)

    pages = list((base / "pbk" / "docs" / "dq").rglob("*.html"))
    shown = ""
    for page in pages:
        parser = Elements()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.injected == [], page
        shown += " ".join(parser.text)
    assert "<SCRIPT>ALERT(1)</SCRIPT>" in shown        # shown, as text
    assert "<IMGSRC=XONERROR=ALERT(2)>" in shown     # the canonical program code of the cell


def test_spreadsheet_exports_neutralise_formulas(tmp_path):
    from openpyxl import load_workbook

    from serving.spreadsheet import spreadsheet_safe, write_csv, write_xlsx

    cells = ['=HYPERLINK("http://example.invalid","klik")', "+62 21 000", "@SUM(A1:A9)",
             "-1.234,50", "-5", "Dinas Pendidikan", Decimal("1234567.89")]
    assert [spreadsheet_safe(c) for c in cells] == [
        '\'=HYPERLINK("http://example.invalid","klik")', "'+62 21 000", "'@SUM(A1:A9)",
        "-1.234,50", "-5", "Dinas Pendidikan", Decimal("1234567.89")]
    out = write_csv(tmp_path / "x.csv", ["nama"], [[c] for c in cells])
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[1] == '"\'=HYPERLINK(""http://example.invalid"",""klik"")"'
    book = write_xlsx(tmp_path / "x.xlsx", ["nama"], [[c] for c in cells])
    ws = load_workbook(book).active
    first = ws.cell(row=2, column=1)
    assert (first.value, first.data_type) == ('=HYPERLINK("http://example.invalid","klik")', "s")
    assert ws.cell(row=8, column=1).value == 1234567.89


def test_parse_stage_rules_of_a_rejected_file_are_listed_by_pbk_dq(corpus_run):
    base, _, _ = corpus_run
    proc = subprocess.run(PBK + ["dq", "--json", "--limit", "500"], cwd=REPO,
                          env={**os.environ, "PBK_HOME": str(base / "pbk")},
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    failures = json.loads(proc.stdout)["failures"]
    got = {(f["subject"], f["suite"], f["rule"], f["column"]): f["unexpected_count"]
           for f in failures if f["subject"] in ("formula_cells.csv", "mixed_delimiters.csv")
           and f["suite"].startswith(("parse_", "batch_"))}
    assert got == {
        ("formula_cells.csv", "parse_realization", "unparseable_number", "amount"): 40,
        ("formula_cells.csv", "batch_realization", "quarantine_share", "*"): 40,
        ("mixed_delimiters.csv", "parse_realization", "malformed_line", None): 200,
        ("mixed_delimiters.csv", "batch_realization", "quarantine_share", "*"): 200}
