"""SQL expressions that turn the text cells of an extract into typed values, and the rule each
failure breaks. Everything runs inside DuckDB so a national file is never held in Python.

Each builder takes the SQL text of a VARCHAR cell and returns (value_sql, error_sql): error_sql is
NULL when the cell is fine (or empty), else the label of the rule it breaks. The parse rules'
severities and messages are in the rule catalogue (base/rule_catalogue.py).
"""
from __future__ import annotations

import re

from .contracts import INDONESIAN_MONTHS, Column
from base.sql import sql_literal as sql_str

MONTH_NUMBERS: dict[str, int] = {}
for _i, _name in enumerate(INDONESIAN_MONTHS, start=1):
    MONTH_NUMBERS[_name] = _i
    MONTH_NUMBERS[_name[:3]] = _i
# common spellings in exports: Agt/Ags for Agustus, Nop/Nopember, English names for the odd file
MONTH_NUMBERS.update({"agt": 8, "ags": 8, "nop": 11, "nopember": 11, "pebruari": 2, "peb": 2,
                      "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7,
                      "august": 8, "october": 10, "oct": 10, "december": 12, "dec": 12,
                      "aug": 8})

# Synonyms seen in indicator and LKE exports, mapped to the contract vocabulary
ENUM_SYNONYMS = {
    "polarity": {"maksimal": "max", "maximize": "max", "positif": "max", "minimal": "min",
                 "minimize": "min", "negatif": "min", "rentang": "range", "stabilize": "range"},
    "level": {"ss": "sasaran_strategis", "sasaranstrategis": "sasaran_strategis"},
    "gov_level": {"pemerintahpusat": "pusat", "central": "pusat", "pemda": "daerah",
                  "pemerintahdaerah": "daerah", "regional": "daerah"},
}

# Number styles: Indonesian (1.234.567,89) and plain/English (1234567.89, 1,234,567.89)
ID_STYLE = r"^\d{1,3}(\.\d{3})+(,\d+)?$|^\d+(,\d+)?$"
EN_STYLE = r"^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+(\.\d+)?([eE][+-]?\d+)?$"


def trimmed(cell: str) -> str:
    """The cell without surrounding spaces, NULL when empty. Trimming allocates, so it is done only
    for the few cells that need it (machine exports rarely pad)."""
    return (f"CASE WHEN {cell} LIKE ' %' OR {cell} LIKE '% ' THEN nullif(trim({cell}), '') "
            f"ELSE nullif({cell}, '') END")


def blank(cell: str) -> str:
    """Builders below receive trimmed cells: empty is NULL."""
    return f"({cell} IS NULL)"


def number_body(cell: str) -> str:
    """Digits and separators only: strips spaces (incl. NBSP), 'Rp', signs and parentheses."""
    return (f"regexp_replace(regexp_replace(trim(replace({cell}, chr(160), ' ')), "
            r"'^[\s(+-]*(?:[Rr][Pp]\.?)?[\s(+-]*', ''), '[\s)-]+$', '')")


def number_is_negative(cell: str) -> str:
    # (1.234,00) and -1.234 and 1.234- are negative; so is Rp -1.234
    return (f"(regexp_matches(trim({cell}), '^\\s*\\(.*\\)\\s*$') OR "
            f"regexp_matches(trim({cell}), '^[\\s(]*(?:[Rr][Pp]\\.?)?\\s*-') OR "
            f"regexp_matches(trim({cell}), '-\\s*\\)?\\s*$'))")


def bare_integer(cell: str) -> str:
    """Digits only (DuckDB's own casts are lenient: '1.500' -> 2, '1_000' -> 1000, '1e5')."""
    return f"coalesce(regexp_full_match({cell}, '-?[0-9]{{1,18}}'), false)"


def number_style_probe(cell: str, table: str) -> str:
    """Counts the cells only one style can read, to decide the column's style. Bare integers read
    the same in both styles and are filtered out first, so the regexes see few cells."""
    body = number_body(cell)
    id_m = f"regexp_matches({body}, '{ID_STYLE}')"
    en_m = f"regexp_matches({body}, '{EN_STYLE}')"
    return (f"SELECT count(*) FILTER (WHERE {id_m} AND NOT {en_m}), "
            f"count(*) FILTER (WHERE {en_m} AND NOT {id_m}) "
            f"FROM {table} WHERE NOT {bare_integer(cell)}")


