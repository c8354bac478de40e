"""The raw batches as Parquet for the Spark engine (ingest/lake.py): one file per accepted batch,
equal to its raw rows, and `sync` bringing the lake level with raw whatever a crash left."""
from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from base.settings import paths
from ingest import lake
from ingest.loader import ingest_files
from ingest.raw_tables import connect
from tests.ingest.test_ingest import REALIZATION_HEADER, realization_line, write


@pytest.fixture
def home(tmp_path):
    return paths(tmp_path / "pbk").ensure()


def visible(folder):
    return sorted(f.name for f in folder.iterdir() if not f.name.startswith((".", "_")))


def test_each_batch_adds_one_file_and_never_rewrites_one(home, tmp_path):
    first = write(tmp_path / "real.csv", REALIZATION_HEADER + "\n" + realization_line("D1", "100")
                  + "\n" + realization_line("D2", "250") + "\n")
    [r1] = ingest_files([first], home)
    folder = home.lake / "raw" / "realization"
    assert visible(folder) == [f"{r1.load_id}.parquet"]
    written = (folder / f"{r1.load_id}.parquet").stat().st_mtime_ns
    resend = write(tmp_path / "real_fixed.csv",
                   REALIZATION_HEADER + "\n" + realization_line("D1", "150") + "\n")
    [r2] = ingest_files([resend], home)
    assert visible(folder) == sorted([f"{r1.load_id}.parquet", f"{r2.load_id}.parquet"])
    assert (folder / f"{r1.load_id}.parquet").stat().st_mtime_ns == written
    con = duckdb.connect()
    lake_rows = con.execute(
        f"SELECT _load_id, document_no, amount, _source_row FROM read_parquet('{folder}/*.parquet') "
        "ORDER BY _load_id, _source_row").fetchall()
    assert lake_rows == [(r1.load_id, "D1", Decimal("100.00"), 1), (r1.load_id, "D2", Decimal("250.00"), 2),
                         (r2.load_id, "D1", Decimal("150.00"), 1)]
    # the same columns and types as raw.realization
    wh = connect(home, read_only=True)
    try:
        raw_columns = wh.execute("DESCRIBE raw.realization").fetchall()
    finally:
        wh.close()
    lake_columns = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{folder}/*.parquet')").fetchall()
    assert [(c[0], c[1]) for c in lake_columns] == [(c[0], c[1]) for c in raw_columns]


def test_sync_writes_missing_batches_and_removes_what_raw_does_not_hold(home, tmp_path):
    f = write(tmp_path / "real.csv", REALIZATION_HEADER + "\n" + realization_line("D1", "100") + "\n")
    [r] = ingest_files([f], home)
    folder = home.lake / "raw" / "realization"
    # a crash between the commit and the rename: the batch has no file
    (folder / f"{r.load_id}.parquet").unlink()
    # a crash before the commit: a hidden leftover; and a file of a batch raw never committed
    (folder / ".tmp-20250101T000000000000Z-dead.parquet").write_bytes(b"half")
    (folder / "20250101T000000000000Z-gone.parquet").write_bytes(b"not raw")
    con = connect(home)
    try:
        assert lake.sync(con, home) == {"written": 1, "removed": 2}
        assert lake.sync(con, home) == {"written": 0, "removed": 0}
        [(rows,)] = con.execute(f"SELECT count(*) FROM read_parquet('{folder}/*.parquet')").fetchall()
    finally:
        con.close()
    assert visible(folder) == [f"{r.load_id}.parquet"] and rows == 1


def test_spark_sees_the_warehouse_columns(home):
    con = connect(home)
    try:
        lake.export_ops(con, home)
        tables = lake.spark_tables(con, home)
    finally:
        con.close()
    assert sorted(tables) == sorted([f"raw.{k}" for k in lake.KINDS]
                                    + [f"ops.{t}" for t in lake.OPS_TABLES])
    realization = dict(tables["raw.realization"]["columns"])
    assert (realization["amount"], realization["transaction_date"], realization["_extra"],
            realization["_ingested_at"], realization["_source_row"], realization["fiscal_year"]) == \
        ("decimal(38,2)", "date", "string", "timestamp_ntz", "bigint", "int")
    assert tables["raw.realization"]["location"] == str(home.lake / "raw" / "realization")
    assert visible(home.lake / "ops") == ["dq_results", "load_log", "quarantine"]
    with pytest.raises(KeyError):
        lake.spark_type("HUGEINT")
