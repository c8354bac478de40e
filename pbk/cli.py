"""The `pbk` command line. `--json` prints one JSON document on stdout; human output otherwise."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from base import settings
from ingest.contracts import CONTRACTS
from .progress_display import progress_shown
from .printing import (print_dq, print_generated, print_ingest_table,
                       print_publish_result, print_run_outcome, print_status)



def _print_json(doc) -> None:
    json.dump(doc, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")


def cmd_generate(args) -> int:
    from .generator.extracts import generate

    manifest = generate(Path(args.out), scale=args.scale, seed=args.seed,
                        dirty_fraction=args.dirty_fraction, fiscal_year=args.fiscal_year,
                        shape=args.shape)
    if args.json:
        _print_json(manifest)
    else:
        print_generated(Path(args.out), manifest)
    return 0


def cmd_ingest(args) -> int:
    from ingest.loader import ingest_files, ingest_landing
    from ingest.results import EXIT_INTERNAL_ERROR, exit_code
    from base.warehouse_file import WarehouseBusy, WarehouseDamaged

    home = settings.paths()
    try:
        with progress_shown(args.json):
            if args.paths:
                results = ingest_files([Path(p) for p in args.paths], home, kind=args.kind,
                                       sheet=args.sheet)
            else:
                results = ingest_landing(home)
    except (WarehouseBusy, WarehouseDamaged, OSError):
        raise   # the machine or the warehouse file: main() names the cause
    except Exception as exc:  # an internal error: the file stays where it was
        if args.json:
            _print_json({"error": repr(exc)})
        else:
            print(f"pbk ingest: internal error: {exc!r}", file=sys.stderr)
        return EXIT_INTERNAL_ERROR
    if args.json:
        keys = ("file", "kind", "status", "rows_read", "rows_loaded", "rows_quarantined", "reason",
                "load_id", "quarantined_by_rule", "rows_amount_unparsed", "notes", "warnings")
        amounts = ("amount_read", "amount_loaded", "amount_quarantined")   # exact, as text
        _print_json([{**{k: r.as_dict()[k] for k in keys},
                      **{k: None if getattr(r, k) is None else str(getattr(r, k)) for k in amounts}}
                     for r in results])
    else:
        print_ingest_table(results)
    return exit_code(results)


def cmd_status(args) -> int:
    from serving.status import status

    doc = status(settings.paths())
    if args.json:
        _print_json(doc)
    else:
        print_status(doc)
    return 0


def cmd_dq(args) -> int:
    from serving.status import dq_overview

    doc = dq_overview(settings.paths(), args.limit)
    if args.json:
        _print_json(doc)
    else:
        print_dq(doc)
    return 0


def cmd_run(args) -> int:
    from orchestration.run import run_all

    p = settings.paths()
    with progress_shown(args.json):
        outcome = run_all(p.home, full_refresh=args.full_refresh, engine=args.engine)
    if args.json:
        _print_json(outcome.as_dict())
    else:
        print_run_outcome(outcome, p)
    if outcome.blocking_failures:
        print("pbk run: blocking check(s) failed, nothing published: "
              + ", ".join(c.label for c in outcome.blocking_failures), file=sys.stderr)
    return outcome.exit_code


def cmd_rebuild(args) -> int:
    from .rebuild import RebuildError, rebuild

    try:
        doc = rebuild(settings.paths())
    except RebuildError as exc:
        doc = {"error": str(exc)}
    if args.json:
        _print_json(doc)
    elif "error" in doc:
        print(f"pbk rebuild: {doc['error']}", file=sys.stderr)
    else:
        print(f"Reloaded {doc['files']} archived file(s), {doc['rows_loaded']:,} rows, under their "
              f"original load ids; run {doc.get('run_id')} "
              f"{'succeeded' if doc.get('success') else 'FAILED'}")
        if doc["kept_aside"]:
            print(f"  the previous warehouse file is kept at {doc['kept_aside']}")
        for line in doc["differences"] + doc.get("errors", []):
            print(f"  {line}")
    return 0 if doc.get("success") and not doc.get("differences") else 1


def cmd_publish(args) -> int:
    from serving.publish import PublishError, publish

    p = settings.paths()
    try:
        result = publish(p.home, args.run_id, keep=args.keep, storage_version=args.storage_version,
                         database=args.database)
    except PublishError as exc:
        if args.json:
            _print_json({"published": False, "error": str(exc)})
        else:
            print(f"pbk publish: {exc}", file=sys.stderr)
        return 1
    if args.json:
        _print_json(result.as_dict())
    else:
        print_publish_result(result)
    return 0 if result.published else 3


def cmd_demo(args) -> int:
    from .demo import demo

    p = settings.paths()
    code, trace_argv = demo(p)
    if trace_argv:
        print("\nTrace example (an auditor's view of the lowest absorption above):")
        print("$ pbk " + " ".join(trace_argv))
        main(trace_argv)
    print(f"\nData quality, one row per file with every rule that quarantined, rejected or warned "
          f"(hold it against ops.load_log, published as audit.load_log):\n  "
          f"{p.docs / 'dq' / 'index.html'}")
    return code


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pbk-warehouse")
    except PackageNotFoundError:   # run from a checkout that was not installed
        return "unknown (not installed)"


def _command(sub, name: str, help: str, **kwargs) -> argparse.ArgumentParser:
    """A subcommand whose `pbk NAME --help` opens with the same sentence `pbk --help` lists."""
    return sub.add_parser(name, help=help, description=help, **kwargs)


def _positive_number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text} must be greater than 0 (1 = one national year)")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pbk",
        description="pbk-warehouse: nightly warehouse for Indonesian performance-based budgeting "
                    "(budget absorption, efficiency, SAKIP). State lives under PBK_HOME "
                    "(default .pbk/).")
    parser.add_argument("--version", action="version", version=f"pbk {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = _command(sub, "rebuild", help="rebuild the warehouse from the archive alone (after a "
                                       "damaged warehouse file): reload every archived file, run")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_rebuild)

    p = _command(sub, "demo", help="generate a small sample into landing and run the pipeline")
    p.set_defaults(func=cmd_demo)

    p = _command(sub, "run", help="ingest landing, build dbt, run checks, publish (the Dagster "
                                   "job, in-process); non-zero exit if a blocking check failed")
    p.add_argument("--full-refresh", action="store_true", help="rebuild every dbt model from scratch")
    p.add_argument("--engine", choices=("duckdb", "spark"), default=None,
                   help="what builds the dbt models: duckdb (default, or PBK_ENGINE) or spark "
                        "(dbt-spark on the raw batches as Parquet; docs/spark.md)")
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.set_defaults(func=cmd_run)

    p = _command(sub, "generate", help="write deterministic synthetic extracts (one file per kind)")
    p.add_argument("--scale", type=_positive_number, required=True, help="scale factor; 1 = one national year")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--seed", type=int, default=42, help="random seed (same seed, same bytes)")
    p.add_argument("--dirty-fraction", type=float, default=0.0,
                   help="share of rows made dirty as real exports are (counted in manifest.json)")
    p.add_argument("--fiscal-year", type=int, default=2025, help="fiscal year of the extracts")
    from .generator.export_shapes import SHAPES
    p.add_argument("--shape", choices=SHAPES, default=SHAPES[0],
                   help="file layout: canonical, or the same data as real exports lay it out "
                        "(_pusat and _daerah files; clean data only)")
    p.add_argument("--json", action="store_true", help="print the manifest as JSON")
    p.set_defaults(func=cmd_generate)

    p = _command(sub, "ingest", help="load extract files into raw.* (kind detected from headers)")
    p.add_argument("paths", nargs="*", help="files or folders; none = everything in landing")
    p.add_argument("--kind", choices=sorted(CONTRACTS),
                   help="extract kind, when headers are not enough")
    p.add_argument("--sheet", help="XLSX sheet name (default: the first sheet)")
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.set_defaults(func=cmd_ingest)

    p = _command(sub, "dq", help="what each data-quality rule quarantined, rejected or warned "
                                  "about in the latest files: rows, Rupiah, examples")
    p.add_argument("--limit", type=int, default=50, help="the latest this many files")
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.set_defaults(func=cmd_dq)

    p = _command(sub, "status", help="last loads, rejected files, quarantined rows, failing rules")
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.set_defaults(func=cmd_status)

    from .trace_command import add_trace_parser

    add_trace_parser(sub)

    from serving.published_versions import KEEP_VERSIONS
    from serving.publish import STORAGE_VERSION
    from serving.published_tables import DATABASE_MODES, DEFAULT_DATABASE_MODE

    p = _command(sub, 
        "publish", help="publish core and marts to published/ (Parquet + a DuckDB file) if the "
                        "latest mart checks passed")
    p.add_argument("--run-id", help="gate on this mart check run (default: the latest)")
    p.add_argument("--keep", type=int, default=None,
                   help=f"published versions to keep (default: PBK_PUBLISH_KEEP_VERSIONS, else "
                        f"{KEEP_VERSIONS})")
    p.add_argument("--storage-version", help=f"DuckDB storage version (default {STORAGE_VERSION})")
    p.add_argument("--database", choices=DATABASE_MODES, default=None,
                   help="what pbk.duckdb holds: views over this version's Parquet files (readers "
                        "on this machine) or tables (a self-contained copy to hand over); default "
                        f"PBK_PUBLISH_DATABASE, else {DEFAULT_DATABASE_MODE}")
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.set_defaults(func=cmd_publish)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    from base.warehouse_file import WarehouseBusy, WarehouseDamaged

    try:
        return args.func(args)
    except (WarehouseBusy, WarehouseDamaged, OSError) as exc:
        # the machine or the warehouse file, not the data: the cause in one line, and JSON stays
        # JSON (disk full, a lock held by another process, a damaged file)
        message = str(exc) if not isinstance(exc, OSError) else \
            f"{exc.strerror or exc} ({getattr(exc, 'filename', None) or 'no file named'})"
        if getattr(args, "json", False):
            _print_json({"error": message, "exit_code": 1})
        else:
            print(f"pbk {args.command}: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
