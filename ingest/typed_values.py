"""Typed values: the SELECT over a stage that gives each contract column its typed value and the
rule it breaks (or NULL), with canonical codes and derived columns. See ingest/normalise.py (the
parse rules) and base/codes.py (the code shapes)."""
from __future__ import annotations

import functools
import re

from . import normalise as N
from .contracts import CONTRACTS, SQL_TYPES
from .header_mapping import Mapping
from .readers import Stage
from base import codes
from base.rule_catalogue import PARSE_QUARANTINE_MESSAGES
from base.sql import sql_literal


def stage_cell(i: int) -> str:
    """The stage column of the file's i-th header (ingest/readers.py stages c0, c1, ...)."""
    return f"c{i}"


def build_typed_select(con, stage: Stage, mapping: Mapping) -> tuple[str, list[str], dict]:
    """SELECT over the stage giving _source_row, the typed contract columns, one error column per
    contract column (`__e_<name>`: the rule broken, or NULL) and `_extra`.
    Returns (sql, error column names, messages: column -> {rule: reason})."""
    contract = CONTRACTS[mapping.kind]
    # One number style per column, decided on the whole column (DESIGN: not per cell)
    numeric = [c for c in contract.columns if c.type in ("amount", "number") and c.name in mapping.columns]
    styles = {}
    for c in numeric:
        id_only, en_only = con.execute(
            N.number_style_probe(stage_cell(mapping.columns[c.name]), stage.table)).fetchone()
        styles[c.name] = N.decide_number_style(id_only, en_only, c.type)
    builders = {"date": N.date_sql, "int": N.integer_sql, "month": N.month_sql}
    canonical = canonical_codes(mapping)
    values, errors, messages = {}, {}, {}
    for column in contract.columns:
        if column.name not in mapping.columns:
            continue
        cell = f"t{mapping.columns[column.name]}"
        if column.name in canonical:
            value, rule = f'"__c_{column.name}"', None
        elif column.type in ("amount", "number"):
            sql_type = "DECIMAL(38,2)" if column.type == "amount" else "DOUBLE"
            value, rule = N.number_sql(cell, styles[column.name], sql_type)
        elif column.type == "enum":
            value, rule = N.enum_sql(cell, column)
        elif column.type in builders:
            value, rule = builders[column.type](cell)
        else:
            value, rule = N.text_sql(cell)
        values[column.name] = value
        # a code is missing only when neither its cell nor the cells it is built from give it
        error = (N.error_sql(f'"{column.name}"', f'"{column.name}"', None, column.mandatory)
                 if column.name in canonical else
                 N.error_sql(cell, f'"{column.name}"', rule, column.mandatory))
        if error:
            errors[column.name] = error
        header = stage.headers[mapping.columns[column.name]]
        label = f"column {header!r}" + ("" if header == column.name else f" ({column.name})")
        expected = N.expected_text(column, styles.get(column.name))
        messages[column.name] = {r: f"{label}: {text}; expected {expected}"
                                 for r, text in PARSE_QUARANTINE_MESSAGES.items()}
    for name, (value, error, note) in derivations(mapping).items():
        values[name] = value  # evaluated after the parsed columns it is derived from (below)
        if error:
            errors[name] = error
        messages[name] = {"underivable_value": f"column {name} is absent from the file and cannot "
                                               f"be derived from this row ({note})"}
    derived = [n for n in mapping.derived if n in values]
    extra = ("json_object(" + ", ".join(f"{sql_literal(stage.headers[i])}, {stage_cell(i)}"
                                        for i in mapping.extra) + ")"
             if mapping.extra else "NULL::JSON")
    # Layers: trimmed cells -> canonical codes (two steps: parts, then codes built on them) ->
    # parsed values -> derived values -> errors (each looks at its value)
    positions = dict.fromkeys([*mapping.columns.values(), *mapping.parts.values()])
    cells = [f"{stage.row_sql} AS _source_row"]
    cells += [f"{N.trimmed(stage_cell(i))} AS t{i}" for i in positions]
    cells += [f"{extra} AS _extra"]
    code_cols = [f'"__c_{name}"' for name in sorted(canonical)]
    parsed = (["_source_row", "_extra"] + code_cols
              + [f"{values[n]} AS \"{n}\"" for n in values if n not in derived])
    with_derived = ["*"] + [f"{values[n]} AS \"{n}\"" for n in derived]
    cell_cols = [f"t{i}" for i in positions]
    # columns the file lacks are NULL, so every rule reads the same table shape
    absent = [f'NULL::{SQL_TYPES[c.type]} AS "{c.name}"' for c in contract.columns
              if c.name not in values]
    final = (["_source_row", "_extra"] + [f'"{n}"' for n in values] + absent
             + [f"{errors[n]} AS \"__e_{n}\"" for n in errors])
    source = f"(SELECT {', '.join(cells)} FROM {stage.table})"
    if canonical:
        # Canonical codes are computed once per distinct combination of the cells each reads (a
        # national file repeats a few thousand codes over millions of rows) and joined back.
        joins, picks = [], []
        for j, name in enumerate(sorted(canonical)):
            keys, lookup = canonical_lookup(mapping, stage.table, name)
            on = " AND ".join(f"r.{k} IS NOT DISTINCT FROM l{j}.{k}" for k in keys) or "true"
            joins.append(f"LEFT JOIN ({lookup}) AS l{j} ON {on}")
            picks.append(f'l{j}."__c_{name}"')
        source = f"(SELECT r.*, {', '.join(picks)} FROM {source} AS r {' '.join(joins)})"
    sql = (f"SELECT {', '.join(final)} FROM (SELECT {', '.join(with_derived)} FROM ("
           f"SELECT {', '.join(parsed + cell_cols)} FROM {source}))")
    return sql, list(errors), messages


