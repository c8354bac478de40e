"""The GX runner as the loader calls it, in one module: the loader imports it in the background
while it stages the first file (importing GX takes seconds). The pieces live by job:
gx_context.py (the GX context, Data Docs), row_validation.py (row rules on a batch),
batch_rules.py (batch rules), validation.py (validating a frame, rule results), results.py
(ops.dq_results)."""
from __future__ import annotations

from .batch_rules import batch_rules
from .gx_context import DQContext, refresh_data_docs
from .results import record_results
from .row_validation import validate_batch
from .validation import BatchVerdict, RuleResult

__all__ = ["BatchVerdict", "DQContext", "RuleResult", "batch_rules", "record_results",
           "refresh_data_docs", "validate_batch"]
