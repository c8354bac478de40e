"""Publishing for BI tools: a read-only DuckDB copy (storage readable by DuckDB 1.x) and Parquet
files of core and marts, swapped in atomically; readers in other processes keep working during a
nightly run and its publish; a failed blocking check leaves the previous version byte-identical.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import struct
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[2]

from serving.publish import PublishError, publish
from serving.publish_gate import BlockingFailure
from serving.published_versions import DB_NAME, current_manifest, current_version_dir
from tests.support.pristine import copy_home

STATE_SQL = ("SELECT (SELECT CAST(sum(realized_cumulative) AS VARCHAR) FROM marts.mart_absorption), "
             "(SELECT count(*) FROM core.fact_realization), "
             "(SELECT count(*) FROM marts.mart_absorption)")


@pytest.fixture()
def home(pristine, tmp_path):
    return copy_home(pristine["home"], tmp_path / "pbk")


def _tree_digest(root: Path) -> dict[str, str]:
    """Every file (sha256) and symlink (target) under root."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_symlink():
            out[rel] = "-> " + os.readlink(path)
        elif path.is_file() and path.name != ".publish.lock":
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


# --------------------------------------------------------------------------------------------
# what is published


def test_published_copy_holds_core_and_marts_exactly(pristine):
    home = pristine["home"]
    published_by_run = pristine["outcome"].published    # the published asset's metadata
    root = home / "published"
    assert current_version_dir(home) == root / "versions" / published_by_run["version"]
    assert os.readlink(root / "current") == f"versions/{published_by_run['version']}"
    assert os.readlink(root / DB_NAME) == f"current/{DB_NAME}"
    assert os.readlink(root / "parquet") == "current/parquet"
    con = duckdb.connect()
    con.execute(f"ATTACH '{home / 'warehouse.duckdb'}' AS wh (READ_ONLY)")
    con.execute(f"ATTACH '{root / DB_NAME}' AS pub (READ_ONLY)")
    tables = con.execute("SELECT table_schema || '.' || table_name FROM information_schema.tables "
                         "WHERE table_catalog = 'wh' AND table_schema IN ('core', 'marts', "
                         "'audit') ORDER BY 1").fetchall()
    published = con.execute("SELECT table_schema || '.' || table_name FROM information_schema.tables "
                            "WHERE table_catalog = 'pub' ORDER BY 1").fetchall()
    assert tables == published and len(tables) > 20
    assert {s for (t,) in published for s in [t.split(".")[0]]} == {"core", "marts", "audit"}
    for (name,) in tables:
        diff = con.execute(f"SELECT count(*) FROM ((SELECT * FROM wh.{name} EXCEPT ALL "
                           f"SELECT * FROM pub.{name}) UNION ALL (SELECT * FROM pub.{name} "
                           f"EXCEPT ALL SELECT * FROM wh.{name}))").fetchone()[0]
        assert diff == 0, name
        rows = con.execute(f"SELECT count(*) FROM pub.{name}").fetchone()[0]
        assert published_by_run["tables"][name] == rows
        pq = root / "parquet" / name.split(".")[0] / f"{name.split('.')[1]}.parquet"
        assert con.execute(f"SELECT count(*) FROM read_parquet('{pq}')").fetchone()[0] == rows
    diff = con.execute(
        f"SELECT count(*) FROM (SELECT * FROM wh.marts.mart_absorption EXCEPT ALL "
        f"SELECT * FROM read_parquet('{root / 'parquet/marts/mart_absorption.parquet'}'))").fetchone()[0]
    assert diff == 0
    # pbk.duckdb holds one view per table, over this version's own Parquet file
    views = dict(con.execute("SELECT schema_name || '.' || view_name, sql FROM duckdb_views() "
                             "WHERE database_name = 'pub'").fetchall())
    assert sorted(views) == [t for (t,) in tables]
    version_dir = root / "versions" / published_by_run["version"]
    for name, sql in views.items():
        schema, table = name.split(".")
        assert f"read_parquet('{version_dir}/parquet/{schema}/{table}.parquet')" in sql, name
    # the dbt descriptions travel with the tables (BI tools show them)
    comment = con.execute("SELECT comment FROM duckdb_views() WHERE database_name = 'pub' "
                          "AND view_name = 'mart_absorption'").fetchone()[0]
    assert comment and "absorption" in comment.lower()
    column_comment = con.execute(
        "SELECT comment FROM duckdb_columns() WHERE database_name = 'pub' "
        "AND table_name = 'mart_absorption' AND column_name = 'absorption_pct'").fetchone()[0]
    dbt_manifest = json.loads((home / "dbt" / "target" / "manifest.json").read_text())
    described = next(n for n in dbt_manifest["nodes"].values() if n["name"] == "mart_absorption")
    assert column_comment == described["columns"]["absorption_pct"]["description"].strip() != ""
    con.close()
    manifest = current_manifest(home)
    assert manifest["database"]["holds"] == "views"
    assert manifest["version"] == published_by_run["version"]
    assert manifest["run_id"] == pristine["outcome"].run_id
    assert manifest["database"]["sha256"] == hashlib.sha256(
        (root / DB_NAME).read_bytes()).hexdigest()


