"""The synthetic extract generator: determinism, contract conformance, realism rules, exact dirt."""
from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from ingest.codes import (
    CENTRAL_ACCOUNT,
    CENTRAL_WORK_UNIT,
    REGIONAL_ACCOUNT,
    REGIONAL_SUB_ACTIVITY,
    REGIONAL_WORK_UNIT,
    split_regional_work_unit,
)
from ingest.contracts import CONTRACTS
from ingest.generate import ALL_KINDS, CANONICAL_COLUMNS, DIRT_TYPES, FILE_NAMES, generate

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
            assert column not in CONTRACTS[kind].derivable
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
