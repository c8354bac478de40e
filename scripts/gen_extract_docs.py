"""Writes docs/extracts.md from ingest/contracts.py, so the documented contract is the enforced one.
`tests/test_docs.py` fails when the committed file is out of date: run this script after changing
a contract."""
from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ingest.contracts import CONTRACTS, LINEAGE_COLUMNS, SQL_TYPES  # noqa: E402
from ingest.normalise import RULES  # noqa: E402

OUT = REPO / "docs" / "extracts.md"

INTRO = """# Extract contracts

What `pbk ingest` accepts, as implemented in `ingest/contracts.py` (this page is generated from it
by `scripts/gen_extract_docs.py`). The design reference is `DESIGN.md`, "Extract contracts".

## Files

- **CSV**: delimiter `,` `;` `|` or tab (detected from the header line); UTF-8, UTF-8 with BOM, or
  Windows-1252 (detected: a file that is not valid UTF-8 is read as Windows-1252 and the load log
  says so). Standard double-quote quoting. A line with the wrong number of fields is quarantined as
  `malformed_line` with its text; the other lines load.
- **XLSX**: the first sheet unless `--sheet NAME`; the header row is found among the first 30 rows
  (report titles and blank rows above it are skipped); blank rows are not data; Excel dates and
  Excel serial numbers in date columns become dates; whole numbers stored as floats (`2025.0`)
  become integers. `_source_row` counts data rows below the header (sheet row = header row +
  `_source_row`).
- **Parquet**: any column types; values are read as text and normalised like CSV cells.
- One file = one batch = one transaction. The file name is the batch name in `ops.load_log`.

## Headers

Matching ignores case, spaces, underscores, hyphens and dots (`Kode SKPD` = `kode_skpd` =
`KODESKPD`). Each kind has its own alias table (below): `REALISASI` is the amount of a realization
file, `PAGU` the amount of a budget file. Columns the contract does not know are kept, verbatim, in
the raw table's `_extra` JSON column. A missing mandatory column rejects the whole file; the message
names the column and every alias tried. Without `--kind`, the kind is the one contract whose
mandatory columns are all present; a file matching none or several is rejected with the reason.

Derived when absent (and said so in `ops.load_log.message`):

- `realization.fiscal_year`: the year of `transaction_date`.
- `budget.gov_level`: `daerah` when `account_code` is a SIPD kode rekening (`5.1.02.01.01.0001`),
  `pusat` when it is a 6-digit akun; a row with neither shape is quarantined (`underivable_value`).

## Values

| type | accepted | stored as |
|---|---|---|
| code | text; leading zeros kept; surrounding spaces trimmed | VARCHAR |
| amount | `1.234.567,89`, `Rp 1.234.567`, `(1.234,00)` (negative), `-1234`, `1234567.89`, `1,234,567.89` | DECIMAL(18,2) Rupiah |
| number | as amount; volumes, indicator values and scores | DOUBLE |
| date | `2024-12-31`, `31/12/2024`, `31-12-2024`, `31 Desember 2024`, `31 Des 2024`; Excel dates/serials in XLSX | DATE |
| month | `1`..`12` or `Januari`..`Desember` (also `Jan`, `Agt`, `Nop`...) | INTEGER |
| int | whole numbers (`2025`, `2025.0`) | INTEGER |
| enum | the listed vocabulary, case and spacing ignored (`Sasaran Strategis` = `sasaran_strategis`) | VARCHAR |

**Number style is decided per column, not per cell.** Cells only one style can read vote:
`1.234.567` or `12,5` are Indonesian (dot thousands, decimal comma); `1234.56` or `1,234,567`
are international. The whole column is then read in the winning style, and a cell that style cannot
read is quarantined (`unparseable_number`). When no cell decides (every value looks like `1.500`),
Rupiah amounts read `1.500` as one thousand five hundred, measured numbers as one and a half.

## Quarantine rules (parse stage)

A row breaking a rule goes to `ops.quarantine` (load_id, source_file, source_row, kind, field,
value, rule, reason, raw_values) and not to `raw.*`; the rest of the file loads. For every file
`rows_read = rows_loaded + rows_quarantined`, checked before the commit.

| rule | meaning |
|---|---|
"""

LINEAGE = """
## Lineage columns (every raw table)

| column | type | meaning |
|---|---|---|
"""
LINEAGE_MEANING = {
    "_extra": "columns of the file the contract does not know, as JSON",
    "_load_id": "the batch (one per file); also in ops.load_log",
    "_source_file": "file name as received",
    "_source_sha256": "sha256 of the file's bytes (a file already loaded is recorded as duplicate)",
    "_source_row": "1-based data row in the file (header excluded)",
    "_ingested_at": "UTC time of the load",
}


def render() -> str:
    out = [INTRO]
    out += [f"| `{rule}` | {text} |\n" for rule, text in RULES.items()]
    out.append(LINEAGE)
    out += [f"| `{name}` | {sql_type} | {LINEAGE_MEANING[name]} |\n" for name, sql_type in LINEAGE_COLUMNS]
    out.append("\n## Kinds\n")
    for contract in CONTRACTS.values():
        out.append(f"\n### `{contract.kind}`: {contract.description}\n\n")
        out.append(f"Table `raw.{contract.kind}`. Natural key (latest load wins downstream): "
                   + ", ".join(f"`{k}`" for k in contract.natural_key) + ".\n\n")
        out.append("| column | type | mandatory | aliases | notes |\n|---|---|---|---|---|\n")
        for c in contract.columns:
            mandatory = ("derived if absent" if c.name in contract.derivable
                         else "yes" if c.mandatory else "")
            notes = c.description
            if c.vocabulary:
                notes = (notes + "; " if notes else "") + "one of " + ", ".join(
                    f"`{v}`" for v in c.vocabulary)
            aliases = ", ".join(f"`{a}`" for a in c.aliases)
            out.append(f"| `{c.name}` | {c.type} ({SQL_TYPES[c.type]}) | {mandatory} | {aliases} "
                       f"| {notes} |\n")
    out.append("""
## Examples

`docs/examples/` holds one small file per kind, all loadable with `pbk ingest docs/examples/`:

| file | shows |
|---|---|
| `budget_omspan.xlsx` | OM-SPAN headers, title rows above the header, a revision with an Excel date, `gov_level` derived |
| `budget_plan.csv` | months as numbers and Indonesian names, central and regional spending types |
| `realization_omspan.csv` | OM-SPAN/SAKTI headers, a refund as a negative amount |
| `realization_sipd.csv` | SIPD headers, semicolons, Indonesian numbers (`Rp 12.500.000,00`, `(250.000,00)`), dates `14/03/2025` and `31 Desember 2025` |
| `output_volume.csv` | cumulative output volumes of a satker RO and a SIPD sub-kegiatan |
| `indicator.csv` | a cascade tujuan > sasaran strategis > program > kegiatan; `max`, `min` and `range` polarity |
| `sakip_evaluation.csv` | an LKE under PermenPANRB 88/2021 with sub-components, one under 12/2015 |
| `cost_standard.csv` | SBM per province and an SBK |
""")
    return "".join(out)


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT}")
