"""The synthetic extract generator: determinism, contract conformance, realism rules, exact dirt."""
from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from base.codes import (
    CENTRAL_ACCOUNT,
    CENTRAL_WORK_UNIT,
    REGIONAL_ACCOUNT,
    REGIONAL_SUB_ACTIVITY,
    REGIONAL_WORK_UNIT,
    split_regional_work_unit,
)
from ingest.contracts import CONTRACTS
from pbk.generator.canonical import ALL_KINDS, CANONICAL_COLUMNS, FILE_NAMES
from pbk.generator.dirt import DIRT_TYPES
from pbk.generator.extracts import generate

SCALE = 0.001
FISCAL_YEAR = 2025
DIRTY_FRACTION = 0.02

CENTRAL_PROGRAM = re.compile(r"^\d{3}\.\d{2}\.[A-Z]{2}$")
CENTRAL_ACTIVITY = re.compile(r"^\d{4}$")
CENTRAL_OUTPUT = re.compile(r"^\d{4}\.[A-Z]{3}\.\d{3}$")  # kegiatan.KRO.RO
CENTRAL_INSTANSI = re.compile(r"^\d{3}$")
REGIONAL_INSTANSI = re.compile(r"^\d{2}(\.\d{2})?$")  # province 32, kabupaten/kota 32.73
REGIONAL_PROGRAM = re.compile(r"^\d\.\d{2}\.\d{2}$")
REGIONAL_ACTIVITY = re.compile(r"^\d\.\d{2}\.\d{2}\.\d\.\d{2}$")
CENTRAL_DOCUMENT = re.compile(r"^25\d{13}$")
REGIONAL_DOCUMENT = re.compile(r"^SP2D/\d{4}/2025/\d{6}$")
PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
CENTRAL_FUNDING = {"RM", "PNBP", "PHLN", "BLU"}
REGIONAL_FUNDING = {"DAU", "DAK", "PAD", "DBH", ""}
CENTRAL_SPENDING_TYPES = {"51", "52", "53", "57"}
REGIONAL_SPENDING_TYPES = {"5.1.01", "5.1.02", "5.2", "5.1.06", "5.1.05"}
LEVEL_PARENT = {"sasaran_strategis": "tujuan", "program": "sasaran_strategis", "kegiatan": "program",
                "output": "kegiatan"}


# ------------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------------
def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    assert all(len(row) == len(header) for row in rows), f"{path.name}: ragged rows"
    return header, [dict(zip(header, row)) for row in rows]


def read_kind(directory: Path, kind: str) -> list[dict[str, str]]:
    return read_rows(directory / FILE_NAMES[kind])[1]


def looks_numeric(text: str) -> bool:
    """Any amount format the contracts accept: plain, Indonesian '1.234.567,89', 'Rp', '(x)'."""
    value = text.strip()
    if value.startswith("(") and value.endswith(")"):
        value = value[1:-1]
    value = re.sub(r"^Rp\.?\s*", "", value).lstrip("-")
    return bool(PLAIN_NUMBER.match(value) or re.match(r"^\d{1,3}(\.\d{3})*(,\d+)?$", value))


def natural_key(kind: str, row: dict[str, str]) -> tuple:
    return tuple(row[c] for c in CONTRACTS[kind].natural_key)


def current_revision(budget: list[dict[str, str]]) -> dict[str, int]:
    latest: dict[str, int] = defaultdict(int)
    for row in budget:
        latest[row["work_unit_code"]] = max(latest[row["work_unit_code"]], int(row["revision_no"]))
    return latest


def dirt_lines(directory: Path) -> list[dict[str, str]]:
    header, rows = read_rows(directory / "dirt.csv")
    assert header == ["kind", "file", "source_row", "dirt", "field", "value"]
    return rows


# ------------------------------------------------------------------------------------------------
# fixtures: one clean and one dirty sample for the whole module
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("clean")
    generate(out, SCALE, seed=42, fiscal_year=FISCAL_YEAR)
    return out


