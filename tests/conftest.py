"""Settings and fixtures every test shares.

Tests mirror the packages (tests/<package>/test_<module>.py); helpers live in tests/support/
(support.pristine, support.dbt_scenario, support.hostile_corpus, support.shared). The built
warehouses below are made once per test run (support/shared.py: one build for every xdist worker)
by the production path, `orchestration.run.run_all`; they must not be changed: copy them first.
"""
import os

import pytest

# Test files are written whole before a run starts: no need to wait for them to settle (the test of
# files in flight sets its own interval).
os.environ.setdefault("PBK_SETTLE_SECONDS", "0")
# The Spark builds of the tests are samples of a few thousand rows: one shuffle partition, no
# adaptive re-planning, no code generation, two dbt threads (docs/spark.md "Settings").
for name, value in (("PBK_SPARK_SHUFFLE_PARTITIONS", "1"), ("PBK_SPARK_ADAPTIVE", "false"),
                    ("PBK_SPARK_CODEGEN", "false"), ("PBK_SPARK_THREADS", "2")):
    os.environ.setdefault(name, value)


@pytest.fixture(scope="session", autouse=True)
def dbt_manifest_cache(tmp_path_factory):
    """Every test home of this run (and the `pbk` processes tests start) copies the parsed dbt
    manifest from one cache directory instead of running `dbt parse` again: the first home that
    needs it parses it (orchestration/dbt_models.py: prepare_manifest, keyed by the dbt project's
    fingerprint, so an edited project is parsed anew)."""
    from orchestration.dbt_models import MANIFEST_CACHE_ENV
    from tests.support.shared import run_directory

    mp = pytest.MonkeyPatch()
    mp.setenv(MANIFEST_CACHE_ENV, str(run_directory(tmp_path_factory) / "dbt-manifests"))
    yield
    mp.undo()


@pytest.fixture(scope="session")
def pristine(tmp_path_factory) -> dict:
    """The demo sample built and published (support/pristine.py): {'home', 'outcome', 'manifest',
    'started'}."""
    from tests.support.pristine import pristine_home

    return pristine_home(tmp_path_factory)


@pytest.fixture(scope="session")
def scenario(tmp_path_factory):
    """The hand-made fiscal year of the dbt tests, built with the dbt unit tests
    (support/dbt_scenario.py): (PBK_HOME, Build)."""
    from tests.support.dbt_scenario import built_scenario

    return built_scenario(tmp_path_factory)


# The test files that take longest (measured with `pytest --durations`; most build whole
# warehouses), longest first. `make test` hands whole files to two xdist workers in collection
# order (--dist loadfile --no-loadscope-reorder): starting with the longest keeps both busy to the
# end instead of leaving one long file for last. The first two never wait for a shared build; the
# first users of `scenario` and `pristine` (3rd and 4th) build them while the others do not need
# them yet. Files not listed run afterwards in their usual order; a file missing here only runs
# later, never not at all.
LONGEST_FIRST = [
    "tests/orchestration/test_spark_engine.py",    # the demo sample built on Spark (~3-4 min)
    "tests/dbt_project/test_dbt_figures_spark.py",  # the hand-made scenario built on Spark
    "tests/test_wheel_install.py",                 # installs the wheel into a fresh venv, demo
    "tests/ingest/test_export_shape_marts.py",     # two whole builds of three fiscal years
    "tests/orchestration/test_faults.py",          # a run killed during dbt, then the rerun
    "tests/dbt_project/test_dbt_incremental.py",   # builds `scenario`, then five builds of copies
    "tests/orchestration/test_resources.py",       # builds `pristine`, then two runs at once
    "tests/serving/test_publish.py",
    "tests/pbk/test_rebuild.py",
    "tests/dbt_project/test_dbt_figures.py",
    "tests/dbt_project/test_floor_matches_marts.py",  # a clean demo-scale build
    "tests/orchestration/test_ingest_assets.py",
    "tests/ingest/test_export_shapes.py",
    "tests/base/test_warehouse_file.py",
    "tests/ingest/test_ingest.py",
    "tests/pbk/test_demo.py",
    "tests/ingest/test_faults.py",
    "tests/ingest/test_hostile_files.py",
    "tests/ingest/test_fuzz_reader.py",
    "tests/expectations/test_data_quality.py",
]


def pytest_collection_modifyitems(items):
    rank = {path: i for i, path in enumerate(LONGEST_FIRST)}
    # stable: the tests of one file keep their order
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))
