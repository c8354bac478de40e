"""`pbk trace MART --key COL=VALUE ...`: the command's arguments, its JSON and its exit code (the
trace itself is serving/trace/; what it prints for people is pbk/printing.py print_trace)."""
from __future__ import annotations

import datetime as dt
import json
import math
import os
import sys
from decimal import Decimal

from base import settings
from serving.trace.marts import MARTS
from serving.trace.reconcile import MAX_LINES, TraceError, run_trace
from .printing import print_trace

EXIT_OK, EXIT_NOT_RECONCILED, EXIT_BAD_REQUEST = 0, 1, 2


def add_trace_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "trace", help="the source files, sha256s, rows and amounts behind a mart figure, reconciled",
        description="Trace a mart figure to the extract lines behind it. Example: pbk trace "
                    "mart_absorption --key fiscal_year=2025 --key work_unit_code=019012 --key month=6")
    p.add_argument("mart", choices=sorted(MARTS), metavar="MART",
                   help="one of: " + ", ".join(sorted(MARTS)))
    p.add_argument("--key", action="append", default=[], metavar="COL=VALUE",
                   help="mart column and value (repeat); an empty value matches NULL")
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.add_argument("--verify-source", action="store_true",
                   help="re-hash the archived files and show each line's text from the file")
    p.add_argument("--limit", type=int, default=None,
                   help="print at most this many lines per side (the reconciliation uses all)")
    p.add_argument("--max-lines", type=int, default=MAX_LINES,
                   help=f"refuse selections with more source lines than this (default {MAX_LINES:,})")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--warehouse", action="store_true",
                       help="read warehouse.duckdb instead of the published copy")
    where.add_argument("--db", help="read this DuckDB file")
    p.set_defaults(func=cmd_trace)


def _jsonable(v):
    if isinstance(v, Decimal):
        return str(v)     # exact Rupiah, never a binary float
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return v


def _to_json(obj):
    """The trace as JSON: amounts as exact text, NaN and infinity as null, dates in ISO form."""
    if isinstance(obj, dict):
        return {k: _to_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_to_json(v) for v in obj]
    return _jsonable(obj)


def cmd_trace(args) -> int:
    home = settings.paths().home
    try:
        result = run_trace(home, args.mart, parse_keys(args.key), db=args.db,
                           warehouse=args.warehouse, verify=args.verify_source,
                           max_lines=args.max_lines or None)
    except TraceError as exc:
        if args.json:
            json.dump({"error": str(exc)}, sys.stdout, indent=2)
            sys.stdout.write("\n")
        else:
            print(f"pbk trace: {exc}", file=sys.stderr)
        return EXIT_BAD_REQUEST
    try:
        if args.json:
            json.dump(_to_json(result.as_dict()), sys.stdout, indent=2)
            sys.stdout.write("\n")
        else:
            print_trace(result, limit=args.limit)
        sys.stdout.flush()
    except BrokenPipeError:  # `pbk trace ... | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK if result.reconciled else EXIT_NOT_RECONCILED


def parse_keys(pairs: list[str]) -> dict[str, str | None]:
    """--key COL=VALUE arguments as {column: value}; an empty value is None (matches NULL)."""
    keys: dict[str, str | None] = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise TraceError(f"--key {pair!r}: expected COLUMN=VALUE")
        col, value = pair.split("=", 1)
        col = col.strip()
        if not col:
            raise TraceError(f"--key {pair!r}: empty column name")
        keys[col] = value.strip() if value.strip() != "" else None
    return keys
