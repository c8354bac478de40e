"""The dbt documentation site of the warehouse ($PBK_HOME/docs/dbt/: index.html, manifest.json,
catalog.json), refreshed after every publish; `dbt docs generate --static` works offline."""
from __future__ import annotations

from pathlib import Path

from base.dbt import invoke
from base.settings import Paths


def generate_docs(p: Paths) -> Path:
    """Write the site and return its directory. Raises base.dbt.DbtCommandFailed."""
    from ingest.raw_tables import ensure_raw_tables

    ensure_raw_tables(p)
    p.dbt_docs.mkdir(parents=True, exist_ok=True)
    invoke(p, ["docs", "generate", "--static"], target=p.dbt_docs)
    return p.dbt_docs
