"""`pbk rebuild`: the warehouse rebuilt from nothing but the archive: every file that was loaded is
in archive/<load_id>/ beside its manifest (load.json: name, sha256, kind, sheet, load id, when).
The files are verified against their sha256, loaded again in their original order under their
original load ids (so lineage and `pbk trace` keep pointing at the same loads), then the nightly
job builds and publishes the marts. A damaged warehouse file is kept aside, never deleted."""
from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from base.files import sha256_file
from ingest.archive import MANIFEST
from ingest.loader import Loader
from base.settings import Paths


class RebuildError(RuntimeError):
    pass


def archived_loads(p: Paths) -> list[dict]:
    """The manifests of every loaded file, in the order they were first loaded."""
    docs = []
    for manifest in p.archive.glob(f"*/{MANIFEST}"):
        doc = json.loads(manifest.read_text())
        doc["archived_file"] = str(manifest.parent / doc["source_file"])
        docs.append(doc)
    return sorted(docs, key=lambda d: (d["started_at"], d["load_id"]))


def rebuild(p: Paths, then_run: bool = True) -> dict:
    loads = archived_loads(p)
    for doc in loads:   # nothing is touched unless every archived file is intact
        path = Path(doc["archived_file"])
        if not path.exists():
            raise RebuildError(f"archived file missing: {path} (load {doc['load_id']})")
        if sha256_file(path) != doc["sha256"]:
            raise RebuildError(f"archived file altered: {path} does not match the sha256 of load "
                               f"{doc['load_id']}; restore it from a backup of the archive")
    kept_aside = None
    if p.warehouse.exists():
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        kept_aside = p.home / f"warehouse.before-rebuild-{stamp}.duckdb"
        os.replace(p.warehouse, kept_aside)
        wal = Path(str(p.warehouse) + ".wal")
        if wal.exists():
            os.replace(wal, Path(str(kept_aside) + ".wal"))
    reloaded, differences = [], []
    with Loader(p) as loader:
        for doc in loads:
            r = loader.load_file(Path(doc["archived_file"]), kind=doc.get("kind_option"),
                                 sheet=doc.get("sheet"), archive_as=doc["source_file"],
                                 load_id=doc["load_id"])
            reloaded.append(r)
            got = (r.status, r.rows_loaded, r.rows_quarantined)
            want = ("loaded", doc["rows_loaded"], doc["rows_quarantined"])
            if got != want:
                differences.append(f"{doc['source_file']} ({doc['load_id']}): now {got}, "
                                   f"first loaded as {want} (rules changed since?)")
        loader.build_docs()
    doc = {"files": len(loads), "rows_loaded": sum(r.rows_loaded for r in reloaded),
           "differences": differences, "kept_aside": str(kept_aside) if kept_aside else None}
    if then_run:   # build the warehouse from the reloaded raw tables (the Dagster job)
        from orchestration.run import run_all

        outcome = run_all(p.home)
        doc.update(run_id=outcome.run_id, success=outcome.success, errors=outcome.errors)
    return doc