def decide_number_style(id_only: int, en_only: int, column_type: str) -> str:
    """The whole column uses one style. Unambiguous cells vote; with no vote, Rupiah amounts read
    '1.234' as Indonesian thousands and measured numbers (volumes, indicator values) as a decimal."""
    if id_only > en_only:
        return "id"
    if en_only > id_only:
        return "en"
    return "id" if column_type == "amount" else "en"


# Scientific notation as Excel shows big numbers (1.2E+10; 1,2E+10 on an Indonesian Windows)
SCIENTIFIC = r"^\d+([.,]\d*)?[eE][+-]?\d+$"
AMOUNT_DIGITS = 36   # DECIMAL(38,2): 36 digits before the decimal point


def number_sql(cell: str, style: str, sql_type: str) -> tuple[str, str]:
    """(value, rule) of a number cell in the column's style. Amounts (DECIMAL) are exact: a value
    in scientific notation is read only when its mantissa holds every digit (1.23456E+5, not
    1.2E+10), and a value too large for DECIMAL(38,2) is its own rule, not a crash."""
    body = number_body(cell)
    if style == "id":
        pattern, plain = ID_STYLE, f"replace(replace({body}, '.', ''), ',', '.')"
    else:
        pattern, plain = EN_STYLE, f"replace({body}, ',', '')"
    sign = f"(CASE WHEN {number_is_negative(cell)} THEN -1 ELSE 1 END)"
    exact_decimal = sql_type.startswith("DECIMAL")
    scientific = ""
    if exact_decimal:
        # mantissa digits after the decimal mark >= the exponent: no digit was rounded away
        frac = f"length(regexp_extract({body}, '^\\d+(?:[.,](\\d*))?[eE]', 1))"
        exponent = f"TRY_CAST(regexp_extract({body}, '[eE]([+-]?\\d+)$', 1) AS INTEGER)"
        scientific = (f"WHEN regexp_matches({body}, '{SCIENTIFIC}') THEN (CASE WHEN {exponent} <= "
                      f"{frac} THEN {sign} * TRY_CAST(replace({body}, ',', '.') AS {sql_type}) END) ")
    # Fast path: a bare integer (most cells of a machine export) reads the same in both styles.
    value = (f"CASE WHEN {bare_integer(cell)} THEN TRY_CAST({cell} AS BIGINT)::{sql_type} "
             f"{scientific}"
             f"WHEN regexp_matches({body}, '{pattern}') THEN "
             f"{sign} * TRY_CAST({plain} AS {sql_type}) END")
    if not exact_decimal:
        return value, "unparseable_number"
    rule = (f"CASE WHEN regexp_matches({body}, '{SCIENTIFIC}') THEN 'amount_scientific_notation' "
            f"WHEN regexp_matches({body}, '{pattern}') AND length(regexp_replace(split_part("
            f"{plain}, '.', 1), '[^0-9]', '', 'g')) > {AMOUNT_DIGITS} THEN 'amount_too_large' "
            f"ELSE 'unparseable_number' END")
    return value, rule


def month_name_case(expr: str) -> str:
    whens = " ".join(f"WHEN {sql_str(k)} THEN {v}" for k, v in sorted(MONTH_NUMBERS.items()))
    return f"(CASE lower({expr}) {whens} END)"


