"""The dbt documentation site of the warehouse ($PBK_HOME/docs/dbt/: index.html, manifest.json,
catalog.json), refreshed after every publish; `dbt docs generate --static` works offline.

The site shows the dbt project (models, descriptions, compiled SQL, lineage graph) and each
relation's columns and types (dbt-duckdb's catalog has no row counts or other statistics), so it
is generated again only when one of those changed: the nightly run that only adds rows keeps the
site of the run before (at SF 1 `dbt docs generate` takes ~10 s)."""
from __future__ import annotations

import hashlib
from pathlib import Path

from base.dbt import invoke, project_fingerprint
from base.settings import Paths

SITE_FILES = ("index.html", "static_index.html", "manifest.json", "catalog.json")
STAMP = "pbk_docs_signature.txt"   # beside the site: what it was generated from


def docs_signature(p: Paths) -> str:
    """sha256 of what the site shows: the dbt project files and dbt's version, and every column
    (schema, relation, name, type, position) of the warehouse."""
    from importlib.metadata import version

    from ingest.raw_tables import connect

    con = connect(p, read_only=False)
    try:
        columns = con.execute(
            "SELECT table_schema, table_name, column_name, data_type, ordinal_position "
            "FROM information_schema.columns WHERE table_catalog = current_database() "
            "ORDER BY ALL").fetchall()
    finally:
        con.close()
    digest = hashlib.sha256("\0".join([project_fingerprint(), version("dbt-core"),
                                       version("dbt-duckdb")]).encode())
    for row in columns:
        digest.update(repr(row).encode())
    return digest.hexdigest()


def generate_docs(p: Paths, force: bool = False) -> Path:
    """Write the site (unless it already shows this project and these columns) and return its
    directory. Raises base.dbt.DbtCommandFailed."""
    from ingest.raw_tables import ensure_raw_tables

    ensure_raw_tables(p)
    p.dbt_docs.mkdir(parents=True, exist_ok=True)
    stamp = p.dbt_docs / STAMP
    signature = docs_signature(p)
    current = (stamp.exists() and stamp.read_text().strip() == signature
               and all((p.dbt_docs / f).exists() for f in SITE_FILES))
    if force or not current:
        stamp.unlink(missing_ok=True)   # a failed generate leaves no stamp: the next one retries
        invoke(p, ["docs", "generate", "--static"], target=p.dbt_docs)
        stamp.write_text(signature)
    return p.dbt_docs
