"""The orchestration tests read the demo warehouse built once per test run (the `pristine`
fixture: the generated sample dropped into landing, then the whole job in-process, as `pbk run`);
a test that changes a warehouse or its landing folder works on a copy (`home_copy`)."""
import shutil

import pytest


@pytest.fixture(scope="module")
def home(pristine):
    """The built demo warehouse's PBK_HOME: read only."""
    return pristine["home"]


@pytest.fixture(scope="module")
def first_run(pristine):
    """The RunOutcome of the job that built `home`."""
    return pristine["outcome"]


@pytest.fixture(scope="module")
def defs(home):
    from orchestration.definitions import build_definitions

    return build_definitions(home)


@pytest.fixture
def home_copy(home, tmp_path):
    """A copy of the built warehouse's PBK_HOME without the Dagster run history (storage, logs)
    and the archive: a warehouse a test may change."""
    copy = tmp_path / "home"
    shutil.copytree(home, copy, symlinks=True,
                    ignore=shutil.ignore_patterns("archive", "storage", "logs", "warehouse.lock",
                                                  "schedules"))
    return copy
