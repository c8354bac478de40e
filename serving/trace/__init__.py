"""From a mart figure to the extract lines behind it (`pbk trace`, docs/audit.md): `marts.py`
(which marts can be traced and how), `ratios.py` (the mart's ratios recomputed from the traced
lines), `reconcile.py` (the trace: mart rows, their source lines, the sums compared),
`source_files.py` (re-reading the archived files, --verify-source)."""
