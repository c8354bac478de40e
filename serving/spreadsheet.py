"""Text for spreadsheets: every CSV or XLSX the project writes for people goes through here, so a
cell from an extract cannot become a formula when the file is opened in Excel or LibreOffice
(`=HYPERLINK(...)`, `+cmd|...`, `@SUM(...)`: CSV/formula injection). The warehouse keeps values
exactly as the source wrote them (an auditor must see what SAKTI or SIPD said); only what leaves
for a spreadsheet is neutralised."""
from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path
from typing import Iterable

# what spreadsheet programs read as the start of a formula (tab and CR too: some strip them first)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+([.,]\d+)*")


def spreadsheet_safe(value):
    """A text cell that would start a formula, prefixed with an apostrophe (shown as text, the
    apostrophe hidden); numbers, and text like -1.234,50 that is a number, unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) \
            and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def write_csv(path: Path, header: list[str], rows: Iterable[Iterable]) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:   # BOM: Excel reads UTF-8
        writer = csv.writer(fh)
        writer.writerow([spreadsheet_safe(h) for h in header])
        for r in rows:
            writer.writerow([spreadsheet_safe(v) for v in r])
    return path


def write_xlsx(path: Path, header: list[str], rows: Iterable[Iterable], sheet: str = "data") -> Path:
    """Text cells are written as text (never as formulas, which openpyxl would make of '=...');
    Decimal amounts as numbers."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = sheet
    for r_index, r in enumerate([header, *rows], start=1):
        for c_index, value in enumerate(r, start=1):
            cell = ws.cell(row=r_index, column=c_index)
            if isinstance(value, Decimal):
                cell.value = float(value) if abs(value) < Decimal(10) ** 15 else str(value)
            elif isinstance(value, str):
                cell.value = value
                cell.data_type = TYPE_STRING    # '=HYPERLINK(...)' stays the text it was
            else:
                cell.value = value
    wb.save(path)
    return path
