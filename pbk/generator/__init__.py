"""Deterministic synthetic extracts for the PBK warehouse (`pbk generate`).

`extracts.generate()` writes one CSV per extract kind in the canonical layout (the contract columns
it fills, in contract order, canonical codes; see base/codes.py), plus `manifest.json` and
`dirt.csv`. SF 1 is one national year: ~20,000 work units (half central satker, half regional
SKPD), ~5M budget lines, ~20M realization lines, ~1M indicator rows. With a `shape` other than
canonical the same data is written in the layouts of real exports (export_shapes.py), by a
streaming pass over the canonical files.

How it stays fast and small:
- the registry (institutions, work units, programs; registry.py) is built first and is small;
- then every work unit is generated in turn (work_unit.py: budget with its revisions, plan,
  realization, output volumes, indicators) and its rows are written at once, so memory does not
  grow with the scale;
- every work unit draws from its own random streams seeded by (seed, unit serial), so a unit's data
  never depends on how much randomness earlier units consumed.

Dirt is injected by a second streaming pass over each clean file (dirt.py). The clean content
therefore does not depend on the dirty fraction: a dirty file is its clean twin with exactly the
rows listed in dirt.csv changed (or, for duplicate_line, added).

The names the generator draws from (regions, institutions, programs, accounts, indicators, cost
standards) are data files in vocabulary/. Nothing is imported here, so `pbk` commands that only
need the list of shapes (export_shapes.py) do not load the generator.
"""
