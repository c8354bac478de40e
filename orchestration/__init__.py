"""Dagster orchestration of pbk-warehouse (see docs/orchestration.md).

`dagster dev -m orchestration` and `dagster definitions validate -m orchestration` load `defs`
below, built lazily for $PBK_HOME (importing this package does no work). `orchestration.run.run_all`
runs the whole job in-process, as `pbk run` does.
"""
from dagster import Definitions, definitions


@definitions
def defs() -> Definitions:
    from .definitions import build_definitions

    return build_definitions()
