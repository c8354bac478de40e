"""Writes docs/extracts.md (from ingest/contracts.py) and docs/data_quality.md (from the rule
catalogue, base/rule_catalogue.py), so what is documented is what is enforced. `tests/base/test_docs.py` fails when
a committed page is out of date: run this script after changing a contract or a rule."""
from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

from base import codes
from ingest.contracts import CODE_PARTS, CONTRACTS, LINEAGE_COLUMNS, SQL_TYPES
from pbk.generator.export_shapes import LAYOUTS
from base.rule_catalogue import CATALOGUE, PARSE_QUARANTINE_MESSAGES

OUT = REPO / "docs" / "extracts.md"
DQ_OUT = REPO / "docs" / "data_quality.md"

INTRO = """# Extract contracts

What `pbk ingest` accepts, as implemented in `ingest/contracts.py` (this page is generated from it
by `scripts/gen_docs.py`). The design reference is `DESIGN.md`, "Extract contracts".

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
mandatory columns are all present (a kind whose columns another complete kind reads too is the
lesser reading: a realization file also holds every mandatory budget column); a file matching none,
or several, is rejected with the reason. Some aliases are fallbacks, used only when no other alias
of the column is in the file (SIPD's `kode_skpd` when the finer `kode_sub_skpd` is absent, the SP2D
total `nilai_sp_2_d` when there is no line amount `jumlah`); a fallback beside its column stays in
`_extra` and the load log says so. Names (`NMSATKER`, `nama_program`, ...) are never mandatory.

Derived when absent (and said so in `ops.load_log.message`):

- `realization.fiscal_year`: the year of `transaction_date`.
- `budget.gov_level`: `daerah` when `account_code` is a SIPD kode rekening (`5.1.02.01.01.0001`)
  or the work unit a pemda's SKPD, `pusat` when the akun has 6 digits; a row with neither is
  quarantined (`underivable_value`).
- `budget.revision_no`: 0 (a listing without a revision column is the DIPA/DPA as it stands).
- `program_code`, `activity_code`, `output_code`, `account_code`: from a MAK column; a SIPD
  program and kegiatan from the sub-kegiatan they prefix (only when the file has no column for
  them: an empty cell of a present column stays a missing value).
- `instansi_code`: the BA of a central program (`019.01.WA` -> `019`) or the pemda of a regional
  work unit (`32.73.1.02.0.00.0.00.01.0000` -> `32.73`).

## Values

| type | accepted | stored as |
|---|---|---|
| code | text; leading zeros kept; surrounding spaces trimmed | VARCHAR |
| amount | `1.234.567,89`, `Rp 1.234.567`, `(1.234,00)` (negative), `-1234`, `1234567.89`, `1,234,567.89` | DECIMAL(38,2) Rupiah |
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
    out += [f"| `{rule}` | {text} |\n" for rule, text in PARSE_QUARANTINE_MESSAGES.items()]
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
            if c.fallback_aliases:
                aliases += "; if none of those: " + ", ".join(f"`{a}`" for a in c.fallback_aliases)
            out.append(f"| `{c.name}` | {c.type} ({SQL_TYPES[c.type]}) | {mandatory} | {aliases} "
                       f"| {notes} |\n")
    out.append(render_codes())
    out.append(render_layouts())
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


CODE_FORMS = """
## Canonical codes

Codes are identities: each thing has one canonical text form, whatever the export wrote, built by
the loader (`base/codes.py`) before any rule sees the row. Codes carry no inner spaces (a space
inside a code, `063.01.WA .6384`, is a typing artefact) and central letters are upper case.

| thing | written as | canonical |
|---|---|---|
| central program | `019.01.WA`; `01.WA` or `WA` with `KDDEPT`/`KDBA` (and `KDUNIT`); inside a MAK | `019.01.WA` (`019.01.01` before FY 2021) |
| central output | `4209.EBA.994`; `EBA.994` (or `001` before 2021) with the kegiatan in `KDGIAT`; `KDOUTPUT` `EBA` + `KDSOUTPUT`/`KDRO` `994`; inside a MAK | `4209.EBA.994` (`2001.001` before FY 2021) |
| MAK | `019.01.WA.4209.EBA.994.051.A.521211`, with stray spaces, without the BA (`01.WA...`, BA from `KDDEPT`), without the eselon I and BA (`WA.7937...`, with `KDDEPT` and `KDUNIT`), without the program (`2886.EBA.994.002.521111`, program from its own column) | split into program, kegiatan, output, akun; the MAK (with komponen and subkomponen) stays in `_extra` |
| kode rekening | `5.1.02.01.01.0024`; integer segments `5.1.2.1.1.24` (SIMDA mapping tables); coarser LRA levels `5.1.02` | segments padded to 1.1.2.2.2.4 digits |
| pemda | `32.73`, `3273`; a province `32`, `3200`, `32.00` | `32.73`, `32` |
| regional work unit | SIPD `kode_sub_skpd` (or `kode_skpd`) `1.02.0.00.0.00.01.0000` beside `kode_pemda` | `32.73.1.02.0.00.0.00.01.0000`: SIPD's SKPD code is unique only inside one pemda, so the warehouse's work unit is the pemda and the SKPD (an SKPD loaded without its pemda keeps its 22 characters and is warned about) |
| satker | `019012` | `019012` (`19012`, a leading zero lost in Excel, is quarantined) |

