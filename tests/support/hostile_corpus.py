"""A corpus of hostile files, as offices produce them on a bad day (Excel exports, truncated
downloads, hand-edited CSVs), each with the exact outcome the loader must give.

    build_corpus(directory) -> {file name: Expected}

Every data file is a realization extract (the canonical headers of docs/extracts.md) whose row i
carries document D<i> and amount 1000 + i, so the Rupiah figures below follow from the row numbers.
"""
from __future__ import annotations

import io
import os
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

HEADER = ["fiscal_year", "transaction_date", "document_no", "work_unit_code", "program_code",
          "activity_code", "output_code", "account_code", "funding_source", "amount",
          "description"]


def row(i: int, amount: str | None = None, description: str = "ATK") -> list[str]:
    return ["2025", "2025-03-14", f"D{i}", "019012", "019.01.WA", "4209", "EBA.994", "521211",
            "RM", amount if amount is not None else str(1000 + i), description]


def amounts(n: int, skip: tuple[int, ...] = ()) -> Decimal:
    """Rupiah of rows 1..n of the base file, without the rows skipped."""
    return Decimal(sum(1000 + i for i in range(1, n + 1) if i not in skip)).quantize(Decimal("0.01"))


def csv_text(rows: list[list[str]], sep: str = ",", newline: str = "\n",
             header: list[str] = HEADER) -> str:
    return newline.join([sep.join(header)] + [sep.join(r) for r in rows]) + newline


@dataclass
class Expected:
    status: str                       # loaded / rejected
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    by_rule: dict = field(default_factory=dict)
    amount_loaded: Decimal | None = None
    reason_starts: str | None = None  # a rejection: how its reason begins
    reason_has: tuple = ()            # ... and what else it must name (row, field, value)
    encoding: str | None = None


