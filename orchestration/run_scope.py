"""What a `pbk run` or the nightly schedule rebuilds: the part of the graph new data can change, else the whole graph.

A kind of extract has work to do when a file of that kind waits in landing, or when its ingest
asset materialized after the last publish (a load whose build, checks or publish did not finish).
The run then builds, for each such kind, its ingest asset and everything downstream of it, with
their checks: the selection the landing sensor starts for one file (definitions.downstream_by_kind).
A night that brings SP2D lines rebuilds the realization side and the marts, not the budget side
and the dimensions only budget feeds.

The whole graph is built instead when the narrower build could miss something:
* no whole-graph build has succeeded yet with the dbt project as it is now (a model, macro, test
  or rule seed changed: any table may change; base.dbt.project_fingerprint);
* nothing was ever published from this home;
* a file in landing whose kind cannot be told from its headers (the loader rejects it, with the
  reason, in the whole graph's ingest);
* no kind has work to do (`pbk run` on an empty landing is a request to rebuild);
* `--full-refresh`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dagster import AssetKey

from base.dbt import project_fingerprint
from base.settings import Paths
from ingest.contracts import KINDS

from .ingest_assets import ingest_key
from .landing import scan_landing
from .serving import PUBLISHED_KEY


@dataclass
class RunScope:
    kinds: list[str] | None       # None: the whole graph
    reason: str

    @property
    def whole_graph(self) -> bool:
        return self.kinds is None

    def describe(self) -> str:
        if self.kinds is None:
            return f"the whole graph ({self.reason})"
        return f"{', '.join(self.kinds)} and what depends on it ({self.reason})"

    def asset_keys(self, downstream: Mapping[str, Sequence[AssetKey]]) -> list[AssetKey] | None:
        if self.kinds is None:
            return None
        return sorted({key for kind in self.kinds for key in downstream[kind]}, key=lambda k: k.path)


def whole_build_stamp(p: Paths):
    """Where the dbt project fingerprint of the last successful whole-graph build is kept."""
    return p.dbt_target.parent / "whole_build_fingerprint.txt"


def record_whole_build(p: Paths, fingerprint: str) -> None:
    """After a dbt build of every model that succeeded (the dbt asset records it, whoever started
    the run: `pbk run`, the schedule, the UI): later runs may build only what new data changes."""
    stamp = whole_build_stamp(p)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    tmp = stamp.with_name(stamp.name + ".tmp")
    tmp.write_text(fingerprint + "\n")
    tmp.replace(stamp)


def run_scope(p: Paths, instance, full_refresh: bool = False) -> RunScope:
    fingerprint = project_fingerprint()

    def whole(reason: str) -> RunScope:
        return RunScope(None, reason)

    if full_refresh:
        return whole("--full-refresh")
    stamp = whole_build_stamp(p)
    if not stamp.exists() or stamp.read_text().strip() != fingerprint:
        return whole("the dbt project changed since the last whole build, or there was none")
    published = instance.get_latest_materialization_event(PUBLISHED_KEY)
    if published is None:
        return whole("nothing published yet")
    files = scan_landing(p, wait=False)
    unknown = [f.name for f in files if f.kind is None]
    if unknown:
        return whole(f"the kind of {unknown[0]} cannot be told from its headers")
    kinds = {f.kind for f in files}
    waiting = set(kinds)
    for kind in KINDS:
        loaded = instance.get_latest_materialization_event(ingest_key(kind))
        if loaded is not None and loaded.timestamp > published.timestamp:
            kinds.add(kind)   # loaded after the last publish: its build did not finish
    if not kinds:
        return whole("no new file in landing")
    ordered = [k for k in KINDS if k in kinds]
    why = []
    if waiting:
        why.append("new file(s) in landing: " + ", ".join(k for k in KINDS if k in waiting))
    if kinds - waiting:
        why.append("loaded but not published since: "
                   + ", ".join(k for k in KINDS if k in kinds - waiting))
    return RunScope(ordered, "; ".join(why))