Code parts: columns read only to build a code (they are kept in `_extra` as written):
{parts}.

### Code shape catalogue

The shape rules ([data_quality.md](data_quality.md)) judge canonical codes against this catalogue:
a code no system writes (a letter in a numeric segment, stray punctuation, a satker that lost its
leading zero, an RO without its kegiatan) is quarantined; a plausible code whose shape is not listed
for the row's fiscal year loads with a warning.

| column | system | shape | example | fiscal years | source |
|---|---|---|---|---|---|
"""


def render_codes() -> str:
    parts = "; ".join(f"{part}: " + ", ".join(f"`{h}`" for h in headers)
                      for part, headers in CODE_PARTS.items())
    out = [CODE_FORMS.replace("{parts}", parts)]
    for shape in codes.SHAPES:
        first, last = shape.years
        years = ("all" if not (first or last) else f"from {first}" if first and not last
                 else f"up to {last}" if last and not first else f"{first}-{last}")
        out.append(f"| `{shape.thing}` | {shape.system} | {shape.name} | `{shape.example}` | "
                   f"{years} | {shape.source} |\n")
    return "".join(out)


def render_layouts() -> str:
    """Every real export layout the generator writes (`pbk generate --shape`), with an example
    line: all of them load whole and give the same marts as the canonical files (tested)."""
    out = ["""
## Real export layouts

