"""dbt's own freshness check of the raw extracts (`dbt source freshness`): each raw table's
newest `_ingested_at` against the warn/error windows of dbt_project/models/staging/_sources.yml
(budget and plans: warn after 45 days, error after 120; realization: 2 and 7). Run by the publish
asset after every nightly publish; `pbk status` shows the latest result (sources.json in the dbt
target)."""
from __future__ import annotations

import datetime as dt
import json

from base.dbt import DbtCommandFailed, invoke
from base.settings import Paths

RESULTS_FILE = "sources.json"


def check_freshness(p: Paths) -> list[dict]:
    """Run `dbt source freshness` (in the run's dbt target, reusing its parse) and return its
    results. A stale source makes dbt exit non-zero; that is a result, not a failure here."""
    try:
        invoke(p, ["source", "freshness"], target=p.dbt_target)
    except DbtCommandFailed:
        if not (p.dbt_target / RESULTS_FILE).exists():
            raise
    return latest_freshness(p)


def latest_freshness(p: Paths) -> list[dict]:
    """The latest `dbt source freshness` results: source, status (pass, warn, error, runtime
    error), newest load (UTC), age in hours, the windows; [] when it never ran."""
    try:
        doc = json.loads((p.dbt_target / RESULTS_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return []
    out = []
    for r in doc.get("results", []):
        criteria = r.get("criteria") or {}
        loaded = r.get("max_loaded_at")
        out.append({
            "source": r["unique_id"].removeprefix("source.pbk."),
            "status": r.get("status"),
            "max_loaded_at": dt.datetime.fromisoformat(loaded).astimezone(dt.timezone.utc)
            .replace(tzinfo=None) if loaded else None,
            "age_hours": round(r["max_loaded_at_time_ago_in_s"] / 3600, 1)
            if r.get("max_loaded_at_time_ago_in_s") is not None else None,
            "warn_after": _window(criteria.get("warn_after")),
            "error_after": _window(criteria.get("error_after")),
            "checked_at": doc.get("metadata", {}).get("generated_at"),
        })
    return sorted(out, key=lambda r: r["source"])


def _window(w: dict | None) -> str | None:
    return f"{w['count']} {w['period']}(s)" if w and w.get("count") else None
