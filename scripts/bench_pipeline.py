"""Pipeline benchmark (issue 14): the whole `pbk run`, stage by stage, next to a hand-written floor.

    .venv/bin/python scripts/bench_pipeline.py --scale 0.01
    .venv/bin/python scripts/bench_pipeline.py --scale 1 --nightly --work /tmp/bench-sf1
    .venv/bin/python scripts/bench_pipeline.py --scale 0.01 --nightly --verify --json

What it does, in order:

1. generates a sample (`pbk.generator.extracts.generate`, seed 42, dirty_fraction 0, canonical
   files) into WORK/extracts;
2. drops the files into WORK/home/landing and runs `pbk run --json` (the .venv's console script)
   as a child process with PBK_HOME=WORK/home: the Dagster job, exactly as an operator runs it;
3. runs the floor (scripts/floor_marts.sql: one hand-written DuckDB script that loads the same
   CSVs with read_csv, parses them in SQL and computes mart_absorption and
   mart_budget_performance) in a child Python process with duckdb only;
4. checks that the floor's figures equal the marts' on every row (join on the key columns;
   money, counts and text exactly, ratios and scores within 1e-9): anything under 100 % means
   the floor (or a mart) is wrong, and the comparison is not like for like;
5. with --nightly: one more day of SP2D lines plus 1 % corrected re-sends of earlier lines
   lands, `pbk run` runs again on the built warehouse, the floor appends the day and rebuilds
   both marts, and the figures are compared again;
6. with --verify: `pbk run --full-refresh` afterwards, and every mart must equal the incremental
   result (EXCEPT ALL both ways).

Per stage it prints wall time and the peak RSS of the whole process tree (the `pbk run` process,
dbt and every other child: their RSS summed, sampled every 0.2 s from /proc), next to the floor's
and the ratio, then the disk used. Stage boundaries come from the run's Dagster event log (the
instance in $PBK_HOME/dagster: step start and success events); "startup" is from the process
start to the first step (imports, Definitions, `dbt parse` when the project changed).

Targets of issue 14, on this 2-core machine at SF 1 (one national year, 4.9 GB of CSV):
    the nightly (a day's SP2D lines + re-sends on a built warehouse) <= 60 s end to end;
    dbt build <= 3x the floor like for like;  full `pbk run` <= 240 s;
    startup <= 5 s when nothing in the dbt project changed;
    peak RSS of the process tree <= 3 GB in every stage.
Figures are printed, not asserted (the machine may be shared: run twice, take the median).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FLOOR_SQL = REPO / "scripts" / "floor_marts.sql"
PAGE = os.sysconf("SC_PAGE_SIZE")
SAMPLE_SECONDS = 0.2

# Dagster step keys of the job, as the table names them
STEP_LABELS = {
    "ingest_landing": "ingest",
    "pbk_dbt_models": "dbt build",
    "gx_mart_suites": "checks (GX mart suites)",
    "quality__dq_report": "data docs",
    "published__pbk": "publish",
}
# the floor section each project stage is compared with
FLOOR_OF_STAGE = {"ingest": "load", "dbt build": "marts"}
FLOOR_OF_STAGE_NIGHTLY = {"ingest": "append_day", "dbt build": "marts"}
# key columns of the two marts the floor computes
MART_KEYS = {
    "mart_absorption": ["fiscal_year", "month", "work_unit_code", "program_code", "spending_category"],
    "mart_budget_performance": ["fiscal_year", "work_unit_code"],
}
RATIO_TOLERANCE = 1e-9


# ---------------------------------------------------------------------------------------------
# Measuring a child process: wall time and the summed RSS of its process tree


def tree_rss_bytes(root: int) -> int:
    """RSS of `root` and all its descendants, summed (shared pages count once per process)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    # the field after the ")" of the command name: state, then ppid
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/statm") as fh:
                total += int(fh.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            pass
    return total


@dataclass
class Measured:
    """A finished child process: when it ran, its output and its RSS samples (time, bytes)."""
    started: float
    ended: float
    returncode: int
    stdout: str
    stderr: str
    samples: list[tuple[float, int]] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return self.ended - self.started

    def peak_rss(self, start: float | None = None, end: float | None = None) -> int | None:
        """The largest sample within [start, end] (the whole run by default); a window shorter
        than the sampling interval gets the larger of the samples just before and after it."""
        start, end = start or self.started, end or self.ended
        inside = [rss for t, rss in self.samples if start <= t <= end]
        if not inside:
            before = [rss for t, rss in self.samples if t < start][-1:]
            after = [rss for t, rss in self.samples if t > end][:1]
            inside = before + after
        return max(inside) if inside else None


def run_measured(cmd: list[str], env: dict | None = None) -> Measured:
    """Run cmd to the end, sampling its process tree's RSS every SAMPLE_SECONDS."""
    samples: list[tuple[float, int]] = []
    started = time.time()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append((time.time(), tree_rss_bytes(proc.pid)))
            done.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    ended = time.time()
    done.set()
    sampler.join()
    return Measured(started, ended, proc.returncode, stdout, stderr, samples)


# ---------------------------------------------------------------------------------------------
# The project: `pbk run` and its Dagster event log


@dataclass
class Stage:
    name: str
    start: float
    end: float

    @property
    def seconds(self) -> float:
        return self.end - self.start


def pbk_run(home: Path, full_refresh: bool = False, engine: str | None = None
            ) -> tuple[Measured, dict]:
    """`pbk run --json` as an operator runs it, with PBK_HOME=home (and `--engine` when given).
    The landing files are whole before the run starts, so the settle interval (for files still
    being uploaded) is 0."""
    cmd = [str(Path(sys.executable).parent / "pbk"), "run", "--json"]
    if full_refresh:
        cmd.append("--full-refresh")
    if engine:
        cmd += ["--engine", engine]
    run = run_measured(cmd, env={"PBK_HOME": str(home), "PBK_SETTLE_SECONDS": "0",
                                 "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                                 "GX_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"})
    try:
        outcome = json.loads(run.stdout)
    except ValueError:
        outcome = {}
    if run.returncode != 0 or not outcome.get("success"):
        sys.stderr.write(run.stderr[-5000:])
        raise SystemExit(f"pbk run failed (exit {run.returncode}): {outcome.get('errors')} "
                         f"{[c['name'] for c in outcome.get('blocking_failures', [])]}")
    return run, outcome


def step_windows(home: Path, run_id: str) -> list[Stage]:
    """(step, start, end) of every step of the run, from the Dagster instance's event log."""
    from dagster import DagsterEventType, DagsterInstance

    kinds = {DagsterEventType.STEP_START, DagsterEventType.STEP_SUCCESS,
             DagsterEventType.STEP_FAILURE}
    starts, ends = {}, {}
    with DagsterInstance.from_config(str(home / "dagster")) as instance:
        for record in instance.all_logs(run_id, of_type=kinds):
            event = record.dagster_event
            target = starts if event.event_type == DagsterEventType.STEP_START else ends
            target[event.step_key] = record.timestamp
    return sorted((Stage(STEP_LABELS.get(k, k), starts[k], ends.get(k, starts[k])) for k in starts),
                  key=lambda s: s.start)


def project_stages(run: Measured, steps: list[Stage]) -> list[Stage]:
    """startup, the steps, what follows the last step (printing the outcome, exit), full run."""
    first, last = steps[0].start, max(s.end for s in steps)
    return ([Stage("startup", run.started, first), *steps,
             Stage("after the last step", last, run.ended),
             Stage("full run", run.started, run.ended)])


def slowest_dbt_nodes(home: Path, n: int = 5) -> list[tuple[str, float]]:
    """The n slowest nodes of the run's dbt build (run_results.json; dbt runs 2 threads, so
    node times overlap and do not add up to the step's wall time)."""
    from base.dbt import run_results
    from base.settings import paths

    nodes = sorted(run_results(paths(home).dbt_target), key=lambda node: -node.execution_time)
    return [(node.name, round(node.execution_time, 1)) for node in nodes[:n]]


def models_behind_the_marts(home: Path) -> tuple[int, float]:
    """(count, summed execution time) of the dbt models the two floor marts are built from,
    themselves included: the dbt work the floor's `marts` section does, like for like (no tests,
    no other marts). A sum of node times: with dbt's two threads they may overlap in wall time."""
    from base.dbt import run_results
    from base.settings import paths

    target = paths(home).dbt_target
    parents = json.loads((target / "manifest.json").read_text())["parent_map"]
    todo = [uid for uid in parents if uid.startswith("model.") and uid.split(".")[-1] in MART_KEYS]
    behind: set[str] = set()
    while todo:
        uid = todo.pop()
        if uid not in behind:
            behind.add(uid)
            todo += parents.get(uid, [])
    models = [n for n in run_results(target) if n.unique_id in behind and n.resource_type == "model"]
    return len(models), sum(n.execution_time for n in models)


def dbt_elapsed_seconds(home: Path) -> float:
    """dbt's own wall time for the build (run_results.json): the rest of the dbt step is the
    dbt process starting and Dagster turning every node result into events."""
    from base.settings import paths

    return float(json.loads((paths(home).dbt_target / "run_results.json").read_text())["elapsed_time"])


def stage_rows(stages: list[Stage], run: Measured) -> list[dict]:
    return [{"stage": s.name, "seconds": s.seconds, "peak_rss": run.peak_rss(s.start, s.end)}
            for s in stages]


# ---------------------------------------------------------------------------------------------
# The floor: scripts/floor_marts.sql in a child process with duckdb only


def floor_sections(sql_text: str | None = None) -> dict[str, str]:
    """The sections of floor_marts.sql ("-- @section NAME" starts one), by name."""
    parts = re.split(r"^-- @section (\w+)[ \t]*$", sql_text or FLOOR_SQL.read_text(), flags=re.M)
    return dict(zip(parts[1::2], parts[2::2]))


def run_floor_sections(con, names: list[str], extracts: Path, day_file: Path | None = None) -> dict:
    """Run the named sections on a duckdb connection; {section: (start, end)} in epoch seconds."""
    sections, times = floor_sections(), {}
    for name in names:
        sql = sections[name].replace("@EXTRACTS@", str(extracts)).replace("@DAY_FILE@", str(day_file))
        start = time.time()
        con.execute(sql)
        times[name] = (start, time.time())
    return times


def floor_child(db: Path, extracts: Path, day_file: Path, names: list[str]) -> None:
    """Runs in its own process (only duckdb is imported): the sections, then their times as JSON."""
    import duckdb

    con = duckdb.connect(str(db))
    times = run_floor_sections(con, names, extracts, day_file)
    con.close()
    print(json.dumps(times))


def run_floor(db: Path, extracts: Path, names: list[str], day_file: Path | None = None
              ) -> tuple[Measured, list[Stage]]:
    cmd = [sys.executable, __file__, "--floor-child", str(db), str(extracts), str(day_file),
           *names]
    run = run_measured(cmd)
    if run.returncode != 0:
        sys.stderr.write(run.stderr[-5000:])
        raise SystemExit(f"the floor failed (exit {run.returncode})")
    times = json.loads(run.stdout.strip().splitlines()[-1])
    stages = [Stage(name, *times[name]) for name in names]
    stages.insert(0, Stage("startup", run.started, stages[0].start))
    stages.append(Stage("total", run.started, run.ended))
    return run, stages


# ---------------------------------------------------------------------------------------------
# The floor's figures against the marts, and incremental against full refresh


def compare_with_marts(warehouse: Path, floor_db: Path) -> dict[str, dict]:
    """Per mart: rows in the mart, rows in the floor, rows equal on every column the floor has
    (DOUBLE columns within RATIO_TOLERANCE, the others exactly; NULL equals NULL), the share
    matching, and per column the rows where it differs (a row missing on one side counts)."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        con.execute(f"ATTACH '{floor_db}' AS floor (READ_ONLY)")
        return {mart: _compare_mart(con, mart, keys) for mart, keys in MART_KEYS.items()}
    finally:
        con.close()


def _compare_mart(con, mart: str, keys: list[str]) -> dict:
    columns = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_catalog = 'floor' AND table_name = ? ORDER BY ordinal_position", [mart]).fetchall()
    equal = {}
    for col, sql_type in columns:
        if col in keys:
            continue
        if sql_type == "DOUBLE":
            equal[col] = (f"coalesce((m.{col} IS NULL AND f.{col} IS NULL) "
                          f"OR abs(m.{col} - f.{col}) <= {RATIO_TOLERANCE}, false)")
        else:
            equal[col] = f"(m.{col} IS NOT DISTINCT FROM f.{col})"
    both = f"m.{keys[0]} IS NOT NULL AND f.{keys[0]} IS NOT NULL"
    on = " AND ".join(f"m.{k} IS NOT DISTINCT FROM f.{k}" for k in keys)
    row = con.execute(f"""
        SELECT count(m.{keys[0]}), count(f.{keys[0]}),
               count(*) FILTER (WHERE {both} AND {' AND '.join(equal.values())}),
               {', '.join(f'count(*) FILTER (WHERE NOT ({both} AND {e}))' for e in equal.values())}
        FROM marts.{mart} AS m FULL JOIN floor.{mart} AS f ON {on}""").fetchone()
    mart_rows, floor_rows, matching = row[:3]
    return {"mart_rows": mart_rows, "floor_rows": floor_rows, "matching_rows": matching,
            "match_pct": 100.0 * matching / max(mart_rows, floor_rows, 1),
            "columns_compared": len(equal),
            "differing_by_column": {c: n for c, n in zip(equal, row[3:]) if n}}


def marts_differing_rows(warehouse: Path, snapshot: Path) -> dict[str, int]:
    """Rows of each mart that differ between the warehouse and a copy (EXCEPT ALL both ways)."""
    import duckdb

    from base.dbt import MARTS

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        con.execute(f"ATTACH '{snapshot}' AS snap (READ_ONLY)")
        return {m: con.execute(f"""
            SELECT count(*) FROM (
                (SELECT * FROM marts.{m} EXCEPT ALL SELECT * FROM snap.marts.{m})
                UNION ALL
                (SELECT * FROM snap.marts.{m} EXCEPT ALL SELECT * FROM marts.{m}))""").fetchone()[0]
            for m in MARTS}
    finally:
        con.close()


# ---------------------------------------------------------------------------------------------
# Input files and disk


def generate_sample(extracts: Path, scale: float, seed: int) -> dict:
    from pbk.generator.extracts import generate

    start = time.perf_counter()
    manifest = generate(extracts, scale=scale, seed=seed, dirty_fraction=0.0)
    files = [extracts / f["file"] for f in manifest["files"].values()]
    return {"seconds": time.perf_counter() - start, "files": [str(f) for f in files],
            "rows": sum(f["rows"] for f in manifest["files"].values()),
            "bytes": sum(f.stat().st_size for f in files)}


def next_day_file(extracts: Path, out: Path, seed: int) -> dict:
    """One more day of SP2D lines: as many lines as an average day of the generated year (new
    document numbers, dated the last day of the data), plus corrected re-sends of 1 % of that
    many existing lines (same natural key, amount x 0.9), as one canonical CSV."""
    import duckdb

    src = str(extracts / "realization.csv")
    con = duckdb.connect()
    con.execute(f"SELECT setseed({(seed % 1000) / 1000.0})")
    con.execute(f"""CREATE TEMP TABLE r AS SELECT * FROM read_csv('{src}', header = true,
                    all_varchar = true, delim = ',', quote = '"', escape = '"')""")
    total, days, last_day = con.execute(
        "SELECT count(*), count(DISTINCT transaction_date), max(transaction_date) FROM r").fetchone()
    per_day = max(1, round(total / max(days, 1)))
    resend = max(1, per_day // 100)
    con.execute(f"""
        COPY (
            SELECT fiscal_year, '{last_day}' AS transaction_date, 'X' || document_no AS document_no,
                   work_unit_code, program_code, activity_code, output_code, account_code,
                   funding_source, amount, 'Tambahan ' || description AS description
            FROM (SELECT * FROM r USING SAMPLE {per_day} ROWS)
            UNION ALL
            SELECT fiscal_year, transaction_date, document_no, work_unit_code, program_code, activity_code,
                   output_code, account_code, funding_source,
                   CAST(CAST(CAST(amount AS DECIMAL(38, 2)) * 0.9 AS DECIMAL(18, 0)) AS VARCHAR) AS amount,
                   'Koreksi ' || description AS description
            FROM (SELECT * FROM r USING SAMPLE {resend} ROWS)
        ) TO '{out}' (HEADER, DELIMITER ',')
    """)
    con.close()
    return {"new_lines": per_day, "corrected_resends": resend, "date": str(last_day)}


def drop_into_landing(files: list[Path], home: Path) -> None:
    """Put whole files into $PBK_HOME/landing (hard links: the extracts stay for the floor)."""
    landing = home / "landing"
    landing.mkdir(parents=True, exist_ok=True)
    for f in files:
        try:
            os.link(f, landing / f.name)
        except OSError:
            shutil.copy2(f, landing / f.name)


def disk_bytes(path: Path) -> int:
    """Bytes allocated under path (each inode once, as du counts)."""
    if path.is_file():
        return path.stat().st_blocks * 512
    seen, total = set(), 0
    for root, _, names in os.walk(path):
        for name in names:
            try:
                st = os.lstat(os.path.join(root, name))
            except OSError:
                continue
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_blocks * 512
    return total


def disk_usage(home: Path, floor_db: Path) -> dict[str, int]:
    return {"warehouse file": disk_bytes(home / "warehouse.duckdb"),
            "published/": disk_bytes(home / "published"),
            "archive/": disk_bytes(home / "archive"),
            "PBK_HOME total": disk_bytes(home),
            "floor database": disk_bytes(floor_db)}


# ---------------------------------------------------------------------------------------------
# One round: the project's run and the floor on the same files


def bench_round(title: str, home: Path, floor_db: Path, extracts: Path, floor_names: list[str],
                floor_of_stage: dict[str, str], day_file: Path | None = None) -> dict:
    """`pbk run` on what is in landing, then the floor's sections on the same files; the stage
    table, the floor's match with the marts, the slowest dbt nodes and the disk used."""
    run, outcome = pbk_run(home)
    rows = stage_rows(project_stages(run, step_windows(home, outcome["run_id"])), run)
    count, node_seconds = models_behind_the_marts(home)
    after_dbt = next(i for i, r in enumerate(rows) if r["stage"] == "dbt build") + 1
    rows[after_dbt:after_dbt] = [
        {"stage": "  dbt's own elapsed time", "seconds": dbt_elapsed_seconds(home), "peak_rss": None},
        {"stage": f"  {count} models behind the marts", "seconds": node_seconds, "peak_rss": None,
         "like_for_like": "marts"}]
    floor, floor_stages = run_floor(floor_db, extracts, floor_names, day_file)
    pair_with_floor(rows, floor, floor_stages, floor_of_stage)
    return {"title": title, "run_id": outcome["run_id"], "stages": rows,
            "floor_peak_rss": floor.peak_rss(), "project_peak_rss": run.peak_rss(),
            "floor_match": compare_with_marts(home / "warehouse.duckdb", floor_db),
            "slowest_dbt_nodes": slowest_dbt_nodes(home),
            "disk": disk_usage(home, floor_db),
            "checks": outcome.get("checks"), "failed_checks": [
                f"{c['asset']}:{c['name']}" for c in outcome.get("failed_checks", [])]}


def pair_with_floor(rows: list[dict], floor: Measured, floor_stages: list[Stage],
                    floor_of_stage: dict[str, str]) -> None:
    """Add to each project row the floor section doing the same work: its seconds and peak RSS."""
    by_name = {s.name: s for s in floor_stages}
    for row in rows:
        name = (row.get("like_for_like") or floor_of_stage.get(row["stage"])
                or {"startup": "startup", "full run": "total"}.get(row["stage"]))
        if name in by_name:
            s = by_name[name]
            row.update(floor_section=name, floor_seconds=s.seconds,
                       floor_peak_rss=floor.peak_rss(s.start, s.end))


# ---------------------------------------------------------------------------------------------
# Printing


def mb(n: int | None) -> str:
    return "—" if n is None else f"{n / 2**20:,.0f} MB"


def print_round(r: dict) -> None:
    print(f"\n{r['title']} (run {r['run_id']})")
    print(f"| {'stage':<36} | {'project s':>9} | {'project peak RSS':>16} | {'floor s':>7} | "
          f"{'floor peak RSS':>14} | {'ratio':>6} |")
    print("|" + "|".join("-" * (width + 1) + ":" for width in (36, 9, 16, 7, 14, 6))
          .replace(":", "-", 1) + "|")
    for s in r["stages"]:
        floor_s = s.get("floor_seconds")
        ratio = f"{s['seconds'] / floor_s:.1f}" if floor_s else ""
        name = s["stage"] + (f" ~ {s['floor_section']}" if s.get("floor_section") not in
                             (None, "startup", "total") else "")
        print(f"| {name:<36} | {s['seconds']:>9.1f} | {mb(s['peak_rss']):>16} | "
              f"{'' if floor_s is None else f'{floor_s:.1f}':>7} | "
              f"{'' if floor_s is None else mb(s.get('floor_peak_rss')):>14} | {ratio:>6} |")
    print("(dbt's own elapsed time and the models behind the marts: from run_results.json; the "
          "models' node times summed, dbt runs 2 threads)")
    print(f"peak RSS of the whole process tree: project {mb(r['project_peak_rss'])}, floor "
          f"{mb(r['floor_peak_rss'])}")
    for mart, m in r["floor_match"].items():
        extra = f"; differing: {m['differing_by_column']}" if m["differing_by_column"] else ""
        print(f"floor vs {mart}: {m['matching_rows']:,} of {m['mart_rows']:,} mart rows "
              f"({m['floor_rows']:,} floor rows) equal on {m['columns_compared']} columns = "
              f"{m['match_pct']:.2f} %{extra}")
    print("slowest dbt nodes: " + ", ".join(f"{n} {t} s" for n, t in r["slowest_dbt_nodes"]))
    print("disk: " + ", ".join(f"{k} {mb(v)}" for k, v in r["disk"].items()))
    if r["failed_checks"]:
        print(f"non-blocking checks that failed: {', '.join(r['failed_checks'])}")


def print_targets(report: dict) -> None:
    """The targets of issue 14 (stated for SF 1) against this run's figures."""
    first = {s["stage"]: s for s in report["rounds"][0]["stages"]}
    like = next(s for s in report["rounds"][0]["stages"] if s.get("like_for_like"))
    lines = [("full pbk run <= 240 s", f"{first['full run']['seconds']:.1f} s",
              first["full run"]["seconds"] <= 240)]
    if like.get("floor_seconds"):
        ratio = like["seconds"] / like["floor_seconds"]
        lines.append(("dbt <= 3x floor (models behind the marts)", f"{ratio:.1f}x", ratio <= 3))
    peak = max(r["project_peak_rss"] or 0 for r in report["rounds"])
    lines.append(("peak RSS <= 3 GB", mb(peak), peak <= 3 * 2**30))
    if len(report["rounds"]) > 1:
        nightly = {s["stage"]: s for s in report["rounds"][1]["stages"]}
        lines.append(("nightly <= 60 s", f"{nightly['full run']['seconds']:.1f} s",
                      nightly["full run"]["seconds"] <= 60))
        lines.append(("startup <= 5 s (dbt project unchanged)",
                      f"{nightly['startup']['seconds']:.1f} s", nightly["startup"]["seconds"] <= 5))
    scale = report["scale"]
    print(f"\ntargets of issue 14 (stated for SF 1; this is SF {scale}):")
    for target, value, met in lines:
        print(f"  {target:<40} {value:>10}  {'met' if met else 'NOT met'}")


def print_generated(report: dict) -> None:
    g = report["generated"]
    print(f"SF {report['scale']}, seed {report['seed']}, {report['cpus']} CPUs: "
          f"{g['rows']:,} input rows, {g['bytes'] / 2**20:,.0f} MB of CSV, generated in "
          f"{g['seconds']:.1f} s")


def print_next_day(d: dict) -> None:
    print(f"\nnightly file: {d['new_lines']:,} new SP2D lines dated {d['date']} + "
          f"{d['corrected_resends']:,} corrected re-sends")


def print_verify(report: dict) -> None:
    print(f"\n--verify: full refresh {report['full_refresh_seconds']:.1f} s; mart rows differing "
          f"from the incremental result: {report['marts_differing_rows']}")


# ---------------------------------------------------------------------------------------------


def main() -> None:
    if sys.argv[1:2] == ["--floor-child"]:      # the floor's own process (run_floor)
        db, extracts, day_file, *names = sys.argv[2:]
        floor_child(Path(db), Path(extracts), Path(day_file), names)
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, required=True, help="scale factor (1 = one national year)")
    ap.add_argument("--nightly", action="store_true", help="then one more day lands and runs")
    ap.add_argument("--verify", action="store_true",
                    help="then a full refresh, whose marts must equal the incremental ones")
    ap.add_argument("--work", type=Path, help="working directory, kept (default: a temporary one)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--json", action="store_true", help="one JSON document instead of tables")
    args = ap.parse_args()
    sys.path.insert(0, str(REPO))

    work = args.work or Path(tempfile.mkdtemp(prefix=f"bench-pipeline-{args.scale}-"))
    work.mkdir(parents=True, exist_ok=True)
    home, extracts, floor_db = work / "home", work / "extracts", work / "floor.duckdb"
    report: dict = {"scale": args.scale, "seed": args.seed, "cpus": os.cpu_count(), "rounds": []}

    def show(printer, *what) -> None:
        """Tables as each part finishes (a long run shows what it has); --json prints at the end."""
        if not args.json:
            printer(*what)
            sys.stdout.flush()

    try:
        report["generated"] = generate_sample(extracts, args.scale, args.seed)
        show(print_generated, report)
        drop_into_landing([Path(f) for f in report["generated"]["files"]], home)
        report["rounds"].append(bench_round(
            "first run: every file into an empty warehouse", home, floor_db, extracts,
            ["load", "marts"], FLOOR_OF_STAGE))
        show(print_round, report["rounds"][-1])
        if args.nightly:
            day = work / "day" / "realization_next_day.csv"
            day.parent.mkdir(parents=True, exist_ok=True)
            report["next_day"] = next_day_file(extracts, day, args.seed)
            show(print_next_day, report["next_day"])
            drop_into_landing([day], home)
            report["rounds"].append(bench_round(
                "nightly: one more day of SP2D lines on the built warehouse", home, floor_db,
                extracts, ["append_day", "marts"], FLOOR_OF_STAGE_NIGHTLY, day_file=day))
            show(print_round, report["rounds"][-1])
        if args.verify:
            snapshot = work / "incremental.duckdb"
            shutil.copy(home / "warehouse.duckdb", snapshot)
            run, _ = pbk_run(home, full_refresh=True)
            report["full_refresh_seconds"] = run.seconds
            report["marts_differing_rows"] = marts_differing_rows(home / "warehouse.duckdb", snapshot)
            show(print_verify, report)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    show(print_targets, report)
    if args.json:
        print(json.dumps(report, indent=2, default=str))

if __name__ == "__main__":
    main()