def build_corpus(d: Path) -> dict[str, Expected]:
    d.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(12)
    out: dict[str, Expected] = {}

    # one unbalanced quote on line 201 (row 200): that line is quarantined, the 200 after it load
    rows = [row(i) for i in range(1, 401)]
    rows[199][-1] = '"ATK'
    (d / "unbalanced_quote.csv").write_text(csv_text(rows))
    out["unbalanced_quote.csv"] = Expected("loaded", 400, 399, 1, {"malformed_line": 1},
                                           amounts(400, skip=(200,)))

    # 17 and 18 digits load exactly (DECIMAL(38,2)); 40 digits cannot fit: quarantined
    rows = [row(i) for i in range(1, 21)]
    rows[3][9], rows[4][9], rows[5][9] = "12345678901234567", "123456789012345678", "1" * 40
    (d / "big_amounts.csv").write_text(csv_text(rows))
    out["big_amounts.csv"] = Expected(
        "loaded", 20, 19, 1, {"amount_too_large": 1},
        amounts(20, skip=(4, 5, 6)) + Decimal("12345678901234567") + Decimal("123456789012345678"))

    # Excel's scientific notation: rounded ones quarantined, one whose mantissa has every digit read
    rows = [row(i) for i in range(1, 21)]
    rows[4][9], rows[5][9], rows[6][9] = "1.2E+10", "1.23456E+5", '"1,2E+10"'
    (d / "scientific.csv").write_text(csv_text(rows))
    out["scientific.csv"] = Expected("loaded", 20, 18, 2, {"amount_scientific_notation": 2},
                                     amounts(20, skip=(5, 6, 7)) + Decimal("123456"))

    (d / "random_bytes.csv").write_bytes(rnd.randbytes(8192))
    out["random_bytes.csv"] = Expected("rejected", reason_starts="not a text file")

    good_xlsx = _xlsx([row(i) for i in range(1, 21)])
    (d / "truncated.xlsx").write_bytes(good_xlsx[: len(good_xlsx) // 2])
    out["truncated.xlsx"] = Expected("rejected", reason_starts="not a readable XLSX workbook")
    (d / "random.xlsx").write_bytes(rnd.randbytes(4096))
    out["random.xlsx"] = Expected("rejected", reason_starts="not a readable XLSX workbook")
    (d / "random.parquet").write_bytes(b"PAR1" + rnd.randbytes(4096) + b"PAR1")
    out["random.parquet"] = Expected("rejected", reason_starts="not a readable Parquet file")
    good_parquet = _parquet(20, nested=False)
    (d / "truncated.parquet").write_bytes(good_parquet[: len(good_parquet) // 2])
    out["truncated.parquet"] = Expected("rejected", reason_starts="not a readable Parquet file")
    (d / "nested.parquet").write_bytes(_parquet(20, nested=True))
    out["nested.parquet"] = Expected("loaded", 20, 20, 0, {}, amounts(20))

    # Excel's "Unicode text" export: UTF-16 with byte-order mark, tab-separated
    names = [row(i, description="Belanja Barang – Café Ñ") for i in range(1, 21)]
    text = csv_text(names, sep="\t", newline="\r\n")
    (d / "unicode_text_le.txt").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    out["unicode_text_le.txt"] = Expected("loaded", 20, 20, 0, {}, amounts(20), encoding="utf-16-le")
    (d / "unicode_text_be.csv").write_bytes(b"\xfe\xff" + text.encode("utf-16-be"))
    out["unicode_text_be.csv"] = Expected("loaded", 20, 20, 0, {}, amounts(20), encoding="utf-16-be")

    # one line of 10 MB: quarantined (clipped in ops.quarantine), the rest loads
    rows = [row(i) for i in range(1, 21)]
    rows[9][-1] = "x" * (10 << 20)
    (d / "long_line.csv").write_text(csv_text(rows))
    out["long_line.csv"] = Expected("loaded", 20, 20, 0, {}, amounts(20))
    (d / "no_line_end.csv").write_text("x" * (10 << 20))
    out["no_line_end.csv"] = Expected("rejected", reason_starts="the first line is longer than")

    # valid UTF-8 names and one invalid byte: UTF-8 kept (no mojibake), that line quarantined
    rows = [row(i, description="Pengadaan Café") for i in range(1, 21)]
    data = csv_text(rows).encode("utf-8").replace(b"D7,", b"D7\xff,", 1)
    (d / "one_bad_byte.csv").write_bytes(data)
    out["one_bad_byte.csv"] = Expected("loaded", 20, 19, 1, {"malformed_line": 1}, amounts(20, (7,)),
                                       encoding="utf-8")
    (d / "windows_1252.csv").write_bytes(
        csv_text([row(i, description="Pengadaan Café") for i in range(1, 21)]).encode("cp1252"))
    out["windows_1252.csv"] = Expected("loaded", 20, 20, 0, {}, amounts(20), encoding="cp1252")

    (d / "empty.csv").write_bytes(b"")
    out["empty.csv"] = Expected("rejected", reason_starts="file is empty or its first line is blank")
    (d / "header_only.csv").write_text(",".join(HEADER) + "\n")
    out["header_only.csv"] = Expected("loaded", 0, 0, 0, {}, Decimal("0.00"))
    (d / "duplicate_headers.csv").write_text(csv_text([row(1)], header=HEADER[:-1] + ["amount"]))
    out["duplicate_headers.csv"] = Expected(
        "rejected", reason_starts="header row names the same column twice: 'amount' and 'amount'")
    extra = [f"kolom_{k}" for k in range(500)]
    rows = [row(i) + [str(k) for k in range(500)] for i in range(1, 21)]
    (d / "extra_500_columns.csv").write_text(csv_text(rows, header=HEADER + extra))
    out["extra_500_columns.csv"] = Expected("loaded", 20, 20, 0, {}, amounts(20))
    (d / "cr_only.csv").write_text(csv_text([row(i) for i in range(1, 21)], newline="\r"),
                                   newline="")
    out["cr_only.csv"] = Expected("loaded", 20, 20, 0, {}, amounts(20))
    rows = [row(i) for i in range(1, 21)]
    rows[2][-1] = '"two\nlines, quoted"'
    (d / "multiline_field.csv").write_text(csv_text(rows))
    out["multiline_field.csv"] = Expected("loaded", 20, 20, 0, {}, amounts(20))
    lines = csv_text([row(i) for i in range(1, 21)]).split("\n")
    lines.insert(5, "")
    lines.insert(9, "\r")
    (d / "blank_lines.csv").write_text("\n".join(lines) + "\n\n")
    out["blank_lines.csv"] = Expected("loaded", 20, 20, 0, {}, amounts(20))

    # systematic damage the share gate rejects, naming the rule, field, first row and value
    lines = csv_text([row(i) for i in range(1, 401)]).split("\n")
    lines = [l.replace(",", ";") if 100 < n <= 300 else l for n, l in enumerate(lines)]
    (d / "mixed_delimiters.csv").write_text("\n".join(lines))
    out["mixed_delimiters.csv"] = Expected(
        "rejected", reason_starts="rejected by data-quality rule(s): quarantine_share: 200 of 400",
        reason_has=("malformed_line on the whole line: 200 row(s), the first row 101",))
    rows = [row(i, amount="=SUM(J2:J3)" if i % 10 == 0 else None) for i in range(1, 401)]
    (d / "formula_cells.csv").write_text(csv_text(rows))
    out["formula_cells.csv"] = Expected(
        "rejected", reason_starts="rejected by data-quality rule(s): quarantine_share: 40 of 400",
        reason_has=("unparseable_number on amount: 40 row(s), the first row 10 ('=SUM(J2:J3)')",))
    (d / "merged_header.xlsx").write_bytes(_xlsx([row(i) for i in range(1, 21)], merged=True))
    out["merged_header.xlsx"] = Expected(
        "rejected", reason_starts="header row has empty column names at positions [11]")

    # markup in cells: quarantined by the shape rules, and shown as text in the Data Docs
    rows = [row(i) for i in range(1, 21)]
    rows[3][3] = "<script>alert(1)</script>"
    rows[4][4] = "<img src=x onerror=alert(2)>"
    (d / "html_injection.csv").write_text(csv_text(rows))
    out["html_injection.csv"] = Expected(
        "loaded", 20, 18, 2, {"program_code_shape": 1, "work_unit_code_shape": 1},
        amounts(20, (4, 5)))

    # not files: refused without being opened (a FIFO would block the run forever)
    os.mkfifo(d / "pipe.csv")
    out["pipe.csv"] = Expected("rejected", reason_starts="a FIFO (named pipe), not a regular file")
    outside = d.parent / "outside_secret.csv"
    outside.write_text(csv_text([row(1)]))
    (d / "link_out.csv").symlink_to(outside)
    out["link_out.csv"] = Expected("rejected", reason_starts="symlink (to ")
    (d / "a_directory.csv").mkdir()   # a directory is not a file: left alone, not listed
    return out


def _xlsx(rows: list[list[str]], merged: bool = False) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    header = list(HEADER)
    if merged:   # "amount" spans two header cells: the second one is empty
        header = header[:10] + [""] + header[10:]
        rows = [r[:10] + ["0"] + r[10:] for r in rows]
    ws.append(header)
    for r in rows:
        ws.append([int(c) if c.isdigit() and k == 9 else c for k, c in enumerate(r)])
    if merged:
        ws.merge_cells(start_row=1, start_column=10, end_row=1, end_column=11)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _parquet(n: int, nested: bool) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = {h: [row(i)[k] for i in range(1, n + 1)] for k, h in enumerate(HEADER)}
    table = pa.table(columns)
    if nested:
        meta = pa.array([{"operator": f"op{i}", "batch": i} for i in range(1, n + 1)])
        table = table.append_column("metadata", meta)
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()
