"""Property-based fuzzing of the reader contract: valid extracts mutated the way files get damaged
(cut short, a quote or stray bytes inserted, delimiters swapped on some lines, a line end lost or
doubled) must each end as exactly one of: loaded with rows read = loaded + quarantined (rows and
Rupiah, checked in the warehouse) or rejected whole with a reason and nothing in raw.*. Never an
internal error. Bounded for CI: PBK_FUZZ_EXAMPLES cases (default 40), derandomized."""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.hostile_corpus import HEADER, csv_text, row
from ingest.contracts import CONTRACTS
from ingest.loader import Loader
from base.settings import paths

EXAMPLES = int(os.environ.get("PBK_FUZZ_EXAMPLES", "40"))
BASE = csv_text([row(i, description=("Belanja Café" if i % 3 else "ATK")) for i in range(1, 31)])
BASE_BYTES = BASE.encode("utf-8")


@st.composite
def damaged(draw) -> bytes:
    data = bytearray(BASE_BYTES)
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["truncate", "quote", "bytes", "delimiters", "drop_newline",
                                    "double_newline", "crlf"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if how == "truncate":
            data = data[:max(at, len(HEADER[0]) + 1)]
        elif how == "quote":
            data[at:at] = b'"'
        elif how == "bytes":
            data[at:at] = draw(st.binary(min_size=1, max_size=4))
        elif how == "delimiters":
            lines = bytes(data).split(b"\n")
            k = draw(st.integers(0, len(lines) - 1))
            lines[k] = lines[k].replace(b",", draw(st.sampled_from([b";", b"|", b"\t"])))
            data = bytearray(b"\n".join(lines))
        elif how == "drop_newline":
            nl = bytes(data).find(b"\n", at)
            if nl > 0:
                del data[nl]
        elif how == "double_newline":
            nl = bytes(data).find(b"\n", at)
            if nl > 0:
                data[nl:nl] = b"\n"
        else:
            data = bytearray(bytes(data).replace(b"\n", b"\r\n"))
    return bytes(data)


class Tally:
    cases = loaded = rejected = duplicate = 0


@pytest.fixture(scope="module")
def loader(tmp_path_factory):
    home = paths(tmp_path_factory.mktemp("fuzz") / "pbk").ensure()
    with Loader(home) as ld:
        yield ld
    print(f"\nfuzz: {Tally.cases} cases, {Tally.loaded} loaded, {Tally.rejected} rejected, "
          f"{Tally.duplicate} duplicates, 0 contract failures")


def python_record_count(data: bytes) -> int | None:
    """Data records by Python's csv module, for files simple enough that both readers must agree
    (UTF-8, no quote characters, one delimiter): None otherwise."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if '"' in text or "\r" in text.replace("\r\n", "\n") or "\x00" in text:
        return None
    records = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    return max(0, len(records) - 1)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=damaged())
def test_damaged_extracts_keep_the_reader_contract(loader, tmp_path, data):
    Tally.cases += 1
    f = Path(tmp_path) / f"fuzz_{Tally.cases}.csv"
    f.write_bytes(data)
    r = loader.load_file(f)
    try:
        check_contract(loader.con, r, data)
    finally:
        forget(loader.con, r)   # each case on a clean warehouse: a replayed case is not a duplicate


def check_contract(con, r, data: bytes) -> None:
    assert not r.internal_error, r.reason
    if r.status == "duplicate":
        Tally.duplicate += 1
        return
    if r.status == "rejected":
        Tally.rejected += 1
        assert r.reason
        for kind in CONTRACTS:
            assert con.execute(f"SELECT count(*) FROM raw.{kind} WHERE _load_id = ?",
                               [r.load_id]).fetchone()[0] == 0
        return
    Tally.loaded += 1
    assert r.status == "loaded"
    loaded = con.execute(f"SELECT count(*) FROM raw.{r.kind} WHERE _load_id = ?",
                         [r.load_id]).fetchone()[0]
    held = con.execute("SELECT count(DISTINCT source_row) FROM ops.quarantine WHERE load_id = ?",
                       [r.load_id]).fetchone()[0]
    assert (r.rows_loaded, r.rows_quarantined) == (loaded, held)
    assert r.rows_read == loaded + held
    if r.amount_read is not None:
        assert r.amount_read == r.amount_loaded + r.amount_quarantined
    expected_records = python_record_count(data)
    if expected_records is not None:
        assert r.rows_read == expected_records


def forget(con, r) -> None:
    if r.load_id is None:
        return
    for kind in CONTRACTS:
        con.execute(f"DELETE FROM raw.{kind} WHERE _load_id = ?", [r.load_id])
    for table in ("ops.quarantine", "ops.load_log", "ops.dq_results"):
        con.execute(f"DELETE FROM {table} WHERE load_id = ?", [r.load_id])
