"""The GX file context under $PBK_HOME/docs/dq: stored suites and validation definitions, and the
Data Docs (GX's pages and the offline front page, expectations/offline_index.py)."""
from __future__ import annotations

import hashlib
import html
import json
import logging
import shutil
import sys
from pathlib import Path

import base.settings  # noqa: F401  (telemetry off before GX is imported)

# GX imports PySpark when it is installed (it is, for the Spark engine, which runs it inside the
# dbt process, never here). Importing it costs ~0.4 s, warns about pandas 3, and under `python -c`
# PySpark 4.3 takes the process for a doctest run and exits it (pyspark/sql/connect/utils.py).
# GX validates pandas frames here: it is told PySpark is absent.
if "pyspark" not in sys.modules:
    sys.modules["pyspark"] = None  # type: ignore[assignment]  # `import pyspark` -> ImportError
    try:
        import great_expectations as gx  # noqa: E402
    finally:
        del sys.modules["pyspark"]
else:  # pragma: no cover - a process that already uses PySpark
    import great_expectations as gx  # noqa: E402

from . import offline_index, offline_pages

CONFIG_DIR = Path(__file__).resolve().parent / "gx"
log = logging.getLogger(__name__)
DATASOURCE = "pbk"
FRAME_ASSET = "frames"          # declared in gx/great_expectations.yml
FRAME_BATCH = "whole_frame"
# marks a stored result whose sampled values are HTML-escaped already
ESCAPED_MARK = "pbk_values_html_escaped"


def html_escaped(value):
    """Every string inside value (dicts, lists) HTML-escaped, for a page that does not escape."""
    if isinstance(value, str):
        return html.escape(value)
    if isinstance(value, list):
        return [html_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: html_escaped(v) for k, v in value.items()}
    return value


def suite_fingerprint(expectations: list) -> str:
    """A digest of the expectations (type, kwargs, meta), to tell whether the stored suite is
    still the one the code defines."""
    doc = [{"type": e.expectation_type, "kwargs": e.configuration.kwargs, "meta": e.meta}
           for e in expectations]
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()[:16]