Besides the canonical layout (the contract's column names), these layouts of real exports load
whole; `pbk generate --shape omspan|sakti-mak|sipd-ri` writes the sample in them, and the marts
built from each equal the canonical ones figure for figure (`tests/ingest/test_export_shape_marts.py`).
Indicator, SAKIP and cost-standard files keep the canonical layout.
"""]
    for shape, layouts in LAYOUTS.items():
        out.append(f"\n### `--shape {shape}`\n")
        for (kind, system), layout in layouts.items():
            cells = ",".join(c if "," not in c else f'"{c}"' for c in layout.example_cells())
            out.append(f"\n**`{layout.file_name}`** ({kind}, {system}): {layout.description}\n\n"
                       f"```\n{','.join(layout.headers)}\n{cells}\n```\n")
    return "".join(out)


DQ_INTRO = """# Data quality

Great Expectations (GX Core 1.x) is the rule engine for extract batches and marts; dbt tests cover
what is relational inside the warehouse. This page is generated from the rule catalogue
(`base/rule_catalogue.py`: one row per rule, with its label, severity, message and source) by
`scripts/gen_docs.py`.

## How a batch is checked

1. **Parse** (`ingest/`): a row that cannot be read into the contract is quarantined (rules in
   [extracts.md](extracts.md)); a file missing a mandatory column, or matching no kind, is rejected.
2. **Row rules** (suite `extract_<kind>`): GX validates the distinct combinations of the columns
   each rule reads, each with its row count (a value fails wherever it occurs, so the verdict is the
   one the full rows would give, at a fraction of the cost); frames over {chunk:,} rows are validated
   in chunks and merged into one verdict per rule. Failing combinations are joined back to the
   batch's `_source_row`, so every quarantine entry names file, row, field, value provided and
   value expected.
3. **Batch rules** (suite `batch_<kind>`), on the rows that would load.
4. One transaction: accepted rows to `raw.<kind>`, quarantined rows to `ops.quarantine` (with the
   rule label and message), every rule's result to `ops.dq_results`. A `reject` failure stops the
   batch: nothing reaches `raw.*`, the file moves to `archive/rejected/`, and `ops.load_log` names
   the failed rules.

Severities: **reject** (the whole batch is refused), **quarantine** (failing rows go to
`ops.quarantine`; the rest loads), **warn** (recorded in `ops.dq_results`; everything loads).

Thresholds (`expectations/config.py`; each overridable by `PBK_DQ_<NAME>`, e.g.
`PBK_DQ_MAX_QUARANTINE_SHARE=0.02`):

| setting | default |
|---|---|
"""


def render_dq() -> str:
    from dataclasses import fields

    from expectations.config import DQConfig
    from expectations.rule_texts import rendered_rules

    cfg = DQConfig(max_fiscal_year=2099)  # the documented default is "next year"; see config.py
    out = [DQ_INTRO.replace("{chunk:,}", f"{cfg.chunk_rows:,}")]
    for f in fields(DQConfig):
        value = "next calendar year" if f.name == "max_fiscal_year" else getattr(cfg, f.name)
        out.append(f"| `{f.name}` | {value} |\n")
    out.append("\n## Row rules per extract kind\n")
    for kind in CONTRACTS:
        out.append(f"\n### `{kind}` (suite `extract_{kind}`)\n\n| rule | severity | column | "
                   "message | expected |\n|---|---|---|---|---|\n")
        for rule in rendered_rules("row", cfg, kind):
            expected = rule.expected.replace("2099", "next year")
            out.append(f"| `{rule.label}` | {rule.severity} | `{rule.column}` | {rule.message} | "
                       f"{expected} |\n")
    out.append("""
## Batch rules (suite `batch_<kind>`)

| rule | severity | applies to | what |
|---|---|---|---|
""")
    for rule in rendered_rules("batch", cfg):
        kinds = "every kind" if set(rule.applies_to) == set(CONTRACTS) else ", ".join(rule.applies_to)
        out.append(f"| `{rule.label}` | {rule.severity} | {kinds} | {rule.detail} |\n")
    out.append("""
## Mart rules (suites `mart_*`, after `dbt build`)

A failing **error** rule blocks publishing; **warn** is recorded.

| suite | rule | severity | column | message |
|---|---|---|---|---|
""")
    for rule in rendered_rules("mart", cfg):
        out.append(f"| `{rule.applies_to[0]}` | `{rule.label}` | {rule.severity} | `{rule.column}` "
                   f"| {rule.message} |\n")
    out.append("""
## Parse-stage rules

| rule | severity |
|---|---|
""")
    out += [f"| `{rule.label}` | {rule.severity} |\n" for rule in rendered_rules("parse", cfg)]
    out.append("""
## Rule catalogue: every rule once, with its source

`base/rule_catalogue.py` declares each rule once; the loader, the GX suites, the Dagster asset
checks and this page read it. Parse rules are decided in `ingest/`, row rules in
`expectations/rules.py`, batch rules in `expectations/batch_rules.py`, mart rules in
`expectations/marts.py`.

| rule | stage | severity | applies to | source |
|---|---|---|---|---|
""")
    for rule in CATALOGUE.values():
        applies = ("every kind" if set(rule.applies_to) == set(CONTRACTS)
                   else ", ".join(f"`{a}`" for a in rule.applies_to))
        out.append(f"| `{rule.label}` | {rule.stage} | {rule.severity} | {applies} | "
                   f"{rule.source or ''} |\n")
    out.append("""
## Where to look

- `pbk dq` (totals also in `pbk status`): each of the latest files with its rows and Rupiah read,
  loaded and quarantined, and every rule that quarantined, rejected or warned about it, with rows
  and Rupiah; a file refused before its rules ran names `unreadable_file`, `missing_column` or
  `unknown_kind`. `--json` for machines. The queries are `expectations/dq_report.py`.
- `$PBK_HOME/docs/dq/index.html`: the same, one row per file, linking to a page of the file's
  quarantined rows (`docs/dq/quarantine/<load_id>.html`) and to GX's result pages; then the totals
  per rule and the mart validations. Times in WIB.
- GX's own pages are under `$PBK_HOME/docs/dq/site/` (its `index.html` leads to the front page: GX's
  index table re-reads every result ever stored). They open offline: the links to CDNs and to the
  logo on S3 are removed and `expectations/gx/offline.css` styles them instead
  (`expectations/offline_pages.py`); each section is named after its rule (the frame's columns
  carry the rule's label); the data asset is the file and its load; a row rule's counts are rows of
  the batch (GX validates the distinct key combinations, so its own counts would be combinations).
- In the published copy: `audit.load_log`, `audit.quarantine`, `audit.dq_results` (DuckDB and
  Parquet), for auditors without the warehouse file.
- SQL: `ops.dq_results`, `ops.quarantine`, `ops.load_log`.

## The GX context, and what validation costs

- The committed configuration (`expectations/gx/great_expectations.yml`) declares the stores, the
  Data Docs site and the one pandas dataframe asset every suite validates. At run time it is copied
  to `$PBK_HOME/docs/dq/gx/`; a run never rewrites it.
- Suites are written as code. Each is stored with a validation definition the first time it runs,
  and again only when its expectations change (a fingerprint of them sits in the suite's meta).
  Validation definitions run directly: a checkpoint would add no actions.
- Results are stored with GX's `BASIC` format (counts and example values, shown in Data Docs);
  failing expectations are re-run with `COMPLETE` on their chunk to find the rows to quarantine.
- Data Docs are rendered incrementally after each run: the result pages that do not exist yet and
  the suites stored since their page was rendered, so a run's cost does not grow with history.
- `scripts/bench_ingest.py` measures what validation adds to ingest (suites, writing results, Data
  Docs, and in a fresh process the wait for GX's import, which the loader overlaps with staging the
  first file). The nightly Dagster run loads GX with the code location, before the run starts.
""")
    return "".join(out)


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    DQ_OUT.write_text(render_dq(), encoding="utf-8")
    print(f"wrote {OUT} and {DQ_OUT}")