def _mapped_cell(mapping: Mapping, name: str) -> str | None:
    if name in mapping.columns:
        return f"t{mapping.columns[name]}"
    if name in mapping.parts:
        return f"t{mapping.parts[name]}"
    return None


def canonical_steps(mapping: Mapping) -> list[dict[str, str]]:
    """The canonical code columns (`__c_<name>`) in dependency order: the pemda and kegiatan first,
    then the codes built on them (program, output, work unit, akun), then the institution derived
    from those. See base/codes.py."""
    contract = CONTRACTS[mapping.kind]
    names = set(contract.column_names)
    cell = functools.partial(_mapped_cell, mapping)
    mak, output_cell = cell("mak"), cell("output_code")
    # a SIPD sub-kegiatan stands for its program and kegiatan only when the file has no column
    # for them (an empty cell in such a column stays a missing value)
    sub_activity = output_cell if mapping.kind != "output_volume" else None
    program_sub = sub_activity if "program_code" not in mapping.columns else None
    activity_sub = sub_activity if "activity_code" not in mapping.columns else None
    first, second, third = {}, {}, {}
    if "instansi_code" in names and cell("instansi_code"):
        first["pemda"] = codes.pemda_sql(cell("instansi_code"))
    if "activity_code" in names and (cell("activity_code") or mak or activity_sub):
        first["activity_code"] = codes.activity_sql(cell("activity_code"), mak, activity_sub)
    pemda = '"__c_pemda"' if "pemda" in first else None
    activity = '"__c_activity_code"' if "activity_code" in first else None
    if "program_code" in names and (cell("program_code") or mak or program_sub):
        second["program_code"] = codes.program_sql(cell("program_code"), cell("instansi_code"),
                                                   cell("eselon1"), mak, program_sub)
    if "output_code" in names and (output_cell or mak):
        second["output_code"] = codes.output_sql(output_cell, activity or "NULL", cell("ro"), mak)
    if "account_code" in names and (cell("account_code") or mak):
        second["account_code"] = codes.account_sql(cell("account_code"), mak)
    if "work_unit_code" in names and cell("work_unit_code"):
        second["work_unit_code"] = codes.work_unit_sql(cell("work_unit_code"), pemda)
    if "instansi_code" in names and pemda:
        third["instansi_code"] = pemda      # as the file gives it (an empty cell stays missing)
    elif "instansi_code" in names:
        derived = codes.instansi_from_codes_sql(
            '"__c_program_code"' if "program_code" in second else None,
            '"__c_work_unit_code"' if "work_unit_code" in second else None)
        third["instansi_code"] = derived
    return [step for step in (first, second, third) if step]


