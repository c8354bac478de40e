"""The generator's vocabulary: names of regions, institutions, programs, accounts, outputs and
indicators, and the cost standards, read from the data files beside this module (README.md says
what each holds and where its facts come from).

Files are read once, at import, into the tuples, dicts and sets the generator draws from; their
order is the order of the rows, and the draws depend on it: editing a file changes the output of
`pbk generate` (bump GENERATOR_VERSION in pbk/generator/canonical.py).
"""
from __future__ import annotations

import csv
import json
from importlib.resources import files
from itertools import dropwhile

_HERE = files(__name__)

# The spending groups the generator's arrays are indexed by (budget.py: weights per group).
SPENDING_GROUPS = ("pegawai", "barang", "modal", "bansos", "hibah")


def _csv_rows(name: str) -> list[dict[str, str]]:
    """The rows of a data CSV; its leading '#' lines describe it."""
    lines = _HERE.joinpath(name).read_text(encoding="utf-8").splitlines()
    return list(csv.DictReader(dropwhile(lambda line: line.startswith("#"), lines)))


def _json(name: str) -> dict:
    data = json.loads(_HERE.joinpath(name).read_text(encoding="utf-8"))
    data.pop("about")
    return data


def _tuples(items: list) -> tuple:
    return tuple(tuple(item) for item in items)


# ---- regions and institutions --------------------------------------------------------------
PROVINCES = tuple((r["code"], r["name"]) for r in _csv_rows("provinces.csv"))
REAL_PEMDA = tuple((r["code"], r["name"]) for r in _csv_rows("kabupaten_kota.csv"))
_ministries = _csv_rows("ministries.csv")
REAL_BA = tuple((r["ba_code"], r["name"]) for r in _ministries)
BA_TOPICS = {r["ba_code"]: tuple(r["topics"].split("|")) for r in _ministries if r["topics"]}

_pieces = _json("name_pieces.json")
SYNTHETIC_BA_KINDS = tuple(_pieces["institution_kinds"])
# pieces appended to a name: none first, then each with its leading space
SYNTHETIC_BA_ROMAN = ("", *(f" {n}" for n in _pieces["institution_numbers"]))
PLACE_PREFIXES = tuple(_pieces["place_prefixes"])
PLACE_SUFFIXES = tuple(_pieces["place_suffixes"])
JOINED_PREFIXES = tuple(_pieces["joined_place_prefixes"])
DIRECTIONS = ("", *(f" {d}" for d in _pieces["directions"]))
KECAMATAN_NAMES = tuple(_pieces["kecamatan"])

# ---- programs, activities and outputs ------------------------------------------------------
_programs = _json("programs.json")
TECH_TOPICS = tuple(_programs["technical_topics"])
BANSOS_TOPICS = set(_programs["topics_paying_bansos"])
PROGRAM_PATTERNS = tuple(_programs["program_patterns"])
ACTIVITY_PATTERNS = tuple(_programs["activity_patterns"])
DUKMAN_ACTIVITIES = tuple(_programs["dukman_activities"])

DUKMAN_OUTPUTS = tuple((r["ro"], r["name"], r["archetype"])
                       for r in _csv_rows("dukman_outputs.csv"))
TECH_KRO = tuple((r["letters"], r["name"], r["archetype"], int(r["weight"]))
                 for r in _csv_rows("kro_families.csv"))

_opd = _csv_rows("regional_opd.csv")
REGIONAL_OPD = tuple((int(r["urusan"]), int(r["bidang"]), int(r["unit"]), r["name"], r["topic"])
                     for r in _opd)
CORE_OPD = sum(1 for r in _opd if r["in_every_pemda"] == "yes")
if any(r["in_every_pemda"] != "yes" for r in _opd[:CORE_OPD]):
    raise RuntimeError("regional_opd.csv: the OPD in every pemda must come first")

_regional = _json("regional_programs.json")
PENUNJANG_ACTIVITIES = tuple((a["number"], a["name"], _tuples(a["sub_activities"]))
                             for a in _regional["penunjang_activities"])
SUB_ACTIVITY_PATTERNS = _tuples(_regional["sub_activity_patterns"])
BANSOS_BIDANG = {tuple(b) for b in _regional["bidang_paying_bansos"]}
HIBAH_BIDANG = {tuple(b) for b in _regional["bidang_paying_hibah"]}

OUTPUT_UNITS = {archetype: _tuples(units)
                for archetype, units in _json("output_units.json").items()}

# ---- accounts, spending types and funding --------------------------------------------------
CENTRAL_ACCOUNTS = tuple((r["code"], r["name"], r["group"])
                         for r in _csv_rows("central_accounts.csv"))
REGIONAL_ACCOUNTS = tuple((r["code"], r["name"], r["group"])
                          for r in _csv_rows("regional_accounts.csv"))
_spending = {r["group"]: r for r in _csv_rows("spending_types.csv")}
SPENDING_TYPE_CODES = {level: tuple(_spending[group][level] for group in SPENDING_GROUPS)
                       for level in ("pusat", "daerah")}

_funding = _json("funding_sources.json")
FUNDING_CENTRAL_PROFILES = _tuples(_funding["central_profiles"])
FUNDING_REGIONAL = _tuples(_funding["regional"])

_descriptions = _json("realization_descriptions.json")
DESCRIPTIONS = tuple(tuple(_descriptions[group]) for group in SPENDING_GROUPS)
REFUND_DESCRIPTIONS = tuple(_descriptions["refunds"])

# ---- indicators and SAKIP ------------------------------------------------------------------
_indicators = _json("indicators.json")
INDICATOR_TEMPLATES = {polarity: _tuples(t) for polarity, t in _indicators["templates"].items()}
TUJUAN_INDICATORS = {level: _tuples(t) for level, t in _indicators["tujuan"].items()}
SASARAN_INDICATORS = _tuples(_indicators["sasaran"])
COUNT_UNITS = set(_indicators["count_units"])

_sakip = _json("sakip.json")
SAKIP_COMPONENTS = {regulation: _tuples(c) for regulation, c in _sakip["components"].items()}
SAKIP_SUBCOMPONENTS = _tuples(_sakip["sub_components"])
EVALUATORS = tuple(_sakip["evaluators"])

# ---- cost standards ------------------------------------------------------------------------
_sbm = _csv_rows("sbm.csv")
SBM_NATIONAL = tuple((r["code"], r["description"], r["unit"], int(r["cost"]))
                     for r in _sbm if r["priced"] == "national")
SBM_PER_PROVINCE = tuple((r["code"], r["description"], r["unit"], int(r["cost"]))
                         for r in _sbm if r["priced"] == "per_province")
SBK_TEMPLATES = tuple((r["description"], r["unit"], float(r["base_cost"]))
                      for r in _csv_rows("sbk.csv"))
SBK_LEVELS = tuple((r["level"], float(r["factor"])) for r in _csv_rows("sbk_levels.csv"))
