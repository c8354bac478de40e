"""The canonical files of a generated folder: the extract kinds, their file names and columns."""
from __future__ import annotations

from ingest.contracts import CONTRACTS
from pbk.generator.export_shapes import CANONICAL_HEADERS

# 2: canonical codes (output with its kegiatan, Kemendagri pemda codes, pemda-qualified SIPD SKPD
# codes) and export shapes; the random draws and every other value are those of version 1.
GENERATOR_VERSION = 2
STREAMED_KINDS = ("budget", "budget_plan", "realization", "output_volume", "indicator")
SMALL_KINDS = ("sakip_evaluation", "cost_standard")
ALL_KINDS = STREAMED_KINDS + SMALL_KINDS
FILE_NAMES = {kind: f"{kind}.csv" for kind in ALL_KINDS}
DIRT_FILE = "dirt.csv"
MANIFEST_FILE = "manifest.json"

# The canonical layout (export_shapes.py): the generator's row builders emit values in this order.
# Contracts may gain optional columns the generator does not fill; anything else that changes
# under us fails loudly.
CANONICAL_COLUMNS = {kind: list(columns) for kind, columns in CANONICAL_HEADERS.items()}


def _check_canonical_columns() -> None:
    for kind, columns in CANONICAL_COLUMNS.items():
        contract = CONTRACTS[kind].column_names
        in_contract_order = [c for c in contract if c in columns]
        missing = set(CONTRACTS[kind].mandatory) - set(columns) - set(CONTRACTS[kind].derivable)
        if in_contract_order != columns or missing:
            raise RuntimeError(f"contract for {kind!r} changed; update the row builders of "
                               "pbk/generator")


_check_canonical_columns()