@pytest.fixture(scope="module")
def dirty(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dirty")
    generate(out, SCALE, seed=42, dirty_fraction=DIRTY_FRACTION, fiscal_year=FISCAL_YEAR)
    return out


@pytest.fixture(scope="module")
def manifest(clean) -> dict:
    return json.loads((clean / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def dirty_manifest(dirty) -> dict:
    return json.loads((dirty / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def budget(clean):
    return read_kind(clean, "budget")


@pytest.fixture(scope="module")
def realization(clean):
    return read_kind(clean, "realization")


@pytest.fixture(scope="module")
def indicators(clean):
    return read_kind(clean, "indicator")


# ------------------------------------------------------------------------------------------------
# determinism and files
# ------------------------------------------------------------------------------------------------
def test_same_inputs_give_byte_identical_files(clean, dirty, tmp_path):
    for source, fraction in ((clean, 0.0), (dirty, DIRTY_FRACTION)):
        again = tmp_path / f"again-{fraction}"
        generate(again, SCALE, seed=42, dirty_fraction=fraction, fiscal_year=FISCAL_YEAR)
        names = sorted(p.name for p in source.iterdir())
        assert names == sorted(p.name for p in again.iterdir())
        for name in names:
            assert (source / name).read_bytes() == (again / name).read_bytes(), name


def test_other_seed_gives_other_data(clean, tmp_path):
    generate(tmp_path, SCALE, seed=7, fiscal_year=FISCAL_YEAR)
    assert (tmp_path / "realization.csv").read_bytes() != (clean / "realization.csv").read_bytes()


def test_all_files_written_and_manifest_counts_them(clean, manifest):
    expected = {FILE_NAMES[k] for k in ALL_KINDS} | {"manifest.json", "dirt.csv"}
    assert {p.name for p in clean.iterdir()} == expected  # no temporary files left behind
    text = (clean / "manifest.json").read_text(encoding="utf-8")
    assert text == json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    assert manifest["generator_version"] == 2
    assert manifest["shape"] == "canonical"
    assert (manifest["scale"], manifest["seed"], manifest["fiscal_year"]) == (SCALE, 42, FISCAL_YEAR)
    for kind in ALL_KINDS:
        entry = manifest["files"][kind]
        assert entry["rows"] == len(read_kind(clean, kind))
        assert entry["rows"] == entry["clean_rows"] == entry["base_rows"]
        assert entry["dirt"] == {dirt: 0 for dirt in DIRT_TYPES[kind]}
    assert dirt_lines(clean) == []


def test_sizes_follow_the_scale(manifest):
    totals, files = manifest["totals"], manifest["files"]
    assert totals["work_units"] == 20
    assert totals["work_units_central"] == totals["work_units_regional"] == 10
    assert totals["instansi"] == 4 and totals["instansi_central"] == totals["instansi_regional"] == 2
    assert 3_500 <= files["budget"]["rows"] <= 7_000
    assert 17_000 <= files["realization"]["rows"] <= 23_000
    assert 700 <= files["indicator"]["rows"] <= 1_500
    assert 100 <= files["cost_standard"]["rows"] <= 5_000


def test_files_are_plain_utf8_csv_with_lf(clean):
    for kind in ALL_KINDS:
        data = (clean / FILE_NAMES[kind]).read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
        data.decode("utf-8")
        assert data.endswith(b"\n")


def test_text_with_commas_is_quoted(budget):
    quoted = [r["account_name"] for r in budget if "," in r["account_name"]]
    quoted += [r["output_name"] for r in budget if "," in r["output_name"]]
    assert quoted, "the sample should contain names with commas"


# ------------------------------------------------------------------------------------------------
# contract conformance (clean files)
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ALL_KINDS)
def test_file_conforms_to_contract(clean, kind):
    contract = CONTRACTS[kind]
    header, rows = read_rows(clean / FILE_NAMES[kind])
    assert header == CANONICAL_COLUMNS[kind]
    assert header == [c for c in contract.column_names if c in header]  # contract order
    assert set(contract.mandatory) - set(contract.derivable) <= set(header)
    assert rows
    keys = set()
    for row in rows:
        for column in (contract.column(name) for name in header):
            value = row[column.name]
            if column.mandatory:
                assert value != "", (kind, column.name, row)
            if value == "":
                continue
            if column.type == "int":
                assert value.isdigit(), (column.name, value)
            elif column.type in ("amount", "number"):
                assert PLAIN_NUMBER.match(value), (column.name, value)
            elif column.type == "month":
                assert 1 <= int(value) <= 12
            elif column.type == "date":
                dt.date.fromisoformat(value)
            elif column.type == "enum":
                assert value in column.vocabulary, (column.name, value)
        keys.add(natural_key(kind, row))
    assert len(keys) == len(rows), f"{kind}: natural key repeats in clean data"


def test_budget_codes_have_the_right_shapes(budget):
    levels = Counter()
    for row in budget:
        levels[row["gov_level"]] += 1
        if row["gov_level"] == "pusat":
            assert CENTRAL_INSTANSI.match(row["instansi_code"])
            assert CENTRAL_WORK_UNIT.match(row["work_unit_code"])
            assert row["work_unit_code"].startswith(row["instansi_code"])
            assert CENTRAL_PROGRAM.match(row["program_code"])
            assert row["program_code"].startswith(row["instansi_code"] + ".")
            assert CENTRAL_ACTIVITY.match(row["activity_code"])
            assert CENTRAL_OUTPUT.match(row["output_code"])
            assert row["output_code"].startswith(row["activity_code"] + ".")
            assert CENTRAL_ACCOUNT.match(row["account_code"])
            assert row["account_code"][:2] in CENTRAL_SPENDING_TYPES
            assert row["funding_source"] in CENTRAL_FUNDING
        else:
            assert REGIONAL_INSTANSI.match(row["instansi_code"])
            assert REGIONAL_WORK_UNIT.match(row["work_unit_code"])
            assert row["work_unit_code"].startswith(row["instansi_code"] + ".")
            assert split_regional_work_unit(row["work_unit_code"])[0] == row["instansi_code"]
            assert REGIONAL_PROGRAM.match(row["program_code"])
            assert REGIONAL_ACTIVITY.match(row["activity_code"])
            assert row["activity_code"].startswith(row["program_code"] + ".")
            assert REGIONAL_SUB_ACTIVITY.match(row["output_code"])
            assert row["output_code"].startswith(row["activity_code"] + ".")
            assert REGIONAL_ACCOUNT.match(row["account_code"])
            assert row["funding_source"] in REGIONAL_FUNDING
        amount = int(row["amount"])
        assert amount > 0 and amount % 1000 == 0
        if row["blocked_amount"]:
            assert 0 < int(row["blocked_amount"]) < amount
        assert (row["revision_date"] == "") == (row["revision_no"] == "0")
    assert levels["pusat"] and levels["daerah"]


def test_output_codes_are_unique_within_a_work_unit(budget):
    owner = {}
    for row in budget:
        key = (row["work_unit_code"], row["output_code"])
        assert owner.setdefault(key, row["activity_code"]) == row["activity_code"]


def test_realization_codes_have_both_shapes(realization):
    shapes = Counter()
    for row in realization:
        assert row["fiscal_year"] == str(FISCAL_YEAR)
        assert dt.date.fromisoformat(row["transaction_date"]).year == FISCAL_YEAR
        if CENTRAL_WORK_UNIT.match(row["work_unit_code"]):
            shapes["central"] += 1
            assert CENTRAL_ACCOUNT.match(row["account_code"])
            assert CENTRAL_DOCUMENT.match(row["document_no"])
            assert row["document_no"][2:8] == row["work_unit_code"]
        else:
            shapes["regional"] += 1
            assert REGIONAL_WORK_UNIT.match(row["work_unit_code"])
            assert REGIONAL_ACCOUNT.match(row["account_code"])
            assert REGIONAL_SUB_ACTIVITY.match(row["output_code"])
            assert REGIONAL_DOCUMENT.match(row["document_no"])
        assert row["description"]
    assert shapes["central"] and shapes["regional"]


# ------------------------------------------------------------------------------------------------
# budget revisions and plan
# ------------------------------------------------------------------------------------------------
def test_revisions_restate_the_whole_unit(budget):
    lines = defaultdict(set)
    key_columns = ("program_code", "activity_code", "output_code", "account_code", "funding_source")
    for row in budget:
        lines[row["work_unit_code"], int(row["revision_no"])].add(tuple(row[c] for c in key_columns))
    units = {unit for unit, _ in lines}
    revised = {unit for unit, revision in lines if revision > 0}
    assert revised and len(revised) < len(units)
    for (unit, revision), line_set in lines.items():
        if revision == 0:
            continue
        assert (unit, revision - 1) in lines
        original = lines[unit, 0]
        # whole restatement: nearly the same lines, only a few removed or added
        assert len(original ^ line_set) <= 16
        assert len(line_set) >= 0.9 * len(original)


def test_budget_plan_follows_the_current_budget(clean, budget):
    latest = current_revision(budget)
    budget_by_type = defaultdict(int)
    for row in budget:
        if int(row["revision_no"]) == latest[row["work_unit_code"]]:
            account = row["account_code"]
            spending_type = account[:2] if row["gov_level"] == "pusat" else (
                "5.2" if account.startswith("5.2") else account[:6])
            budget_by_type[row["work_unit_code"], spending_type] += int(row["amount"])
    planned = defaultdict(int)
    months = defaultdict(set)
    for row in read_kind(clean, "budget_plan"):
        unit, spending_type = row["work_unit_code"], row["spending_type"]
        assert spending_type in CENTRAL_SPENDING_TYPES | REGIONAL_SPENDING_TYPES
        assert int(row["revision_no"]) == latest[unit]
        planned[unit, spending_type] += int(row["planned_amount"])
        months[unit, spending_type].add(int(row["month"]))
    assert set(planned) == set(budget_by_type)
    for key, amount in planned.items():
        assert months[key] == set(range(1, 13))
        assert amount == pytest.approx(budget_by_type[key], rel=0.01)


# ------------------------------------------------------------------------------------------------
# realization
# ------------------------------------------------------------------------------------------------
def test_realization_references_current_budget_lines(budget, realization):
    latest = current_revision(budget)
    columns = ("work_unit_code", "program_code", "activity_code", "output_code", "account_code",
               "funding_source")
    current_lines = {tuple(r[c] for c in columns) for r in budget
                     if int(r["revision_no"]) == latest[r["work_unit_code"]]}
    for row in realization:
        assert tuple(row[c] for c in columns) in current_lines, row


def test_realization_absorbs_80_to_100_percent_with_refunds(budget, realization):
    latest = current_revision(budget)
    pagu, spent = defaultdict(int), defaultdict(int)
    for row in budget:
        if int(row["revision_no"]) == latest[row["work_unit_code"]]:
            pagu[row["work_unit_code"]] += int(row["amount"])
    refunds = 0
    for row in realization:
        amount = int(row["amount"])
        refunds += amount < 0
        spent[row["work_unit_code"]] += amount
    assert set(spent) == set(pagu)
    for unit, total in pagu.items():
        assert 0.80 <= spent[unit] / total <= 1.00, unit
    assert 0.01 <= refunds / len(realization) <= 0.03


def test_realization_is_back_loaded(realization):
    by_month = Counter()
    for row in realization:
        by_month[int(row["transaction_date"][5:7])] += int(row["amount"])
    total = sum(by_month.values())
    first_quarter = sum(by_month[m] for m in (1, 2, 3)) / total
    assert first_quarter < 0.2
    assert by_month[12] == max(by_month.values())


# ------------------------------------------------------------------------------------------------
# output volume, indicators, SAKIP, cost standards
# ------------------------------------------------------------------------------------------------
def test_output_volume_covers_current_outputs(clean, budget):
    latest = current_revision(budget)
    current_outputs = {(r["work_unit_code"], r["output_code"]) for r in budget
                       if int(r["revision_no"]) == latest[r["work_unit_code"]]}
    sbk_codes = {r["standard_code"] for r in read_kind(clean, "cost_standard")
                 if r["standard_type"] == "SBK"}
    series = defaultdict(list)
    costed = 0
    for row in read_kind(clean, "output_volume"):
        series[row["work_unit_code"], row["output_code"]].append(row)
        if row["cost_standard_code"]:
            costed += 1
            assert row["cost_standard_code"] in sbk_codes
    assert set(series) == current_outputs
    assert costed
    for rows in series.values():
        assert [int(r["period_month"]) for r in rows] == [3, 6, 9, 12]
        assert len({r["target_volume"] for r in rows}) == 1
        assert float(rows[0]["target_volume"]) > 0
        realized = [float(r["realized_volume"]) for r in rows]
        assert realized == sorted(realized)


def test_indicator_cascade(indicators, budget):
    level_of = {}
    for row in indicators:
        level_of[row["instansi_code"], row["indicator_code"]] = row["level"]
    outputs_of_unit = {(r["work_unit_code"], r["output_code"]) for r in budget}
    orphans = Counter()
    polarity = Counter()
    for row in indicators:
        level, parent = row["level"], row["parent_indicator_code"]
        polarity[row["polarity"]] += 1
        assert row["period_month"] in {"3", "6", "9", "12"}
        if level in ("tujuan", "sasaran_strategis"):
            assert row["work_unit_code"] == ""
        else:
            assert row["work_unit_code"] and row["program_code"]
        if level == "tujuan":
            assert parent == ""
        elif parent:
            assert level_of[row["instansi_code"], parent] == LEVEL_PARENT[level], row
        else:
            assert level == "output", row  # only output indicators may lose their parent
            orphans[row["indicator_code"]] += 1
        if level in ("kegiatan", "output"):
            assert row["activity_code"]
        if level == "output":
            assert (row["work_unit_code"], row["output_code"]) in outputs_of_unit
        if row["polarity"] == "range":
            assert float(row["target_upper"]) > float(row["target"])
        else:
            assert row["target_upper"] == ""
        assert float(row["target"]) > 0
    assert orphans
    total = sum(polarity.values())
    assert 0.65 <= polarity["max"] / total <= 0.92 and polarity["min"] and polarity["range"]


def test_sakip_scores(clean):
    rows = read_kind(clean, "sakip_evaluation")
    weights = {
        "PermenPANRB-88-2021": {"perencanaan_kinerja": 30, "pengukuran_kinerja": 30,
                                "pelaporan_kinerja": 15, "evaluasi_akuntabilitas_kinerja_internal": 25},
        "PermenPANRB-12-2015": {"perencanaan_kinerja": 30, "pengukuran_kinerja": 25,
                                "pelaporan_kinerja": 15, "evaluasi_internal": 10, "capaian_kinerja": 20},
    }
    shares = {"pemenuhan": 0.2, "kualitas": 0.3, "pemanfaatan": 0.5}
    totals, subs, components = {}, defaultdict(float), defaultdict(set)
    for row in rows:
        regulation, component = row["regulation"], row["component_code"]
        weight = weights[regulation][component]
        score = float(row["score"])
        evaluation = (row["fiscal_year"], row["instansi_code"], regulation)
        if row["sub_component_code"]:
            assert regulation == "PermenPANRB-88-2021"
            assert 0 <= score <= weight * shares[row["sub_component_code"]] + 1e-9
            subs[evaluation, component] += score
        else:
            assert 0 <= score <= weight
            totals[evaluation, component] = score
            components[evaluation].add(component)
    for (evaluation, component), total in subs.items():
        assert total == pytest.approx(totals[evaluation, component], abs=0.006)
    assert {e[2] for e in components} == set(weights)
    assert {e[0] for e in components if e[2] == "PermenPANRB-12-2015"} == {"2020"}
    incomplete = [e for e, present in components.items() if present != set(weights[e[2]])]
    assert incomplete and len(incomplete) < len(components)
    instansi = {e[1] for e in components}
    assert all(sum(1 for e in components if e[1] == code) == 2 for code in instansi)


def test_cost_standards(clean):
    rows = read_kind(clean, "cost_standard")
    provinces = {r["region_code"] for r in rows if r["standard_type"] == "SBM" and r["region_code"]}
    assert len(provinces) == 34 and all(re.fullmatch(r"\d{2}", p) for p in provinces)
    assert all(r["region_code"] == "" for r in rows if r["standard_type"] == "SBK")
    assert all(int(r["unit_cost"]) > 0 for r in rows)


# ------------------------------------------------------------------------------------------------
# dirt
# ------------------------------------------------------------------------------------------------
def test_dirt_counts_are_exact(dirty, dirty_manifest, manifest):
    lines = dirt_lines(dirty)
    listed = Counter((r["kind"], r["dirt"]) for r in lines)
    for kind in ALL_KINDS:
        entry = dirty_manifest["files"][kind]
        base = manifest["files"][kind]["rows"]  # the clean twin
        assert entry["base_rows"] == base
        assert set(entry["dirt"]) == set(DIRT_TYPES[kind])
        n_dirty = sum(entry["dirt"].values())
        assert n_dirty == (round(DIRTY_FRACTION * base) if DIRT_TYPES[kind] else 0)
        assert entry["rows"] == base + entry["dirt"].get("duplicate_line", 0)
        assert entry["rows"] == entry["clean_rows"] + n_dirty
        assert entry["rows"] == len(read_kind(dirty, kind))
        for dirt, count in entry["dirt"].items():
            assert listed[kind, dirt] == count
            assert count >= n_dirty // len(DIRT_TYPES[kind])  # round-robin spread
    assert sum(listed.values()) == len(lines)


def test_every_listed_dirty_row_has_its_dirt(dirty, clean):
    budget_units = {r["work_unit_code"] for r in read_kind(clean, "budget")}
    lines = dirt_lines(dirty)
    dirty_rows_by_kind = defaultdict(set)
    for line in lines:
        dirty_rows_by_kind[line["kind"]].add(int(line["source_row"]))
    files = {kind: read_kind(dirty, kind) for kind in dirty_rows_by_kind}
    for line in lines:
        kind, dirt, column = line["kind"], line["dirt"], line["field"]
        assert line["file"] == FILE_NAMES[kind]
        row = files[kind][int(line["source_row"]) - 1]
        if dirt == "duplicate_line":
            original_row = int(line["value"])
            assert column == "" and original_row < int(line["source_row"])
            assert original_row not in dirty_rows_by_kind[kind]  # copies a clean row
            assert files[kind][original_row - 1] == row
            continue
        assert row[column] == line["value"]
        if dirt == "bad_number":
            assert CONTRACTS[kind].column(column).type in ("amount", "number")
            assert row[column] and not looks_numeric(row[column])
        elif dirt == "empty_mandatory":
            assert row[column] == ""
            assert column in CONTRACTS[kind].mandatory
            # never a column the loader fills in by default (gov_level, revision_no, fiscal_year);
            # code columns are derivable only from other code cells (a MAK, a sub-kegiatan)
            code_columns = {"program_code", "activity_code", "output_code", "account_code"}
            assert column not in set(CONTRACTS[kind].derivable) - code_columns
        elif dirt == "unknown_code":
            assert kind == "realization" and column == "work_unit_code"
            code = row[column]
            assert CENTRAL_WORK_UNIT.match(code) or REGIONAL_WORK_UNIT.match(code)
            assert code not in budget_units
        elif dirt == "future_date":
            assert kind == "realization" and row["fiscal_year"] == str(FISCAL_YEAR)
            assert dt.date.fromisoformat(row[column]) > dt.date(FISCAL_YEAR, 12, 31)
        else:
            pytest.fail(f"unknown dirt {dirt}")


def test_dirty_file_is_its_clean_twin_plus_the_listed_dirt(dirty, clean):
    listed = defaultdict(dict)
    for line in dirt_lines(dirty):
        listed[line["kind"]][int(line["source_row"])] = line["dirt"]
    for kind in ALL_KINDS:
        clean_rows = read_kind(clean, kind)
        kept = []  # dirty file without inserted duplicates, with a flag for modified rows
        for number, row in enumerate(read_kind(dirty, kind), start=1):
            dirt = listed[kind].get(number)
            if dirt != "duplicate_line":
                kept.append((row, dirt is not None))
        assert len(kept) == len(clean_rows)
        for (row, modified), original in zip(kept, clean_rows):
            assert (row != original) == modified


def test_dirty_rows_excluded_keys_stay_unique(dirty):
    dirty_rows = defaultdict(set)
    for line in dirt_lines(dirty):
        dirty_rows[line["kind"]].add(int(line["source_row"]))
    for kind in DIRT_TYPES:
        keys = [natural_key(kind, row) for number, row in enumerate(read_kind(dirty, kind), start=1)
                if number not in dirty_rows[kind]]
        assert len(keys) == len(set(keys)), kind


def test_invalid_arguments_are_rejected(tmp_path):
    with pytest.raises(ValueError):
        generate(tmp_path, 0)
    with pytest.raises(ValueError):
        generate(tmp_path, SCALE, dirty_fraction=0.9)


# ------------------------------------------------------------------------------------------------
# canonical codes (generator version 2): same data as version 1, codes in their canonical forms
# ------------------------------------------------------------------------------------------------
def test_amounts_and_counts_are_those_of_generator_version_1(clean, manifest):
    """Version 2 changed code text only: these figures are version 1's at this scale and seed."""
    assert {kind: manifest["files"][kind]["rows"] for kind in ALL_KINDS} == {
        "budget": 5393, "budget_plan": 744, "realization": 20247, "output_volume": 1736,
        "indicator": 1080, "sakip_evaluation": 80, "cost_standard": 567}
    assert column_total(read_kind(clean, "budget"), "amount") == 963_398_448_000
    assert column_total(read_kind(clean, "budget"), "blocked_amount") == 189_339_000
    assert column_total(read_kind(clean, "budget_plan"), "planned_amount") == 723_648_599_000
    assert column_total(read_kind(clean, "realization"), "amount") == 673_881_109_470


def test_instansi_codes_are_the_same_in_every_kind(clean, budget, indicators):
    instansi = {r["instansi_code"] for r in budget}
    assert {r["instansi_code"] for r in indicators} == instansi
    assert {r["instansi_code"] for r in read_kind(clean, "sakip_evaluation")} == instansi
    assert sorted(instansi) == ["010", "116", "31", "35"]  # two K/L, two provinces
    for row in indicators:
        if row["output_code"] and CENTRAL_INSTANSI.match(row["instansi_code"]):
            assert CENTRAL_OUTPUT.match(row["output_code"])
            assert row["output_code"].startswith(row["activity_code"] + ".")
        if row["work_unit_code"]:
            assert row["work_unit_code"].startswith(row["instansi_code"])


def test_regional_codes_of_provinces_kecamatan_and_uptd():
    """The registry alone (cheap) at a scale with provinces, UPTD and kecamatan."""
    from pbk.generator.registry import build_registry

    regional = [inst for inst in build_registry(42, 0.05) if inst.gov_level == "daerah"]
    provinces = [inst for inst in regional if inst.is_province]
    assert [inst.code for inst in provinces] == ["13", "17", "21", "31", "33", "36", "52", "62", "75",
                                                 "82", "94"]
    assert all(re.fullmatch(r"\d{2}\.\d{2}", inst.code) for inst in regional if not inst.is_province)
    kecamatan, uptd = [], []
    for inst in regional:
        codes = [unit.code for unit in inst.units]
        assert len(set(codes)) == len(codes)
        for unit in inst.units:
            assert REGIONAL_WORK_UNIT.match(unit.code)
            assert split_regional_work_unit(unit.code)[0] == inst.code
            if unit.name.startswith("Kecamatan"):
                kecamatan.append(unit.code)
            elif unit.name.startswith("UPTD"):
                uptd.append(unit.code)
    assert len(kecamatan) == 13 and kecamatan[0] == "63.71.7.01.0.00.0.00.01.0001"
    assert kecamatan[-1] == "63.71.7.01.0.00.0.00.01.0013"
    assert uptd[:2] == ["13.1.01.0.00.0.00.03.0000", "13.1.02.0.00.0.00.03.0000"]


# ------------------------------------------------------------------------------------------------
# export shapes: the same data in the layouts of real exports
# ------------------------------------------------------------------------------------------------
SHAPES = ("omspan", "sakti-mak", "sipd-ri")
SPLIT_KINDS = ("budget", "budget_plan", "realization", "output_volume")
CANONICAL_KINDS = ("indicator", "sakip_evaluation", "cost_standard")
OMSPAN_PLAN = "THANG,KDSATKER,KDJENBEL,BULAN,RPD,REVISI_KE"
OMSPAN_VOLUME = "THANG,BULAN,KDSATKER,KDGIAT,KDOUTPUT,KDRO,SATUAN,VOLUME,VOLREAL,kode_sbk"
SIPD_PLAN = "tahun,kodePemda,kodeSkpd,kode_jenis_belanja,bulan,anggaran_kas"
SIPD_VOLUME = ("tahun,bulan,kodePemda,kodeSkpd,kodeSubKegiatan,satuan,volume_target,"
               "volume_realisasi,kode_sbk")
EXPECTED_HEADERS = {
    "omspan": {
        "budget_pusat": "THANG,KDDEPT,NMDEPT,KDUNIT,KDSATKER,NMSATKER,KDPROGRAM,NMPROGRAM,KDGIAT,"
                        "NMGIAT,KDOUTPUT,KDRO,NMRO,KDAKUN,NMAKUN,KDBEBAN,PAGU,REVISI_KE,TGLREVISI,"
                        "BLOKIR",
        "realization_pusat": "THANG,KDSATKER,KDDEPT,KDUNIT,KDPROGRAM,KDGIAT,KDOUTPUT,KDSOUTPUT,"
                             "KDAKUN,KDBEBAN,NOSP2D,TGLSP2D,NILAI,URAIAN",
        "budget_plan_pusat": OMSPAN_PLAN,
        "output_volume_pusat": OMSPAN_VOLUME,
        "budget_daerah": "tahun,kodePemda,namaPemda,kodeSkpd,namaSkpd,kodeProgram,namaProgram,"
                         "kodeKegiatan,namaKegiatan,kodeSubKegiatan,namaSubKegiatan,kodeRekening,"
                         "namaRekening,sumberDana,anggaran,revisiKe,tanggalRevisi,blokir",
        "realization_daerah": "tahun,kodePemda,kodeSkpd,nomorSp2d,tanggalSp2d,kodeProgram,"
                              "kodeKegiatan,kodeSubKegiatan,kodeRekening,sumberDana,nilaiSp2d,"
                              "keterangan",
        "budget_plan_daerah": SIPD_PLAN,
        "output_volume_daerah": SIPD_VOLUME,
    },
    "sakti-mak": {
        "budget_pusat": "THANG,KDDEPT,KDSATKER,MAK,KDBEBAN,PAGU,REVISI_KE,BLOKIR",
        "realization_pusat": "THANG,KDSATKER,KDDEPT,NOSP2D,TGLSP2D,MAK,KDBEBAN,REALISASI,URAIAN",
        "budget_plan_pusat": OMSPAN_PLAN,
        "output_volume_pusat": OMSPAN_VOLUME,
        "budget_daerah": "tahun,kode_pemda,kode_skpd,kode_program,kode_kegiatan,kode_sub_kegiatan,"
                         "kode_rekening,sumber_dana,anggaran,revisi_ke,blokir",
        "realization_daerah": "tahun,kode_pemda,kode_skpd,no_sp2d,tgl_sp2d,kode_program,"
                              "kode_kegiatan,kode_sub_kegiatan,kode_rekening,sumber_dana,realisasi,"
                              "uraian",
        "budget_plan_daerah": SIPD_PLAN,
        "output_volume_daerah": SIPD_VOLUME,
    },
    "sipd-ri": {
        **{f"{kind}_pusat": ",".join(CANONICAL_COLUMNS[kind]) for kind in SPLIT_KINDS},
        "budget_daerah": "tahun,kode_pemda,nama_pemda,kode_skpd,nama_skpd,kode_sub_skpd,"
                         "nama_sub_skpd,kode_urusan,kode_bidang_urusan,kode_program,nama_program,"
                         "kode_giat,nama_giat,kode_sub_giat,nama_sub_giat,kode_akun,nama_akun,"
                         "sumber_dana,pagu,revisi_ke,tanggal_revisi,blokir",
        "realization_daerah": "tahun,kode_pemda,kode_skpd,kode_sub_skpd,nomor_sp_2_d,"
                              "tanggal_sp_2_d,kode_sub_giat,kode_rekening,sumber_dana,jumlah,"
                              "keterangan",
        "budget_plan_daerah": "tahun,kode_pemda,kode_skpd,kode_jenis_belanja,bulan,anggaran_kas",
        "output_volume_daerah": "tahun,bulan,kode_pemda,kode_skpd,kode_sub_giat,satuan,"
                                "volume_target,volume_realisasi,kode_sbk",
    },
}

# Number styles, parsed strictly (a cell in another style fails the test)
COMMA_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})*(\.\d{2})?$")
INDONESIAN = re.compile(r"^\(?\d{1,3}(\.\d{3})*,\d{2}\)?$")
PLAIN = re.compile(r"^-?\d+$")
TWO_DECIMALS = re.compile(r"^-?\d+\.\d{2}$")


def parse_amount(text: str, style: re.Pattern) -> Decimal:
    if text == "":
        return Decimal(0)
    assert style.match(text), (style.pattern, text)
    if style is COMMA_THOUSANDS:
        return Decimal(text.replace(",", ""))
    if style is INDONESIAN:
        value = Decimal(text.strip("()").replace(".", "").replace(",", "."))
        return -value if text.startswith("(") else value
    return Decimal(text)


# (shape, file stem) -> amount columns and their style: (column, canonical column, style)
AMOUNT_COLUMNS = {
    ("omspan", "budget_pusat"): (("PAGU", "amount", COMMA_THOUSANDS),
                                 ("BLOKIR", "blocked_amount", COMMA_THOUSANDS)),
    ("omspan", "budget_daerah"): (("anggaran", "amount", INDONESIAN),
                                  ("blokir", "blocked_amount", INDONESIAN)),
    ("omspan", "realization_pusat"): (("NILAI", "amount", COMMA_THOUSANDS),),
    ("omspan", "realization_daerah"): (("nilaiSp2d", "amount", INDONESIAN),),
    ("omspan", "budget_plan_pusat"): (("RPD", "planned_amount", COMMA_THOUSANDS),),
    ("omspan", "budget_plan_daerah"): (("anggaran_kas", "planned_amount", INDONESIAN),),
    ("sakti-mak", "budget_pusat"): (("PAGU", "amount", PLAIN), ("BLOKIR", "blocked_amount", PLAIN)),
    ("sakti-mak", "budget_daerah"): (("anggaran", "amount", PLAIN),
                                     ("blokir", "blocked_amount", PLAIN)),
    ("sakti-mak", "realization_pusat"): (("REALISASI", "amount", INDONESIAN),),
    ("sakti-mak", "realization_daerah"): (("realisasi", "amount", PLAIN),),
    ("sakti-mak", "budget_plan_pusat"): (("RPD", "planned_amount", COMMA_THOUSANDS),),
    ("sakti-mak", "budget_plan_daerah"): (("anggaran_kas", "planned_amount", INDONESIAN),),
    ("sipd-ri", "budget_pusat"): (("amount", "amount", PLAIN),
                                  ("blocked_amount", "blocked_amount", PLAIN)),
    ("sipd-ri", "budget_daerah"): (("pagu", "amount", TWO_DECIMALS),
                                   ("blokir", "blocked_amount", TWO_DECIMALS)),
    ("sipd-ri", "realization_pusat"): (("amount", "amount", PLAIN),),
    ("sipd-ri", "realization_daerah"): (("jumlah", "amount", TWO_DECIMALS),),
    ("sipd-ri", "budget_plan_pusat"): (("planned_amount", "planned_amount", PLAIN),),
    ("sipd-ri", "budget_plan_daerah"): (("anggaran_kas", "planned_amount", TWO_DECIMALS),),
}


def column_total(rows: list[dict[str, str]], column: str) -> Decimal:
    return sum((Decimal(r[column]) for r in rows if r[column]), Decimal(0))


def kemendagri(pemda: str) -> str:
    """'3273' -> '32.73', '3200' -> '32'; Kemendagri codes pass."""
    if re.fullmatch(r"\d{2}00", pemda):
        return pemda[:2]
    return f"{pemda[:2]}.{pemda[2:]}" if re.fullmatch(r"\d{4}", pemda) else pemda


def padded_account(account: str) -> str:
    """'5.1.2.1.1.24' -> '5.1.02.01.01.0024'."""
    return ".".join(s.zfill(w) for s, w in zip(account.split("."), (1, 1, 2, 2, 2, 4)))


def mak_codes(cell: str, kddept: str) -> tuple[str, str, str, str]:
    """(program, activity, output, account) of a MAK cell."""
    from base.codes import MAK_PATTERN

    parts = re.match(MAK_PATTERN, cell.replace(" ", "")).groupdict()
    program = f"{parts['ba'] or kddept}.{parts['es1']}.{parts['prog']}"
    return program, parts["keg"], f"{parts['keg']}.{parts['out']}", parts["akun"]


def rebuilt_codes(shape: str, stem: str, row: dict[str, str]) -> tuple:
    """(work unit, program, activity, output, account) of a layout row, rebuilt independently of
    pbk/generator/export_shapes.py; None where the layout does not carry the code."""
    g = row.get
    if stem.endswith("_pusat") and shape == "sipd-ri":
        return (row["work_unit_code"], g("program_code"), g("activity_code"), row["output_code"]
                if "output_code" in row else None, g("account_code"))
    if stem.endswith("_pusat"):
        unit = row["KDSATKER"]
        if "MAK" in row:
            return (unit, *mak_codes(row["MAK"], row["KDDEPT"]))
        program = f"{row['KDDEPT']}.{row['KDUNIT']}.{row['KDPROGRAM']}" if "KDUNIT" in row else None
        if "KDGIAT" in row:
            ro = row["KDRO"] if "KDRO" in row else row["KDSOUTPUT"]
            output = f"{row['KDGIAT']}.{row['KDOUTPUT']}.{ro}"
            return unit, program, row["KDGIAT"], output, g("KDAKUN")
        return unit, None, None, None, None
    pemda = kemendagri(g("kodePemda") or g("kode_pemda"))
    unit = f"{pemda}.{g('kodeSkpd') or g('kode_skpd')}"
    if shape == "sipd-ri" and "kode_sub_skpd" in row:
        assert row["kode_sub_skpd"] == row["kode_skpd"]
    output = g("kodeSubKegiatan") or g("kode_sub_kegiatan") or g("kode_sub_giat")
    account = g("kodeRekening") or g("kode_rekening") or g("kode_akun")
    return (unit, g("kodeProgram") or g("kode_program"), g("kodeKegiatan") or g("kode_kegiatan")
            or g("kode_giat"), output, padded_account(account) if account else None)


@pytest.fixture(scope="module")
def shaped(tmp_path_factory) -> dict[str, Path]:
    directories = {}
    for shape in SHAPES:
        directories[shape] = tmp_path_factory.mktemp(shape)
        generate(directories[shape], SCALE, seed=42, fiscal_year=FISCAL_YEAR, shape=shape)
    return directories


def canonical_rows_of(clean: Path, kind: str, system: str) -> list[dict[str, str]]:
    return [r for r in read_kind(clean, kind)
            if bool(CENTRAL_WORK_UNIT.match(r["work_unit_code"])) == (system == "pusat")]


@pytest.mark.parametrize("shape", SHAPES)
def test_shape_writes_its_layout_files(shaped, clean, manifest, shape):
    directory = shaped[shape]
    layout_files = {f"{stem}.csv" for stem in EXPECTED_HEADERS[shape]}
    canonical_files = {FILE_NAMES[kind] for kind in CANONICAL_KINDS}
    assert {p.name for p in directory.iterdir()} == \
        layout_files | canonical_files | {"manifest.json", "dirt.csv"}
    for stem, header in EXPECTED_HEADERS[shape].items():
        assert read_rows(directory / f"{stem}.csv")[0] == header.split(","), stem
    for name in canonical_files:
        assert (directory / name).read_bytes() == (clean / name).read_bytes()
    assert (directory / "dirt.csv").read_text() == "kind,file,source_row,dirt,field,value\n"
    shaped_manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    assert shaped_manifest["shape"] == shape and shaped_manifest["generator_version"] == 2
    assert shaped_manifest["totals"] == manifest["totals"]
    files = shaped_manifest["files"]
    assert set(files) == {name.removesuffix(".csv") for name in layout_files | canonical_files}
    for stem, entry in files.items():
        assert entry["file"] == f"{stem}.csv"
        assert entry["rows"] == entry["clean_rows"] == len(read_rows(directory / entry["file"])[1])
    for kind in SPLIT_KINDS:
        pusat, daerah = files[f"{kind}_pusat"], files[f"{kind}_daerah"]
        assert (pusat["kind"], pusat["system"], daerah["kind"], daerah["system"]) == \
            (kind, "pusat", kind, "daerah")
        assert pusat["rows"] == len(canonical_rows_of(clean, kind, "pusat")) > 0
        assert pusat["rows"] + daerah["rows"] == manifest["files"][kind]["rows"]
    assert files["budget_pusat"]["rows"] == 2621 and files["realization_daerah"]["rows"] == 10160


@pytest.mark.parametrize("shape", SHAPES)
def test_shape_amounts_add_up_to_the_canonical_totals(shaped, clean, shape):
    expected = {"amount": {"budget": Decimal(963_398_448_000), "realization": Decimal(673_881_109_470)},
                "blocked_amount": {"budget": Decimal(189_339_000)},
                "planned_amount": {"budget_plan": Decimal(723_648_599_000)}}
    for kind in ("budget", "realization", "budget_plan"):
        totals = defaultdict(Decimal)
        for system in ("pusat", "daerah"):
            stem = f"{kind}_{system}"
            rows = read_rows(shaped[shape] / f"{stem}.csv")[1]
            canonical = canonical_rows_of(clean, kind, system)
            assert len(rows) == len(canonical)
            for column, canonical_column, style in AMOUNT_COLUMNS[shape, stem]:
                values = [parse_amount(r[column], style) for r in rows]
                # row by row, so the order is kept too
                assert values == [Decimal(r[canonical_column] or 0) for r in canonical], stem
                totals[canonical_column] += sum(values)
        for canonical_column, total in totals.items():
            assert total == expected[canonical_column][kind], (kind, canonical_column)
            assert total == column_total(read_kind(clean, kind), canonical_column)


@pytest.mark.parametrize("shape", SHAPES)
def test_shape_codes_rebuild_the_canonical_codes(shaped, clean, shape):
    columns = ("work_unit_code", "program_code", "activity_code", "output_code", "account_code")
    for kind in SPLIT_KINDS:
        for system in ("pusat", "daerah"):
            stem = f"{kind}_{system}"
            rows = read_rows(shaped[shape] / f"{stem}.csv")[1]
            canonical = canonical_rows_of(clean, kind, system)
            for row, original in zip(rows, canonical, strict=True):
                rebuilt = rebuilt_codes(shape, stem, row)
                for column, code in zip(columns, rebuilt):
                    if code is not None and column in original:
                        assert code == original[column], (stem, column, row)


def test_sakti_mak_cells_rebuild_the_canonical_codes_with_their_variants(shaped, clean):
    for kind in ("budget", "realization"):
        rows = read_rows(shaped["sakti-mak"] / f"{kind}_pusat.csv")[1]
        canonical = canonical_rows_of(clean, kind, "pusat")
        spaced = without_ba = 0
        for number, (row, original) in enumerate(zip(rows, canonical, strict=True), start=1):
            mak = row["MAK"]
            assert mak_codes(mak, row["KDDEPT"]) == tuple(
                original[c] for c in ("program_code", "activity_code", "output_code", "account_code"))
            spaced += " " in mak
            without_ba += not mak.startswith(row["KDDEPT"] + ".")
            assert (" " in mak) == (number % 7 == 0)
            assert mak.startswith(row["KDDEPT"] + ".") == (number % 11 != 0)
            assert mak.split(" ")[-1].split(".")[-3:-1] == \
                ["051" if original["account_code"].startswith("51") else "052", "A"]
        assert (spaced, without_ba) == (len(rows) // 7, len(rows) // 11)
    first = read_rows(shaped["sakti-mak"] / "budget_pusat.csv")[1][0]
    assert first["MAK"] == "010.01.WA.2665.EBA.994.051.A.511111"
    seventh = read_rows(shaped["sakti-mak"] / "budget_pusat.csv")[1][6]
    assert re.fullmatch(r"010\.01\.WA \.\d{4}\.[A-Z]{3}\.\d{3}\.05[12]\.A\.\d{6}", seventh["MAK"])


def test_shape_dates_and_pemda_codes(shaped, clean):
    canonical = canonical_rows_of(clean, "realization", "pusat")
    sakti = read_rows(shaped["sakti-mak"] / "realization_pusat.csv")[1]
    omspan = read_rows(shaped["omspan"] / "realization_pusat.csv")[1]
    months = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
              "September", "Oktober", "November", "Desember")
    for row, long_row, original in zip(omspan, sakti, canonical, strict=True):
        day = dt.date.fromisoformat(original["transaction_date"])
        assert row["TGLSP2D"] == day.strftime("%d/%m/%Y")
        assert long_row["TGLSP2D"] == f"{day.day} {months[day.month - 1]} {day.year}"
    regional = canonical_rows_of(clean, "realization", "daerah")
    sipd_ri = read_rows(shaped["sipd-ri"] / "realization_daerah.csv")[1]
    assert [r["tanggal_sp_2_d"] for r in sipd_ri] == \
        [f"{r['transaction_date']} 00:00:00" for r in regional]
    budget_daerah = read_rows(shaped["omspan"] / "budget_daerah.csv")[1]
    assert {r["kodePemda"] for r in budget_daerah} == {"3100", "3500"}
    assert {r["kode_pemda"] for r in read_rows(shaped["sipd-ri"] / "budget_daerah.csv")[1]} == \
        {"31", "35"}


@pytest.mark.parametrize("shape", SHAPES)
def test_shape_is_deterministic(shaped, tmp_path, shape):
    generate(tmp_path, SCALE, seed=42, fiscal_year=FISCAL_YEAR, shape=shape)
    names = sorted(p.name for p in shaped[shape].iterdir())
    assert names == sorted(p.name for p in tmp_path.iterdir())
    for name in names:
        assert (shaped[shape] / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_shape_with_dirt_or_unknown_shape_is_rejected(tmp_path):
    with pytest.raises(ValueError, match=r"shape 'omspan' is written clean only.*dirty_fraction 0"):
        generate(tmp_path / "dirty", SCALE, dirty_fraction=0.01, shape="omspan")
    with pytest.raises(ValueError, match="shape must be one of canonical, omspan, sakti-mak, sipd-ri"):
        generate(tmp_path / "unknown", SCALE, shape="excel")
    assert not (tmp_path / "dirty").exists() and not (tmp_path / "unknown").exists()


def test_layout_examples_and_number_styles():
    from pbk.generator.export_shapes import LAYOUTS, comma_thousands, indonesian, two_decimals

    assert comma_thousands("-1234567") == "-1,234,567"
    assert comma_thousands("1234567.5") == "1,234,567.50"
    assert indonesian("-1234567") == "(1.234.567,00)"
    assert indonesian("999") == "999,00"
    assert two_decimals("1234567") == "1234567.00"
    with pytest.raises(ValueError, match="not a plain number"):
        indonesian("1.234,5")
    sakti = LAYOUTS["sakti-mak"]
    assert sakti["budget", "pusat"].example["MAK"] == "019.01.WA.4209.EBA.994.052.A.521211"
    assert sakti["realization", "pusat"].example["TGLSP2D"] == "10 Maret 2025"
    assert sakti["realization", "pusat"].example["REALISASI"] == "(2.500.000,00)"
    assert sakti["budget", "daerah"].example["kode_rekening"] == "5.1.2.1.1.24"
    omspan = LAYOUTS["omspan"]
    assert omspan["realization", "pusat"].example["NILAI"] == "-2,500,000"
    assert [omspan["budget", "pusat"].example[c] for c in ("KDDEPT", "KDUNIT", "KDPROGRAM",
                                                          "KDGIAT", "KDOUTPUT", "KDRO")] == \
        ["019", "01", "WA", "4209", "EBA", "994"]
    assert omspan["budget", "daerah"].example["kodePemda"] == "3273"
    assert omspan["budget_plan", "daerah"].example["kodePemda"] == "3200"
    assert LAYOUTS["sipd-ri"]["budget", "daerah"].example["kode_bidang_urusan"] == "1.02"
    assert LAYOUTS["sipd-ri"]["budget_plan", "daerah"].example["kode_pemda"] == "32"
    assert all(layout.description for layouts in LAYOUTS.values() for layout in layouts.values())