CELL_REFERENCE = re.compile(r"\bt(\d+)\b")
CODE_REFERENCE = re.compile(r'"__c_(\w+)"')


def canonical_lookup(mapping: Mapping, stage_table: str, name: str) -> tuple[list[str], str]:
    """(key cells, SQL) of the table giving `__c_<name>` for each distinct combination of the
    trimmed cells its canonical code is built from (through the codes it is built on)."""
    steps = canonical_steps(mapping)
    exprs = {n: sql for step in steps for n, sql in step.items()}
    needed, todo = set(), [name]
    while todo:
        n = todo.pop()
        if n not in needed:
            needed.add(n)
            todo += CODE_REFERENCE.findall(exprs[n])
    keys = sorted({f"t{i}" for n in needed for i in CELL_REFERENCE.findall(exprs[n])},
                  key=lambda k: int(k[1:]))
    positions = [int(k[1:]) for k in keys]
    sql = (f"SELECT DISTINCT {', '.join(f'{N.trimmed(stage_cell(i))} AS t{i}' for i in positions)} "
           f"FROM {stage_table}") if keys else "SELECT 1 AS __one"
    for step in steps:
        layer = [f'{sql_} AS "__c_{n}"' for n, sql_ in step.items() if n in needed]
        if layer:
            sql = f"SELECT *, {', '.join(layer)} FROM ({sql})"
    return keys, sql


def canonical_codes(mapping: Mapping) -> set[str]:
    """Contract columns whose value is their canonical code column."""
    return {name for step in canonical_steps(mapping) for name in step if name != "pemda"}


def derivation_note(name: str, mapping: Mapping) -> str:
    if name == "instansi_code":
        return "instansi_code derived (the BA of the program, or the pemda of the SKPD)"
    source = "the MAK" if "mak" in mapping.parts else "the sub-kegiatan (its leading segments)"
    return f"{name} derived from {source}"


def derivations(mapping: Mapping) -> dict[str, tuple[str, str | None, str]]:
    """Columns an export lacks that can be derived safely: name -> (value, error, note).
    The note goes into the load log."""
    out = {}
    canonical = canonical_codes(mapping)
    for name in mapping.derived:
        underivable = f"CASE WHEN \"{name}\" IS NULL THEN 'underivable_value' END"
        if name == "fiscal_year":  # realization: the year of the SP2D date
            # an empty or bad transaction_date already quarantines the row
            out[name] = ('year("transaction_date")', None,
                         "fiscal_year derived from transaction_date")
        elif name == "gov_level":  # central akun is 6 digits, SIPD kode rekening dotted
            value = (f"CASE WHEN regexp_matches(\"__c_account_code\", '{codes.REGIONAL_ACCOUNT.pattern}') "
                     f"OR regexp_matches(\"__c_work_unit_code\", '{codes.REGIONAL_WORK_UNIT.pattern}') "
                     f"THEN 'daerah' WHEN regexp_matches(\"__c_account_code\", "
                     f"'{codes.CENTRAL_ACCOUNT.pattern}') THEN 'pusat' END")
            out[name] = (value, underivable,
                         "gov_level derived from the code shapes (SIPD kode rekening or SKPD = daerah)")
        elif name == "revision_no":  # a listing without a revision column is the DIPA as it stands
            out[name] = ("0", None, "revision_no absent: lines read as revision 0")
        elif name in canonical:
            mandatory = CONTRACTS[mapping.kind].column(name).mandatory
            out[name] = (f'"__c_{name}"', underivable if mandatory else None,
                         derivation_note(name, mapping))
    return out
