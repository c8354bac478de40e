"""The dbt layers read only the layers before them (docs/architecture.md, "dbt layers"):
staging reads the raw sources (and seeds), intermediate reads staging, core reads staging and
intermediate, marts read core and intermediate (and earlier marts: the last layer, a mart built
from other marts makes no back-edge; a staging model may read a staging model of the same raw
source, as stg_realization reads the superseded rows of raw.realization). Seeds (the rule tables) may be read by every layer. Checked
on the manifest of a `dbt parse`, so a ref that points back (a dimension built from a fact, an
intermediate model reading core) fails here before it builds."""
from __future__ import annotations

import pytest

LAYERS = ("staging", "intermediate", "core", "marts")
SAME_LAYER_ALLOWED = {"marts"}
# beside the layers: views of what ingest recorded (ops.*), published for auditors; they read the
# ops source only, and no layer reads them
AUDIT = "audit"


def _same_source(node: dict, parent: dict) -> bool:
    """Both staging models read raw, and the parent only the raw tables the model reads too."""
    def sources(n):
        return {d for d in n["depends_on"]["nodes"] if d.startswith("source.")}
    return bool(sources(parent)) and sources(parent) <= sources(node)


def back_edges(manifest: dict) -> list[str]:
    """Every read of a model, source or seed that its layer may not make, as text."""
    nodes = {**manifest["nodes"], **manifest.get("sources", {})}
    problems = []
    for uid, node in manifest["nodes"].items():
        if node["resource_type"] != "model":
            continue
        layer = node["fqn"][1]
        if layer == AUDIT:
            if node["schema"] != AUDIT:
                problems.append(f"{uid}: built in schema {node['schema']!r}, not {AUDIT!r}")
            problems += [f"{uid} (audit) reads {parent}: audit reads the ops source only"
                         for parent in node["depends_on"]["nodes"]
                         if not parent.startswith("source.pbk.ops.")]
            continue
        if layer not in LAYERS:
            problems.append(f"{uid}: folder {layer!r} is not a layer")
            continue
        if node["schema"] != layer:
            problems.append(f"{uid}: built in schema {node['schema']!r}, not {layer!r}")
        rank = LAYERS.index(layer)
        for parent in node["depends_on"]["nodes"]:
            p = nodes.get(parent, {})
            kind = p.get("resource_type")
            if kind == "seed":
                continue
            if kind == "source":
                if layer != "staging":
                    problems.append(f"{uid} ({layer}) reads source {parent}: only staging reads raw")
                continue
            if kind != "model":
                continue
            p_layer = p["fqn"][1]
            if p_layer == AUDIT:
                problems.append(f"{uid} ({layer}) reads {parent}: nothing reads the audit views")
                continue
            p_rank = LAYERS.index(p_layer) if p_layer in LAYERS else len(LAYERS)
            if p_rank == rank and layer == "staging" and _same_source(node, p):
                continue
            if p_rank > rank or (p_rank == rank and layer not in SAME_LAYER_ALLOWED):
                problems.append(f"{uid} ({layer}) reads {parent} ({p_layer})")
    return problems


def _model(name: str, layer: str, parents=(), schema=None) -> tuple[str, dict]:
    return f"model.pbk.{name}", {"resource_type": "model", "fqn": ["pbk", layer, name],
                                 "schema": schema or layer, "depends_on": {"nodes": list(parents)}}


def test_the_check_sees_back_edges_sources_and_schemas():
    manifest = {"nodes": dict([
        _model("stg_a", "staging", ["source.pbk.raw.a"]),
        _model("stg_a_latest", "staging", ["source.pbk.raw.a", "model.pbk.stg_a"]),
        _model("stg_b", "staging", ["source.pbk.raw.b", "model.pbk.stg_a"]),
        _model("int_a", "intermediate", ["model.pbk.stg_a", "model.pbk.fact_a"], schema="staging"),
        _model("fact_a", "core", ["model.pbk.stg_a", "seed.pbk.rule_a"]),
        _model("dim_a", "core", ["model.pbk.fact_a", "source.pbk.raw.a"]),
        _model("mart_a", "marts", ["model.pbk.fact_a", "model.pbk.int_a"]),
        _model("mart_b", "marts", ["model.pbk.mart_a"]),
        _model("audit_a", "audit", ["source.pbk.ops.a", "source.pbk.raw.a"]),
        _model("mart_c", "marts", ["model.pbk.audit_a"]),
        ("seed.pbk.rule_a", {"resource_type": "seed", "fqn": ["pbk", "rules", "rule_a"]}),
    ]), "sources": {"source.pbk.raw.a": {"resource_type": "source"},
                                    "source.pbk.raw.b": {"resource_type": "source"}}}
    assert back_edges(manifest) == [
        "model.pbk.stg_b (staging) reads model.pbk.stg_a (staging)",
        "model.pbk.int_a: built in schema 'staging', not 'intermediate'",
        "model.pbk.int_a (intermediate) reads model.pbk.fact_a (core)",
        "model.pbk.dim_a (core) reads model.pbk.fact_a (core)",
        "model.pbk.dim_a (core) reads source source.pbk.raw.a: only staging reads raw",
        "model.pbk.audit_a (audit) reads source.pbk.raw.a: audit reads the ops source only",
        "model.pbk.mart_c (marts) reads model.pbk.audit_a: nothing reads the audit views",
    ]


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    from base.settings import paths
    from orchestration.dbt_models import dbt_project_for, prepare_manifest

    p = paths(tmp_path_factory.mktemp("layers") / "home").ensure()
    return prepare_manifest(p, dbt_project_for(p))


def test_each_layer_reads_only_the_layers_before_it(manifest):
    models = [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    assert {n["fqn"][1] for n in models} == set(LAYERS) | {AUDIT}
    assert back_edges(manifest) == []
