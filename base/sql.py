"""Quoting for the SQL the project writes itself (DuckDB dialect)."""


def sql_literal(value) -> str:
    """A string literal: 'it''s'."""
    return "'" + str(value).replace("'", "''") + "'"


def quote_ident(name) -> str:
    """An identifier: "a ""b"" c"."""
    return '"' + str(name).replace('"', '""') + '"'