class DQContext:
    """The GX file context under $PBK_HOME/docs/dq/gx, configured from the committed file.

    The committed file declares the pandas datasource and the one dataframe asset every suite
    validates (the frames differ per suite, the asset does not), so a run never rewrites it and
    opening the context stays cheap. Each suite has a stored validation definition (no checkpoints:
    they would add no actions, Data Docs are rendered once per run, and a checkpoint run checks
    every stored object again). Suites and validation definitions are stored once and again only
    when the suite's expectations change (a fingerprint in the suite's meta).
    """

    def __init__(self, docs_dir: Path):
        self.root = docs_dir / "dq"
        gx_dir = self.root / "gx"
        gx_dir.mkdir(parents=True, exist_ok=True)
        committed = CONFIG_DIR / "great_expectations.yml"
        target = gx_dir / "great_expectations.yml"
        if not target.exists() or target.read_bytes() != committed.read_bytes():
            shutil.copyfile(committed, target)
        self.context = gx.get_context(mode="file", project_root_dir=str(self.root))
        self.batch_definition = (self.context.data_sources.get(DATASOURCE).get_asset(FRAME_ASSET)
                                 .get_batch_definition(FRAME_BATCH))
        self._validations: dict[str, tuple] = {}

    @property
    def site_index(self) -> Path:
        """The Data Docs entry point: the offline front page (expectations/offline_index.py)."""
        return self.root / "index.html"

    def validation(self, suite_name: str, expectations: list) -> tuple:
        """(validation definition, suite) validating these expectations on a whole frame."""
        if suite_name not in self._validations:
            fingerprint = suite_fingerprint(expectations)
            self._validations[suite_name] = (self._stored(suite_name, fingerprint)
                                             or self._store(suite_name, expectations, fingerprint))
        return self._validations[suite_name]

    def _store(self, suite_name: str, expectations: list, fingerprint: str) -> tuple:
        """Plain adds on a new home (a third of the cost of add_or_update, which reads back and
        compares); add_or_update when an older version is stored."""
        def new_suite():    # copies: an expectation belongs to one stored suite only
            return gx.ExpectationSuite(
                name=suite_name, expectations=[e.copy(update={"id": None}) for e in expectations],
                meta={"fingerprint": fingerprint})

        def new_validation(suite):
            return gx.ValidationDefinition(name=suite_name, data=self.batch_definition,
                                           suite=suite)

        try:
            suite = self.context.suites.add(new_suite())
            return self.context.validation_definitions.add(new_validation(suite)), suite
        except gx.exceptions.DataContextError:
            pass    # an older version (or one left by an interrupted run) is stored: update it
        suite = self.context.suites.add_or_update(new_suite())
        return self.context.validation_definitions.add_or_update(new_validation(suite)), suite

    def _stored(self, suite_name: str, fingerprint: str) -> tuple | None:
        """The stored validation definition and suite when they already validate exactly these
        expectations on the frame asset, else None."""
        try:
            vd = self.context.validation_definitions.get(suite_name)
        except gx.exceptions.DataContextError:
            return None     # not stored yet
        except Exception as exc:  # noqa: BLE001 - any unreadable file: rebuilt from the code
            # a file cut short by a crash while GX wrote it, or one naming an asset of an older
            # configuration: both files are generated from expectations/*.py, so they are removed
            # and stored again
            log.warning("GX definition of suite %s cannot be read with this configuration (%s); "
                        "storing it again", suite_name,
                        str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            for store in ("validation_definitions", "expectations"):
                (self.root / "gx" / store / f"{suite_name}.json").unlink(missing_ok=True)
            return None
        if (vd.suite.meta.get("fingerprint") != fingerprint or vd.suite.name != suite_name
                or vd.data.id != self.batch_definition.id):
            return None
        return vd, vd.suite

    def _prepare_results(self, keys, con) -> None:
        """Before their pages are rendered, once per stored result (a marker in its meta):
        - GX renders the values it samples from a frame (unexpected values, observed values)
          without HTML escaping: a cell `<script>...` in an extract would run in an auditor's
          browser, so every sampled value is escaped (they stay exact in ops.quarantine and
          ops.dq_results);
        - the page names its data asset and gives row rules' counts in rows of the batch
          (offline_pages.restate_result, from ops.dq_results and ops.load_log)."""
        store = self.context.validation_results_store
        for key in keys:
            if not hasattr(key, "batch_identifier"):   # an expectation suite page: our own text
                continue
            result = store.get(key)
            if result.meta.get(ESCAPED_MARK) and result.meta.get(offline_pages.RESTATED_MARK):
                continue
            if not result.meta.get(ESCAPED_MARK):
                for r in result.results:
                    r.result = html_escaped(r.result)
                result.meta[ESCAPED_MARK] = True
            suite, run_name = key.expectation_suite_identifier.name, key.run_id.run_name
            asset, rows, batch_rows = _asset_and_rows(con, suite, run_name)
            offline_pages.restate_result(result, asset, rows, batch_rows)
            result.meta[offline_pages.RESTATED_MARK] = True
            store.set(key, result)

    def build_docs(self, con) -> list:
        """Render the Data Docs pages that are missing or stale: validation results without a page,
        suites stored since their page was rendered. A full rebuild re-renders every result ever
        stored and grows with each night (7.6 s after 30 nights of the sample, against 0.5 s for
        one); GX's own site index is not rebuilt for the same reason (it reads every result, and
        offline its table is empty anyway: it loads scripts from CDNs). `site/index.html` points to
        the offline front page instead. Returns the identifiers rendered."""
        site = self.root / "site"
        gx_dir = self.root / "gx"
        resources, pages = [], []
        for key in self.context.validation_results_store.list_keys():
            *dirs, name = key.to_tuple()
            page = site.joinpath("validations", *dirs, f"{name}.html")
            if not page.exists():
                resources.append(key)
                pages.append(page)
        for key in self.context.expectations_store.list_keys():
            name = key.to_tuple()[0]
            page = site / "expectations" / f"{name}.html"
            stored = gx_dir / "expectations" / f"{name}.json"
            if not page.exists() or (stored.exists()
                                     and page.stat().st_mtime_ns < stored.stat().st_mtime_ns):
                resources.append(key)
                pages.append(page)
        if resources:
            self._prepare_results(resources, con)
            self.context.build_data_docs(resource_identifiers=resources, build_index=False)
            offline_pages.install_stylesheet(site)
            for page in pages:
                if page.exists():
                    offline_pages.localise_page(page, site)
        site.mkdir(parents=True, exist_ok=True)
        redirect = site / "index.html"
        if not redirect.exists() or "pbk-front-page" not in redirect.read_text(errors="replace"):
            redirect.write_text(
                "<!doctype html><html><head><meta charset='utf-8'><meta name='pbk-front-page'>"
                "<meta http-equiv='refresh' content='0; url=../index.html'>"
                "<title>pbk data quality</title></head><body><p>The data-quality front page is "
                "<a href='../index.html'>../index.html</a>: every validation, newest first, linked "
                "to its page here.</p></body></html>", encoding="utf-8")
        return resources


def refresh_data_docs(con, docs_dir: Path, dq: DQContext | None = None) -> Path:
    """Render the Data Docs pages that are due and rebuild the offline front page from
    ops.dq_results; opens the GX context under docs_dir unless one is given. Returns the front
    page ($PBK_HOME/docs/dq/index.html)."""
    dq = dq or DQContext(docs_dir)
    dq.build_docs(con)
    return offline_index.build(con, dq.root)


def _asset_and_rows(con, suite: str, run_name: str) -> tuple[str, dict | None, int | None]:
    """What a stored result validated, for its page: (the data asset's name, {row rule: rows of
    the batch} for an extract suite else None, the batch's rows read)."""
    found = con.execute(
        "SELECT any_value(source_file), any_value(load_id) FROM ops.dq_results "
        "WHERE suite = ? AND (load_id = ? OR run_id = ?)", [suite, run_name, run_name]).fetchone()
    source_file, load_id = found if found else (None, None)
    if not load_id:
        return f"marts, dbt run {run_name}" if suite != "mart_rules" else \
            f"rule seeds, dbt run {run_name}", None, None
    asset = f"{source_file} (load {load_id})"
    if not suite.startswith("extract_"):
        return asset, None, None
    rows = dict(con.execute("SELECT rule, unexpected_count FROM ops.dq_results WHERE suite = ? "
                            "AND load_id = ?", [suite, load_id]).fetchall())
    batch_rows = con.execute("SELECT max(rows_read) FROM ops.load_log WHERE load_id = ?",
                             [load_id]).fetchone()[0]
    return asset, rows, batch_rows