def date_sql(cell: str) -> tuple[str, str]:
    c = f"trim({cell})"
    named = (f"make_date(TRY_CAST(regexp_extract({c}, '(\\d{{4}})$', 1) AS INTEGER), "
             f"{month_name_case(f'regexp_extract({c}, ' + sql_str('^[0-9]{1,2}[ ]+([A-Za-z]+)') + ', 1)')}, "
             f"TRY_CAST(regexp_extract({c}, '^(\\d{{1,2}})', 1) AS INTEGER))")
    # Fast path: ISO dates cast directly; the other accepted shapes go through patterns.
    value = (f"coalesce(TRY_CAST({cell} AS DATE), CASE "
             f"WHEN regexp_matches({c}, '^\\d{{4}}-\\d{{1,2}}-\\d{{1,2}}([ T].*)?$') THEN "
             f"TRY_CAST(try_strptime(regexp_extract({c}, '^\\d{{4}}-\\d{{1,2}}-\\d{{1,2}}'), '%Y-%m-%d') AS DATE) "
             f"WHEN regexp_matches({c}, '^\\d{{1,2}}[/.-]\\d{{1,2}}[/.-]\\d{{4}}$') THEN "
             f"TRY_CAST(try_strptime(regexp_replace({c}, '[.-]', '/', 'g'), '%d/%m/%Y') AS DATE) "
             f"WHEN regexp_matches({c}, '^\\d{{1,2}}\\s+[A-Za-z]+\\s+\\d{{4}}$') THEN "
             f"try({named}) END)")
    return value, "unparseable_date"


def integer_sql(cell: str) -> tuple[str, str]:
    # Excel hands whole numbers over as 2025.0: accept a zero fraction, nothing else
    value = (f"CASE WHEN regexp_full_match({cell}, '-?[0-9]{{1,9}}(\\.0+)?') "
             f"THEN TRY_CAST(split_part({cell}, '.', 1) AS INTEGER) END")
    return value, "unparseable_integer"


def month_sql(cell: str) -> tuple[str, str]:
    numeric = f"TRY_CAST(split_part({cell}, '.', 1) AS INTEGER)"
    value = (f"CASE WHEN regexp_full_match({cell}, '[0-9]{{1,2}}(\\.0+)?') THEN "
             f"(CASE WHEN {numeric} BETWEEN 1 AND 12 THEN {numeric} END) "
             f"ELSE {month_name_case(cell)} END")
    return value, "invalid_month"


def enum_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def enum_sql(cell: str, column: Column) -> tuple[str, str]:
    mapping = {enum_key(v): v for v in column.vocabulary}
    for synonym, canonical in ENUM_SYNONYMS.get(column.name, {}).items():
        mapping.setdefault(enum_key(synonym), canonical)
    key = f"regexp_replace(lower(trim({cell})), '[^a-z0-9]', '', 'g')"
    whens = " ".join(f"WHEN {sql_str(k)} THEN {sql_str(v)}" for k, v in sorted(mapping.items()))
    # exact vocabulary spelling skips the normalising regex
    exact = ", ".join(sql_str(v) for v in column.vocabulary)
    value = f"CASE WHEN {cell} IN ({exact}) THEN {cell} ELSE (CASE {key} {whens} END) END"
    return value, "invalid_value"


def text_sql(cell: str) -> tuple[str, None]:
    return cell, None


def error_sql(cell: str, value_column: str, rule: str | None, mandatory: bool) -> str | None:
    """The rule a cell breaks: empty mandatory cell, or a non-empty cell that did not parse.
    None when the cell cannot break any (optional free text)."""
    if not mandatory and not rule:
        return None
    missing = "'missing_mandatory'" if mandatory else "NULL"
    # rule: a rule name, or SQL choosing among rules (amounts: scientific notation, too large)
    rule_sql = rule if rule and rule.startswith("CASE ") else f"'{rule}'"
    parse = f"WHEN {value_column} IS NULL THEN {rule_sql} " if rule else ""
    return f"CASE WHEN {blank(cell)} THEN {missing} {parse}END"


def expected_text(column: Column, style: str | None = None) -> str:
    """What a valid value looks like, for error messages."""
    if column.type in ("amount", "number"):
        return ("a number like 1.234.567,89 (Indonesian style, as the rest of this column)"
                if style == "id" else "a number like 1234567.89 (as the rest of this column)")
    if column.type == "date":
        return "a date: yyyy-mm-dd, dd/mm/yyyy or '31 Desember 2024'"
    if column.type == "int":
        return "a whole number"
    if column.type == "month":
        return "a month 1-12 or Januari..Desember"
    if column.type == "enum":
        return "one of " + ", ".join(column.vocabulary)
    return "a non-empty value"
