"""Canonical codes: the one text form of every code, whatever an export wrote, and the catalogue of
code shapes per code system and fiscal-year range, with the source that defines each.

Codes are identities. SAKTI/OM-SPAN and SIPD write the same code whole, split over several columns
or inside one MAK string; `canonical_code_sql` (used by the loader) turns every form into the
canonical one, and the shape rules (base/rule_catalogue.py, decided in expectations/rules.py) judge
the result against `SHAPES`:

- a code no real system produces (letters in a numeric segment, stray characters, a satker that
  lost its leading zero in Excel) is quarantined (`PLAUSIBLE` does not match);
- a plausible code whose shape the catalogue does not list for the row's fiscal year loads with a
  warning (a new code format, or a typo that still looks like a code).

See DESIGN.md, "Canonical codes".
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Fiscal year of the RO (rincian output) code structure: the redesign of planning and budgeting
# (redesain sistem perencanaan dan penganggaran, joint circular of Bappenas and the Ministry of
# Finance, 24 June 2020; applied from the FY 2021 budget) introduced lettered programs ('WA') and
# KRO.RO outputs.
RO_FROM_YEAR = 2021
ANY_YEAR = (None, None)


@dataclass(frozen=True)
class CodeShape:
    thing: str                   # the canonical column the shape is for
    system: str                  # pusat (SAKTI/OM-SPAN) or daerah (SIPD)
    name: str
    pattern: str                 # regex over the canonical form
    example: str
    source: str
    years: tuple = ANY_YEAR      # (first, last) fiscal year the shape is in force; None = open

    def in_force_sql(self, fiscal_year: str) -> str:
        first, last = self.years
        parts = ([f"{fiscal_year} >= {first}"] if first else []) + \
                ([f"{fiscal_year} <= {last}"] if last else [])
        return " AND ".join(parts) or "true"


PMK_RO = ("Redesain sistem perencanaan dan penganggaran (Bappenas-Kemenkeu, 2020), RKA-K/L from "
          "FY 2021; PMK 62/2023: program letters, KRO.RO outputs")
PMK_OLD = "RKA-K/L up to FY 2020 (PMK 94/PMK.02/2017): numbered programs and outputs"
PMK_BA = "PMK 102/PMK.02/2018 (klasifikasi anggaran): 3-digit bagian anggaran"
PMK_BAS = "PMK 214/PMK.05/2013 (bagan akun standar): 6-digit akun"
PMK_SATKER = "DJPb satker register (SAKTI, OM-SPAN): 6-digit satker codes"
PMDN_90 = "Permendagri 90/2019 (klasifikasi, kodefikasi dan nomenklatur perencanaan dan keuangan daerah)"
PMDN_SIPD = "SIPD (Permendagri 70/2019): 22-character SKPD code, urusan.bidang x3, organisasi, unit"
KEMENDAGRI_WILAYAH = "Permendagri 72/2019 (kode wilayah): province 2 digits, kabupaten/kota 2.2"

SKPD = r"\d\.\d{2}\.\d\.\d{2}\.\d\.\d{2}\.\d{2}\.\d{4}"
PEMDA = r"\d{2}(?:\.\d{2})?"

SHAPES: tuple[CodeShape, ...] = (
    CodeShape("instansi_code", "pusat", "bagian anggaran (K/L)", r"^\d{3}$", "019", PMK_BA),
    CodeShape("instansi_code", "daerah", "pemda (province or kabupaten/kota)", rf"^{PEMDA}$",
              "32.73", KEMENDAGRI_WILAYAH),
    CodeShape("work_unit_code", "pusat", "satker", r"^\d{6}$", "019012", PMK_SATKER),
    CodeShape("work_unit_code", "daerah", "SKPD of its pemda (pemda.kode_skpd)",
              rf"^{PEMDA}\.{SKPD}$", "32.73.1.02.0.00.0.00.01.0000", PMDN_SIPD),
    CodeShape("program_code", "pusat", "program BA.eselon1.XX", r"^\d{3}\.\d{2}\.[A-Z]{2}$",
              "019.01.WA", PMK_RO, (RO_FROM_YEAR, None)),
    CodeShape("program_code", "pusat", "program BA.eselon1.nn", r"^\d{3}\.\d{2}\.\d{2}$",
              "019.01.01", PMK_OLD, (None, RO_FROM_YEAR - 1)),
    CodeShape("program_code", "daerah", "program urusan.bidang.program", r"^\d\.\d{2}\.\d{2}$",
              "1.02.02", PMDN_90),
    CodeShape("activity_code", "pusat", "kegiatan", r"^\d{4}$", "4209", PMK_RO),
    CodeShape("activity_code", "daerah", "kegiatan", r"^\d\.\d{2}\.\d{2}\.\d\.\d{2}$",
              "1.02.02.2.02", PMDN_90),
    CodeShape("output_code", "pusat", "rincian output kegiatan.KRO.RO",
              r"^\d{4}\.[A-Z]{3}\.\d{3}$", "4209.EBA.994", PMK_RO, (RO_FROM_YEAR, None)),
    CodeShape("output_code", "pusat", "output kegiatan.output", r"^\d{4}\.\d{3}$", "2001.001",
              PMK_OLD, (None, RO_FROM_YEAR - 1)),
    CodeShape("output_code", "daerah", "sub-kegiatan", r"^\d\.\d{2}\.\d{2}\.\d\.\d{2}\.\d{4}$",
              "1.02.02.2.02.0001", PMDN_90),
    CodeShape("account_code", "pusat", "akun", r"^5[1-8]\d{4}$", "521211", PMK_BAS),
    CodeShape("account_code", "daerah", "kode rekening (sub rincian objek)",
              r"^5\.\d\.\d{2}\.\d{2}\.\d{2}\.\d{4}$", "5.1.02.01.01.0024", PMDN_90),
    # LRA summaries report at coarser levels of the same chart: akun.kelompok.jenis[.objek[.rincian]]
    CodeShape("account_code", "daerah", "kode rekening (jenis, objek or rincian objek)",
              r"^5\.\d\.\d{2}(\.\d{2}){0,2}$", "5.1.02", PMDN_90),
)

# What some real system could write, after canonicalisation. Anything else is dirt: quarantined.
PLAUSIBLE = {
    "work_unit_code": r"^\d{5,6}$|^\d+(?:\.\d+)+$",   # 5 digits: its own rule (SATKER_LOST_ZERO)
    "program_code": r"^\d+(?:\.(?:\d+|[A-Z]{2}))*$",
    "activity_code": r"^\d+(?:\.\d+)*$",
    # an RO without its kegiatan ('EBA.994') is real but incomplete: its own rule (RO_WITHOUT_ACTIVITY)
    "output_code": r"^\d+(?:\.(?:\d+|[A-Z]{3}))*$|^[A-Z]{3}\.\d{3}$",
    "account_code": r"^\d+(?:\.\d+)*$",
}
RO_WITHOUT_ACTIVITY = r"^[A-Z]{3}\.\d{3}$"
# A satker whose leading zero Excel dropped (019012 -> 19012): dirt with its own message
SATKER_LOST_ZERO = r"^\d{5}$"
SKPD_WITHOUT_PEMDA = rf"^{SKPD}$"
# plausible codes that a quarantine rule of their own catches (with a message naming the cause)
QUARANTINED_SHAPES = {"work_unit_code": (SATKER_LOST_ZERO,), "output_code": (RO_WITHOUT_ACTIVITY,)}

# Shapes the loader and the generator use directly
CENTRAL_WORK_UNIT = re.compile(r"^\d{6}$")
REGIONAL_WORK_UNIT = re.compile(rf"^{PEMDA}\.{SKPD}$")
CENTRAL_ACCOUNT = re.compile(r"^5[1-8]\d{4}$")
REGIONAL_ACCOUNT = re.compile(r"^5\.\d\.\d{2}\.\d{2}\.\d{2}\.\d{4}$")
REGIONAL_SUB_ACTIVITY = re.compile(r"^\d\.\d{2}\.\d{2}\.\d\.\d{2}\.\d{4}$")


def shapes_of(thing: str) -> tuple[CodeShape, ...]:
    return tuple(s for s in SHAPES if s.thing == thing)


def known_shape_sql(thing: str, code: str, fiscal_year: str) -> str:
    """TRUE when the code has a catalogued shape in force for the fiscal year."""
    return "(" + " OR ".join(
        f"(regexp_full_match({code}, '{s.pattern[1:-1]}') AND {s.in_force_sql(fiscal_year)})"
        for s in shapes_of(thing)) + ")"


def split_regional_work_unit(code: str) -> tuple[str, str]:
    """'32.73.1.02.0.00.0.00.01.0000' -> ('32.73', '1.02.0.00.0.00.01.0000')."""
    return code[:-23], code[-22:]


# --------------------------------------------------------------------------- canonical forms in SQL
# Each builder gets SQL expressions of trimmed text cells (NULL when empty or absent) and returns
# the SQL of the canonical code. Codes carry no inner spaces in any system: a space inside a code
# (`063.01.WA .6384`) is a typing artefact and is removed; central letters are upper case.

def _squeeze(cell: str) -> str:
    return f"nullif(upper(replace(replace({cell}, ' ', ''), chr(160), '')), '')"


# MAK: [[BA.]eselon1.]program.kegiatan.output.komponen[.subkomponen].akun, program and output in
# the shapes of their fiscal year (WA / KRO.RO from 2021, numbers before).
MAK_PATTERN = (r"^(?:(?:(?P<ba>\d{3})\.)?(?:(?P<es1>\d{2})\.)?(?P<prog>[A-Z]{2}|\d{2})\.)?"
               r"(?P<keg>\d{4})\.(?P<out>[A-Z]{3}\.\d{3}|\d{3})\.(?P<kmp>\d{3})"
               r"(?:\.(?P<skmp>[A-Z0-9]{1,2}))?\.(?P<akun>\d{6})$")
MAK_GROUPS = ("ba", "es1", "prog", "keg", "out", "kmp", "skmp", "akun")
MAK_EXAMPLES = ("019.01.WA.4209.EBA.994.051.A.521211", "063.01.WA .6384.EBA.994.001.A.511111",
                "WA.7937.EBA.994.002.F.521111", "2886.EBA.994.002.521111",
                "019.01.01.2001.001.051.A.521211")


def mak_part(mak: str, group: str) -> str:
    """One part of a MAK cell (NULL when the MAK does not parse or lacks the part)."""
    pattern = re.sub(r"\?P<\w+>", "", MAK_PATTERN)
    index = MAK_GROUPS.index(group) + 1
    return f"nullif(regexp_extract({_squeeze(mak)}, '{pattern}', {index}), '')"


def pemda_sql(cell: str) -> str:
    """Kemendagri wilayah code: '3273' and '32.73' -> '32.73'; a province '32', '3200', '32.00' ->
    '32'. Central BA codes (3 digits) and anything else pass unchanged."""
    c = _squeeze(cell)
    return (f"CASE WHEN regexp_full_match({c}, '\\d{{2}}\\.?00') THEN substr({c}, 1, 2) "
            f"WHEN regexp_full_match({c}, '\\d{{4}}') THEN substr({c}, 1, 2) || '.' || substr({c}, 3, 2) "
            f"ELSE {c} END")


def program_sql(program: str | None, ba: str | None, eselon1: str | None, mak: str | None,
                sub_activity: str | None) -> str:
    """Central: BA.eselon1.program, from the whole code, from eselon1.program or program with the
    BA (KDDEPT/KDBA) and eselon I (KDUNIT) columns, or from the MAK. Regional: as written, or the
    first three segments of the sub-kegiatan when only it is given."""
    p = _squeeze(program) if program else "NULL"
    b = _squeeze(ba) if ba else "NULL"
    e = _squeeze(eselon1) if eselon1 else "NULL"
    whens = []
    if mak:
        mak_prog, mak_es1, mak_ba = (mak_part(mak, g) for g in ("prog", "es1", "ba"))
        whens.append(f"WHEN {mak_prog} IS NOT NULL AND coalesce({mak_ba}, {b}) IS NOT NULL "
                     f"AND coalesce({mak_es1}, {e}) IS NOT NULL THEN coalesce({mak_ba}, {b}) || '.' "
                     f"|| coalesce({mak_es1}, {e}) || '.' || {mak_prog}")
    whens += [
        f"WHEN regexp_full_match({p}, '\\d{{2}}\\.([A-Z]{{2}}|\\d{{2}})') "
        f"AND regexp_full_match({b}, '\\d{{3}}') THEN {b} || '.' || {p}",
        f"WHEN regexp_full_match({p}, '[A-Z]{{2}}|\\d{{2}}') AND regexp_full_match({b}, '\\d{{3}}') "
        f"AND regexp_full_match({e}, '\\d{{2}}') THEN {b} || '.' || {e} || '.' || {p}",
    ]
    fallback = p
    if sub_activity:
        s = _squeeze(sub_activity)
        fallback = (f"coalesce({p}, CASE WHEN regexp_full_match({s}, '{REGIONAL_SUB_ACTIVITY.pattern[1:-1]}') "
                    f"THEN substr({s}, 1, 7) END)")
    return f"(CASE {' '.join(whens)} ELSE {fallback} END)"


def activity_sql(activity: str | None, mak: str | None, sub_activity: str | None) -> str:
    a = _squeeze(activity) if activity else "NULL"
    if mak:
        a = f"coalesce({mak_part(mak, 'keg')}, {a})"
    if sub_activity:
        s = _squeeze(sub_activity)
        a = (f"coalesce({a}, CASE WHEN regexp_full_match({s}, '{REGIONAL_SUB_ACTIVITY.pattern[1:-1]}') "
             f"THEN substr({s}, 1, 12) END)")
    return a


def output_sql(output: str | None, activity_canonical: str, ro: str | None, mak: str | None) -> str:
    """Central output with its kegiatan: kegiatan.KRO.RO (from 2021) or kegiatan.output (before),
    from the whole code, from 'EBA.994' or '001' with the kegiatan column, from KDOUTPUT (KRO) +
    KDRO/KDSOUTPUT (RO), or from the MAK. Regional sub-kegiatan codes pass unchanged."""
    o = _squeeze(output) if output else "NULL"
    r = _squeeze(ro) if ro else "NULL"
    k = activity_canonical
    whens = []
    if mak:
        whens.append(f"WHEN {mak_part(mak, 'out')} IS NOT NULL THEN {mak_part(mak, 'keg')} || '.' || "
                     f"{mak_part(mak, 'out')}")
    whens += [
        f"WHEN regexp_full_match({o}, '[A-Z]{{3}}\\.\\d{{3}}|\\d{{3}}') "
        f"AND regexp_full_match({k}, '\\d{{4}}') THEN {k} || '.' || {o}",
        f"WHEN regexp_full_match({o}, '[A-Z]{{3}}') AND regexp_full_match({r}, '\\d{{3}}') "
        f"AND regexp_full_match({k}, '\\d{{4}}') THEN {k} || '.' || {o} || '.' || {r}",
    ]
    return f"(CASE {' '.join(whens)} ELSE {o} END)"


def account_sql(account: str | None, mak: str | None) -> str:
    """Central akun as written (6 digits); regional kode rekening with its segments padded to
    1.1.2.2.2.4 digits (SIMDA mapping tables write them as integers: 5.1.2.1.1.24)."""
    a = _squeeze(account) if account else "NULL"
    if mak:
        a = f"coalesce({mak_part(mak, 'akun')}, {a})"
    widths = (1, 1, 2, 2, 2, 4)
    whens = []
    for n in range(6, 2, -1):  # 6 segments down to jenis (5.1.02): pad what is there
        pattern = "\\.".join(f"\\d{{1,{w}}}" for w in widths[:n])
        part = " || '.' || ".join(f"lpad(split_part({a}, '.', {i + 1}), {w}, '0')"
                                  for i, w in enumerate(widths[:n]))
        whens.append(f"WHEN regexp_full_match({a}, '{pattern}') THEN {part}")
    return f"(CASE {' '.join(whens)} ELSE {a} END)"


def work_unit_sql(work_unit: str | None, pemda_canonical: str | None) -> str:
    """Central satker as written; a SIPD SKPD code (22 characters) qualified by its pemda
    ('32.73' + '1.02.0.00.0.00.01.0000' -> '32.73.1.02.0.00.0.00.01.0000'): kode_skpd is unique
    only inside one pemda (every kabupaten has its Dinas Kesehatan 1.02.0.00.0.00.01.0000)."""
    w = _squeeze(work_unit) if work_unit else "NULL"
    if not pemda_canonical:
        return w
    return (f"(CASE WHEN regexp_full_match({w}, '{SKPD}') AND "
            f"regexp_full_match({pemda_canonical}, '{PEMDA}') THEN {pemda_canonical} || '.' || {w} "
            f"ELSE {w} END)")


def instansi_from_codes_sql(program_canonical: str | None, work_unit_canonical: str | None) -> str:
    """The BA of a central program ('019.01.WA' -> '019'), else the pemda of a qualified SKPD."""
    parts = []
    if program_canonical:
        parts.append(f"CASE WHEN regexp_full_match({program_canonical}, '\\d{{3}}\\..*') "
                     f"THEN substr({program_canonical}, 1, 3) END")
    if work_unit_canonical:
        parts.append(f"CASE WHEN regexp_full_match({work_unit_canonical}, '{PEMDA}\\.{SKPD}') "
                     f"THEN substr({work_unit_canonical}, 1, length({work_unit_canonical}) - 23) END")
    return f"coalesce({', '.join(parts)})" if parts else "NULL"