def test_published_files_are_read_only_and_storage_is_duckdb_1x(pristine):
    root = pristine["home"] / "published"
    db = root / DB_NAME
    files = [db, root / "manifest.json", *(root / "parquet").rglob("*.parquet")]
    assert all((f.stat().st_mode & 0o222) == 0 for f in files)   # r--r--r--
    header = db.read_bytes()[:20]
    assert header[8:12] == b"DUCK"
    # storage version 64 = what STORAGE_VERSION 'v1.0.0' writes; DuckDB 1.0 .. 2.0 open it
    assert struct.unpack("<Q", header[12:20])[0] == 64


@pytest.mark.skipif(not os.environ.get("PBK_TEST_DUCKDB1"),
                    reason="set PBK_TEST_DUCKDB1 to a folder holding a DuckDB 1.x package "
                           "(pip install --target DIR duckdb==1.1.3)")
def test_duckdb_1x_opens_the_published_copy(pristine):
    code = textwrap.dedent(f"""
        import duckdb
        con = duckdb.connect({str(pristine['home'] / 'published' / DB_NAME)!r}, read_only=True)
        rows = con.execute("SELECT count(*) FROM marts.mart_absorption").fetchone()[0]
        print(duckdb.__version__, rows)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": os.environ["PBK_TEST_DUCKDB1"]}, timeout=120)
    assert out.returncode == 0, out.stderr
    version, rows = out.stdout.split()
    assert version.startswith("1.") and int(rows) == pristine["outcome"].published["tables"]["marts.mart_absorption"]


# --------------------------------------------------------------------------------------------
# blocking checks


def test_failed_blocking_check_leaves_the_previous_version_byte_identical(home):
    from expectations.engine import DQContext
    from expectations.marts import validate_marts

    before = _tree_digest(home / "published")
    version = current_version_dir(home).name
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    changed = con.execute("UPDATE marts.mart_sakip_score SET grade = CASE WHEN grade = 'AA' "
                          "THEN 'D' ELSE 'AA' END WHERE complete").fetchone()[0]
    con.close()
    assert changed > 0
    run_id = "run-after-a-faulty-model"
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    try:   # the real GX mart suites, as the job's asset checks run them
        checks = [r for _, r in validate_marts(con, DQContext(home / "docs"), run_id)]
    finally:
        con.close()
    failing = [c for c in checks if c.severity == "error" and not c.success]
    assert any(c.label == "mart_sakip_score.grade_matches_band" for c in failing)

    result = publish(home)
    assert not result.published and result.run_id == run_id
    assert "mart_sakip_score.grade_matches_band" in {b.rule for b in result.blocked_by}
    assert "blocking" in result.reason
    assert _tree_digest(home / "published") == before
    assert current_version_dir(home).name == version
    assert not list((home / "published" / "versions").glob(".tmp-*"))
    # the readers' copy still has the good grades
    pub = duckdb.connect(str(home / "published" / DB_NAME), read_only=True)
    assert pub.execute("SELECT count(*) FROM marts.mart_sakip_score WHERE grade = 'AA' "
                       "AND total_score <= 90").fetchone()[0] == 0
    pub.close()


def test_failures_passed_by_the_caller_block_too(home):
    before = _tree_digest(home / "published")
    result = publish(home, blocking_failures=[BlockingFailure("mart_absorption", "x", 3, "m")])
    assert not result.published and result.blocked_by[0].rule == "x"
    assert _tree_digest(home / "published") == before


def test_marts_rebuilt_after_the_checks_are_not_published(home):
    before = _tree_digest(home / "published")
    target = home / "dbt" / "target" / "run_results.json"
    doc = json.loads(target.read_text())
    doc["metadata"]["generated_at"] = "2999-01-01T00:00:00Z"
    target.write_text(json.dumps(doc))
    result = publish(home)
    assert not result.published and "run the checks first" in result.reason
    assert _tree_digest(home / "published") == before


def test_no_check_run_no_publish(tmp_path):
    home = tmp_path / "pbk"
    home.mkdir()
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    con.execute("CREATE SCHEMA marts; CREATE TABLE marts.m AS SELECT 1 AS x")
    con.close()
    result = publish(home)
    assert not result.published and "no mart check run" in result.reason
    assert not (home / "published" / DB_NAME).exists()


# --------------------------------------------------------------------------------------------
# versions


def test_old_versions_are_pruned_and_an_open_reader_keeps_working_while_kept(home):
    assert publish(home, keep=2).published     # a version of this home (its views name its files)
    first = current_version_dir(home)
    reader = duckdb.connect(str(home / "published" / DB_NAME), read_only=True)
    expected = reader.execute(STATE_SQL).fetchone()
    r = publish(home, keep=2)
    assert r.published and first.exists()
    assert reader.execute(STATE_SQL).fetchone() == expected   # its version is still kept
    versions = [first.name, r.version]
    r = publish(home, keep=2)
    assert r.published
    versions.append(r.version)
    left = sorted(p.name for p in (home / "published" / "versions").iterdir())
    assert left == versions[-2:] and current_version_dir(home).name == versions[-1]
    assert not first.exists()
    # its version is gone: the reader gets an error naming the file, never other data
    with pytest.raises(duckdb.IOException, match=str(first)):
        reader.execute(STATE_SQL).fetchone()
    reader.close()
    assert len(set(versions)) == 3


def test_an_unchanged_table_is_shared_with_the_previous_version_not_written_again(home):
    before = current_version_dir(home)
    unchanged = publish(home)
    assert unchanged.published and unchanged.previous_version == before.name
    assert unchanged.shared_tables == sorted(unchanged.tables)     # nothing changed: all shared
    after = current_version_dir(home)
    for name, entry in current_manifest(home)["tables"].items():
        assert (after / entry["parquet"]).stat().st_ino == (before / entry["parquet"]).stat().st_ino
        assert entry["written_in"] == before.name

    con = duckdb.connect(str(home / "warehouse.duckdb"))   # one mart row changes
    changed = con.execute("UPDATE marts.mart_absorption SET rule_id = 'RULE-DIUBAH' "
                          "WHERE rowid = (SELECT min(rowid) FROM marts.mart_absorption)").fetchone()[0]
    con.close()
    assert changed == 1
    r = publish(home)
    assert r.published
    assert sorted(set(r.tables) - set(r.shared_tables)) == ["marts.mart_absorption"]
    latest = current_version_dir(home)
    entry = current_manifest(home)["tables"]["marts.mart_absorption"]
    assert entry["written_in"] == latest.name
    assert entry["sha256"] == hashlib.sha256((latest / entry["parquet"]).read_bytes()).hexdigest()
    assert (latest / entry["parquet"]).stat().st_ino != (after / entry["parquet"]).stat().st_ino
    pub = duckdb.connect(str(home / "published" / DB_NAME), read_only=True)
    assert pub.execute("SELECT count(*) FROM marts.mart_absorption "
                       "WHERE rule_id = 'RULE-DIUBAH'").fetchone()[0] == 1
    pub.close()
    # an older version still shows what it published
    old = duckdb.connect(str(after / DB_NAME), read_only=True)
    assert old.execute("SELECT count(*) FROM marts.mart_absorption "
                       "WHERE rule_id = 'RULE-DIUBAH'").fetchone()[0] == 0
    old.close()


def test_database_of_tables_is_a_full_copy_for_readers_elsewhere(home, monkeypatch):
    monkeypatch.setenv("PBK_PUBLISH_DATABASE", "tables")
    r = publish(home)
    assert r.published
    version_dir = current_version_dir(home)
    moved = home.parent / "copied-elsewhere.duckdb"     # opened without the Parquet files
    moved.write_bytes((version_dir / DB_NAME).read_bytes())
    con = duckdb.connect()
    con.execute(f"ATTACH '{home / 'warehouse.duckdb'}' AS wh (READ_ONLY)")
    con.execute(f"ATTACH '{moved}' AS pub (READ_ONLY)")
    kinds = con.execute("SELECT DISTINCT table_type FROM information_schema.tables "
                        "WHERE table_catalog = 'pub'").fetchall()
    assert kinds == [("BASE TABLE",)]
    for name, rows in r.tables.items():
        diff = con.execute(f"SELECT count(*) FROM ((SELECT * FROM wh.{name} EXCEPT ALL "
                           f"SELECT * FROM pub.{name}) UNION ALL (SELECT * FROM pub.{name} "
                           f"EXCEPT ALL SELECT * FROM wh.{name}))").fetchone()[0]
        assert diff == 0 and con.execute(f"SELECT count(*) FROM pub.{name}").fetchone()[0] == rows
    comment = con.execute("SELECT comment FROM duckdb_tables() WHERE database_name = 'pub' "
                          "AND table_name = 'mart_absorption'").fetchone()[0]
    assert comment and "absorption" in comment.lower()
    con.close()
    assert current_manifest(home)["database"]["holds"] == "tables"


@pytest.mark.parametrize("setting, value, message", [
    ("PBK_PUBLISH_DATABASE", "copy", "PBK_PUBLISH_DATABASE='copy': must be one of views, tables"),
    ("PBK_PUBLISH_MEMORY", "lots", "PBK_PUBLISH_MEMORY='lots': not a DuckDB memory size"),
])
def test_a_bad_publish_setting_is_refused_before_anything_is_written(home, monkeypatch, setting,
                                                                     value, message):
    before = _tree_digest(home / "published")
    monkeypatch.setenv(setting, value)
    with pytest.raises(PublishError, match=re.escape(message)):
        publish(home)
    assert _tree_digest(home / "published") == before
    assert not list((home / "published" / "versions").glob(".tmp-*"))


def test_versions_kept_is_a_setting(home, monkeypatch):
    monkeypatch.setenv("PBK_PUBLISH_KEEP_VERSIONS", "1")
    r = publish(home)
    assert r.published
    assert sorted(p.name for p in (home / "published" / "versions").iterdir()) == [r.version]
    monkeypatch.setenv("PBK_PUBLISH_KEEP_VERSIONS", "0")
    with pytest.raises(PublishError, match="PBK_PUBLISH_KEEP_VERSIONS='0': must be a whole number"):
        publish(home)
    assert current_version_dir(home).name == r.version   # nothing written by the refused publish


# --------------------------------------------------------------------------------------------
# a BI connection during a nightly run (real processes)

READER = textwrap.dedent("""
    import json, os, sys, time
    import duckdb

    published, stop, out, ready = sys.argv[1:5]
    sql = {sql!r}
    persistent = duckdb.connect(published, read_only=True)   # a BI connection left open
    seen, held, parquet, errors = [], [], [], []
    open(ready, "w").close()
    while not os.path.exists(stop):
        t = time.time()
        try:
            con = duckdb.connect(published, read_only=True)   # a BI query on a fresh connection
            seen.append([t, list(con.execute(sql).fetchone())])
            con.close()
        except Exception as exc:
            errors.append("reconnect: " + repr(exc))
        try:
            held.append([t, list(persistent.execute(sql).fetchone())])
        except Exception as exc:
            errors.append("persistent: " + repr(exc))
        try:   # a Parquet reader: resolve the current version once, read two tables of it
            base = os.path.join(os.path.realpath(os.path.join(os.path.dirname(published), "current")),
                                "parquet")
            con = duckdb.connect()
            row = con.execute(
                "SELECT (SELECT CAST(sum(realized_cumulative) AS VARCHAR) FROM read_parquet(?)), "
                "(SELECT count(*) FROM read_parquet(?)), (SELECT count(*) FROM read_parquet(?))",
                [base + "/marts/mart_absorption.parquet", base + "/core/fact_realization.parquet",
                 base + "/marts/mart_absorption.parquet"]).fetchone()
            parquet.append([t, list(row)])
            con.close()
        except Exception as exc:
            errors.append("parquet: " + repr(exc))
        time.sleep(0.05)
    json.dump({{"seen": seen, "held": held, "parquet": parquet, "errors": errors}}, open(out, "w"))
""").format(sql=STATE_SQL)


def test_bi_reader_during_run_and_publish(home, tmp_path):
    from pbk.generator.extracts import generate
    from orchestration.run import run_all
    from base.settings import paths

    p = paths(home).ensure()
    pub = home / "published" / DB_NAME
    con = duckdb.connect(str(pub), read_only=True)
    old = list(con.execute(STATE_SQL).fetchone())
    con.close()
    # the next night's extracts: another fiscal year
    sample = generate(tmp_path / "night2", scale=0.001, seed=7, dirty_fraction=0.0, fiscal_year=2024)
    for info in sample["files"].values():
        (tmp_path / "night2" / info["file"]).replace(p.landing / info["file"])

    stop, out, ready = tmp_path / "stop", tmp_path / "reader.json", tmp_path / "ready"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(pub), str(stop), str(out), str(ready)],
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 60
        while not ready.exists() and time.time() < deadline:
            time.sleep(0.1)
        assert ready.exists(), "reader did not start"
        time.sleep(1.0)
        run_started = time.time()
        outcome = run_all(home)     # `pbk run`: ingest, dbt build, checks, then publish
        assert outcome.success and outcome.published, (outcome.errors, outcome.failed_checks)
        run_ended = time.time()
        time.sleep(1.5)
    finally:
        stop.touch()
        _, err = reader.communicate(timeout=120)
    assert reader.returncode == 0, err
    doc = json.loads(out.read_text())
    con = duckdb.connect(str(pub), read_only=True)
    new = list(con.execute(STATE_SQL).fetchone())
    con.close()
    assert new != old and new[1] > old[1]

    assert doc["errors"] == []
    # the reader was querying while the run wrote the warehouse (it never blocked the run)
    during = [v for t, v in doc["seen"] if run_started < t < run_ended]
    assert len(during) > 10
    # fresh connections: the old complete version, then the new complete version, never a mix
    states = [v for _, v in doc["seen"]]
    assert all(v in (old, new) for v in states), {tuple(v) for v in states}
    assert states[0] == old and states[-1] == new
    first_new = states.index(new)
    assert all(v == new for v in states[first_new:])
    # an open connection keeps working on the version it opened
    assert doc["held"] and all(v == old for _, v in doc["held"])
    # Parquet readers see one complete version at a time too
    pq = [v for _, v in doc["parquet"]]
    assert all(v in (old, new) for v in pq) and pq[0] == old and pq[-1] == new


# --------------------------------------------------------------------------------------------
# the data dictionary BI users read


def test_data_dictionary_is_generated_from_the_dbt_descriptions():
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_dd", REPO / "scripts" / "gen_data_dictionary.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    committed = (REPO / "docs" / "data_dictionary.md").read_text(encoding="utf-8")
    assert committed == gen.render(), "run: python scripts/gen_data_dictionary.py"


def test_data_dictionary_describes_every_published_mart_column(pristine):
    text = (REPO / "docs" / "data_dictionary.md").read_text(encoding="utf-8")
    con = duckdb.connect(str(pristine["home"] / "published" / DB_NAME), read_only=True)
    cols = con.execute("SELECT table_name, column_name FROM information_schema.columns "
                       "WHERE table_schema = 'marts' ORDER BY 1").fetchall()
    con.close()
    for table, column in cols:
        section = text.split(f"### marts.{table}\n", 1)[1].split("\n### ", 1)[0]
        assert f"| `{column}` |" in section, (table, column)


def test_publish_while_this_process_holds_the_warehouse_open(home):
    # DuckDB allows one instance per file per process: publish reuses it instead of failing
    holder = duckdb.connect(str(home / "warehouse.duckdb"))
    try:
        result = publish(home)
        assert result.published, result.reason
        assert holder.execute("SELECT count(*) FROM marts.mart_absorption").fetchone()[0] == \
            result.tables["marts.mart_absorption"]
    finally:
        holder.close()
