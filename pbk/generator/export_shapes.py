"""Export shapes: the generated data in the layouts real systems export (`pbk generate --shape`).

The canonical layout (one file per kind, the contract's column names, canonical codes, plain
numbers, ISO dates) is what the warehouse stores. Real exports look different: OM-SPAN splits a
code over KDDEPT/KDUNIT/KDPROGRAM columns, SAKTI joins codes into one MAK string, SIPD writes the
pemda and the SKPD in two columns, and each system has its own number and date style. A
non-canonical shape writes the same data in such layouts so that the warehouse built from any
shape gives the same marts.

For budget, budget_plan, realization and output_volume a shape writes `<kind>_pusat.csv` (central
rows) and `<kind>_daerah.csv` (regional rows); indicator, sakip_evaluation and cost_standard stay in
the canonical layout in every shape. `LAYOUTS[shape][kind, system]` is each layout: its headers
(data, listed in docs/extracts.md), a description, and a transform from one canonical row to the
layout's cells; `Layout.example` shows it on a sample row. The files are written by streaming the
canonical files row by row (`write_layout_files`).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from base.codes import CENTRAL_WORK_UNIT, split_regional_work_unit
from ingest.contracts import INDONESIAN_MONTHS

CANONICAL = "canonical"
SPLIT_KINDS = ("budget", "budget_plan", "realization", "output_volume")
SYSTEMS = ("pusat", "daerah")  # pusat: SAKTI/OM-SPAN satker; daerah: SIPD SKPD

# The canonical layout: the columns the generator fills, in contract order (a contract may have
# more, optional, columns).
CANONICAL_HEADERS = {
    "budget": ("fiscal_year", "gov_level", "instansi_code", "instansi_name", "work_unit_code",
               "work_unit_name", "program_code", "program_name", "activity_code", "activity_name",
               "output_code", "output_name", "account_code", "account_name", "funding_source",
               "amount", "revision_no", "revision_date", "blocked_amount"),
    "budget_plan": ("fiscal_year", "work_unit_code", "spending_type", "month", "planned_amount",
                    "revision_no"),
    "realization": ("fiscal_year", "transaction_date", "document_no", "work_unit_code",
                    "program_code", "activity_code", "output_code", "account_code",
                    "funding_source", "amount", "description"),
    "output_volume": ("fiscal_year", "period_month", "work_unit_code", "output_code", "output_unit",
                      "target_volume", "realized_volume", "cost_standard_code"),
    "indicator": ("fiscal_year", "period_month", "instansi_code", "work_unit_code", "indicator_code",
                  "indicator_name", "level", "parent_indicator_code", "program_code",
                  "activity_code", "output_code", "unit", "polarity", "target", "target_upper",
                  "realization"),
    "sakip_evaluation": ("fiscal_year", "instansi_code", "instansi_name", "regulation",
                         "component_code", "sub_component_code", "score", "evaluator"),
    "cost_standard": ("fiscal_year", "standard_type", "standard_code", "description", "unit",
                      "region_code", "unit_cost"),
}

Row = list  # one canonical row: its cells in CANONICAL_HEADERS order
Transform = Callable[[Row, int], list]  # (canonical row, 1-based data row of the layout file) -> cells


class _Positions:
    """Where each canonical column of a kind sits in its rows: B.amount is the index of 'amount'
    in a budget row. (Rows stay lists: a dict per row would cost a third of the pass at SF 1.)"""

    def __init__(self, kind: str):
        for index, name in enumerate(CANONICAL_HEADERS[kind]):
            setattr(self, name, index)


B, P, R, V = (_Positions(kind) for kind in ("budget", "budget_plan", "realization", "output_volume"))


@dataclass(frozen=True)
class Layout:
    shape: str
    kind: str
    system: str
    headers: tuple[str, ...]
    transform: Transform
    description: str

    @property
    def file_name(self) -> str:
        return f"{self.kind}_{self.system}.csv"

    def example_cells(self) -> list[str]:
        """The layout's cells for the sample canonical row of its kind and system."""
        sample = SAMPLE_ROWS[self.kind, self.system]
        return self.transform([sample[name] for name in CANONICAL_HEADERS[self.kind]], 1)

    @property
    def example(self) -> dict[str, str]:
        """header -> cell of the sample row."""
        return dict(zip(self.headers, self.example_cells()))


# --------------------------------------------------------------------------------------------
# Number and date styles. Canonical amounts are plain: '-1234567' or '1234567.5'.
# --------------------------------------------------------------------------------------------
PLAIN_AMOUNT = re.compile(r"(-?)(\d+)(?:\.(\d+))?")
MONTH_NAMES = tuple(m.capitalize() for m in INDONESIAN_MONTHS)


def _amount_parts(text: str) -> tuple[bool, str, str]:
    match = PLAIN_AMOUNT.fullmatch(text)
    if not match:
        raise ValueError(f"canonical amount {text!r} is not a plain number")
    negative, whole, cents = match.groups()
    return bool(negative), whole, (cents or "").ljust(2, "0")


def comma_thousands(text: str) -> str:
    """'-1234567' -> '-1,234,567'; '1234567.5' -> '1,234,567.50' (OM-SPAN, Excel en-US)."""
    if text.isdigit():
        return f"{int(text):,}"
    if not text:
        return ""
    negative, whole, cents = _amount_parts(text)
    body = f"{int(whole):,}" + (f".{cents}" if cents != "00" else "")
    return f"-{body}" if negative else body


def indonesian(text: str) -> str:
    """'1234567' -> '1.234.567,00'; a negative in parentheses: '(1.234.567,00)' (SIPD, SAKTI)."""
    if text.isdigit():
        return f"{int(text):,}".replace(",", ".") + ",00"
    if not text:
        return ""
    negative, whole, cents = _amount_parts(text)
    body = f"{int(whole):,}".replace(",", ".") + f",{cents}"
    return f"({body})" if negative else body


def two_decimals(text: str) -> str:
    """'1234567' -> '1234567.00' (SIPD-RI API dumps)."""
    if text.isdigit():
        return f"{text}.00"
    if not text:
        return ""
    negative, whole, cents = _amount_parts(text)
    return f"{'-' if negative else ''}{whole}.{cents}"


def plain(text: str) -> str:
    """As canonical, once checked to be a plain number."""
    if text and not text.isdigit():
        _amount_parts(text)
    return text


def day_month_year(iso: str) -> str:
    """'2025-03-10' -> '10/03/2025'."""
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}" if iso else ""


def long_indonesian_date(iso: str) -> str:
    """'2025-03-10' -> '10 Maret 2025'."""
    return f"{int(iso[8:10])} {MONTH_NAMES[int(iso[5:7]) - 1]} {iso[:4]}" if iso else ""


def midnight(iso: str) -> str:
    """'2025-03-10' -> '2025-03-10 00:00:00' (a datetime column)."""
    return f"{iso} 00:00:00" if iso else ""


# --------------------------------------------------------------------------------------------
# Code pieces
# --------------------------------------------------------------------------------------------
def program_parts(program: str) -> list[str]:
    """'019.01.WA' -> ['019', '01', 'WA'] (KDDEPT, KDUNIT, KDPROGRAM)."""
    return program.split(".")


def output_parts(output: str) -> list[str]:
    """'4209.EBA.994' -> ['4209', 'EBA', '994'] (KDGIAT, KDOUTPUT = KRO, KDRO = RO)."""
    return output.split(".")


def bps_pemda(pemda: str) -> str:
    """Kemendagri '32.73' -> BPS-style '3273'; a province '32' -> '3200'."""
    return pemda.replace(".", "") if "." in pemda else f"{pemda}00"


def integer_segments(account: str) -> str:
    """'5.1.02.01.01.0024' -> '5.1.2.1.1.24' (SIMDA mapping tables store segments as numbers)."""
    return ".".join(str(int(segment)) for segment in account.split("."))


def komponen(account: str) -> str:
    """The RKA-K/L komponen of a line: salaries (akun 51xxxx) one, everything else another."""
    return "051" if account.startswith("51") else "052"


def mak(program_code: str, output_code: str, account_code: str, n: int) -> str:
    """'019.01.WA.4209.EBA.994.052.A.521211': BA.eselon1.program.kegiatan.KRO.RO.komponen.
    subkomponen.akun. As typed in real listings, every 7th row has a stray space after the program
    and every 11th lacks the BA (the KDDEPT column then supplies it)."""
    head = program_code[4:] if n % 11 == 0 else program_code  # '019.01.WA' -> '01.WA' 
    if n % 7 == 0:
        head += " "
    return f"{head}.{output_code}.{komponen(account_code)}.A.{account_code}"


# --------------------------------------------------------------------------------------------
# Layouts shared by several shapes
# --------------------------------------------------------------------------------------------
def _canonical(r: Row, n: int) -> list:
    return r


def _omspan_budget_plan(r: Row, n: int) -> list:
    return [r[P.fiscal_year], r[P.work_unit_code], r[P.spending_type], r[P.month],
            comma_thousands(r[P.planned_amount]), r[P.revision_no]]


def _omspan_output_volume(r: Row, n: int) -> list:
    kegiatan, kro, ro = output_parts(r[V.output_code])
    return [r[V.fiscal_year], r[V.period_month], r[V.work_unit_code], kegiatan, kro, ro,
            r[V.output_unit], r[V.target_volume], r[V.realized_volume], r[V.cost_standard_code]]


def _sipd_budget_plan(r: Row, n: int) -> list:
    pemda, skpd = split_regional_work_unit(r[P.work_unit_code])
    return [r[P.fiscal_year], bps_pemda(pemda), skpd, r[P.spending_type], r[P.month],
            indonesian(r[P.planned_amount])]


def _sipd_output_volume(r: Row, n: int) -> list:
    pemda, skpd = split_regional_work_unit(r[V.work_unit_code])
    return [r[V.fiscal_year], r[V.period_month], bps_pemda(pemda), skpd, r[V.output_code],
            r[V.output_unit], r[V.target_volume], r[V.realized_volume], r[V.cost_standard_code]]


OMSPAN_BUDGET_PLAN = ("THANG", "KDSATKER", "KDJENBEL", "BULAN", "RPD", "REVISI_KE")
OMSPAN_OUTPUT_VOLUME = ("THANG", "BULAN", "KDSATKER", "KDGIAT", "KDOUTPUT", "KDRO", "SATUAN",
                        "VOLUME", "VOLREAL", "kode_sbk")
SIPD_BUDGET_PLAN = ("tahun", "kodePemda", "kodeSkpd", "kode_jenis_belanja", "bulan", "anggaran_kas")
SIPD_OUTPUT_VOLUME = ("tahun", "bulan", "kodePemda", "kodeSkpd", "kodeSubKegiatan", "satuan",
                      "volume_target", "volume_realisasi", "kode_sbk")
OMSPAN_BUDGET_PLAN_TEXT = ("OM-SPAN rencana penarikan dana (Halaman III DIPA) by jenis belanja and "
                           "month; RPD with comma thousands")
OMSPAN_OUTPUT_VOLUME_TEXT = ("OM-SPAN capaian RO: output split into KDGIAT, KDOUTPUT (KRO) and KDRO "
                             "(RO)")
SIPD_BUDGET_PLAN_TEXT = ("SIPD anggaran kas (camelCase export): BPS-style pemda code (3273, "
                         "province 3200), 22-character kodeSkpd; Indonesian amounts 1.234.567,00")
SIPD_OUTPUT_VOLUME_TEXT = ("SIPD capaian sub-kegiatan (camelCase export): BPS-style pemda code, "
                           "22-character kodeSkpd")


# --------------------------------------------------------------------------------------------
# omspan: OM-SPAN monitoring listings (central), SIPD camelCase exports (regional)
# --------------------------------------------------------------------------------------------
def _omspan_budget(r: Row, n: int) -> list:
    ba, eselon1, program = program_parts(r[B.program_code])
    kegiatan, kro, ro = output_parts(r[B.output_code])
    return [r[B.fiscal_year], ba, r[B.instansi_name], eselon1, r[B.work_unit_code],
            r[B.work_unit_name], program, r[B.program_name], kegiatan, r[B.activity_name], kro, ro,
            r[B.output_name], r[B.account_code], r[B.account_name], r[B.funding_source],
            comma_thousands(r[B.amount]), r[B.revision_no], day_month_year(r[B.revision_date]),
            comma_thousands(r[B.blocked_amount])]


def _omspan_realization(r: Row, n: int) -> list:
    ba, eselon1, program = program_parts(r[R.program_code])
    kegiatan, kro, ro = output_parts(r[R.output_code])
    return [r[R.fiscal_year], r[R.work_unit_code], ba, eselon1, program, kegiatan, kro, ro,
            r[R.account_code], r[R.funding_source], r[R.document_no],
            day_month_year(r[R.transaction_date]), comma_thousands(r[R.amount]), r[R.description]]


def _sipd_budget(r: Row, n: int) -> list:
    pemda, skpd = split_regional_work_unit(r[B.work_unit_code])
    return [r[B.fiscal_year], bps_pemda(pemda), r[B.instansi_name], skpd, r[B.work_unit_name],
            r[B.program_code], r[B.program_name], r[B.activity_code], r[B.activity_name],
            r[B.output_code], r[B.output_name], r[B.account_code], r[B.account_name],
            r[B.funding_source], indonesian(r[B.amount]), r[B.revision_no], r[B.revision_date],
            indonesian(r[B.blocked_amount])]


def _sipd_realization(r: Row, n: int) -> list:
    pemda, skpd = split_regional_work_unit(r[R.work_unit_code])
    return [r[R.fiscal_year], bps_pemda(pemda), skpd, r[R.document_no],
            day_month_year(r[R.transaction_date]), r[R.program_code], r[R.activity_code],
            r[R.output_code], r[R.account_code], r[R.funding_source], indonesian(r[R.amount]),
            r[R.description]]


OMSPAN = {
    ("budget", "pusat"): (
        ("THANG", "KDDEPT", "NMDEPT", "KDUNIT", "KDSATKER", "NMSATKER", "KDPROGRAM", "NMPROGRAM",
         "KDGIAT", "NMGIAT", "KDOUTPUT", "KDRO", "NMRO", "KDAKUN", "NMAKUN", "KDBEBAN", "PAGU",
         "REVISI_KE", "TGLREVISI", "BLOKIR"),
        _omspan_budget,
        "OM-SPAN pagu listing: program split into KDDEPT (BA), KDUNIT (eselon I) and KDPROGRAM, "
        "output into KDGIAT, KDOUTPUT (KRO) and KDRO (RO); comma thousands 1,234,567; dates "
        "dd/mm/yyyy; no gov_level column"),
    ("realization", "pusat"): (
        ("THANG", "KDSATKER", "KDDEPT", "KDUNIT", "KDPROGRAM", "KDGIAT", "KDOUTPUT", "KDSOUTPUT",
         "KDAKUN", "KDBEBAN", "NOSP2D", "TGLSP2D", "NILAI", "URAIAN"),
        _omspan_realization,
        "OM-SPAN SP2D lines: codes split as in the pagu listing (KDSOUTPUT = the RO); comma "
        "thousands, negatives -1,234,567; dates dd/mm/yyyy"),
    ("budget_plan", "pusat"): (OMSPAN_BUDGET_PLAN, _omspan_budget_plan, OMSPAN_BUDGET_PLAN_TEXT),
    ("output_volume", "pusat"): (OMSPAN_OUTPUT_VOLUME, _omspan_output_volume,
                                 OMSPAN_OUTPUT_VOLUME_TEXT),
    ("budget", "daerah"): (
        ("tahun", "kodePemda", "namaPemda", "kodeSkpd", "namaSkpd", "kodeProgram", "namaProgram",
         "kodeKegiatan", "namaKegiatan", "kodeSubKegiatan", "namaSubKegiatan", "kodeRekening",
         "namaRekening", "sumberDana", "anggaran", "revisiKe", "tanggalRevisi", "blokir"),
        _sipd_budget,
        "SIPD DPA export (camelCase): BPS-style pemda code (3273, province 3200) and the "
        "22-character kodeSkpd in two columns; Indonesian amounts 1.234.567,00; ISO dates"),
    ("realization", "daerah"): (
        ("tahun", "kodePemda", "kodeSkpd", "nomorSp2d", "tanggalSp2d", "kodeProgram",
         "kodeKegiatan", "kodeSubKegiatan", "kodeRekening", "sumberDana", "nilaiSp2d",
         "keterangan"),
        _sipd_realization,
        "SIPD SP2D export (camelCase): BPS-style pemda code, 22-character kodeSkpd; Indonesian "
        "amounts, negatives (1.234.567,00); dates dd/mm/yyyy"),
    ("budget_plan", "daerah"): (SIPD_BUDGET_PLAN, _sipd_budget_plan, SIPD_BUDGET_PLAN_TEXT),
    ("output_volume", "daerah"): (SIPD_OUTPUT_VOLUME, _sipd_output_volume, SIPD_OUTPUT_VOLUME_TEXT),
}


# --------------------------------------------------------------------------------------------
# sakti-mak: SAKTI listings with MAK strings (central), SIMDA mapping tables (regional)
# --------------------------------------------------------------------------------------------
def _sakti_budget(r: Row, n: int) -> list:
    return [r[B.fiscal_year], r[B.program_code][:3], r[B.work_unit_code],
            mak(r[B.program_code], r[B.output_code], r[B.account_code], n),
            r[B.funding_source], plain(r[B.amount]), r[B.revision_no], plain(r[B.blocked_amount])]


def _sakti_realization(r: Row, n: int) -> list:
    return [r[R.fiscal_year], r[R.work_unit_code], r[R.program_code][:3], r[R.document_no],
            long_indonesian_date(r[R.transaction_date]),
            mak(r[R.program_code], r[R.output_code], r[R.account_code], n),
            r[R.funding_source], indonesian(r[R.amount]), r[R.description]]


def _simda_budget(r: Row, n: int) -> list:
    pemda, skpd = split_regional_work_unit(r[B.work_unit_code])
    return [r[B.fiscal_year], bps_pemda(pemda), skpd, r[B.program_code], r[B.activity_code],
            r[B.output_code], integer_segments(r[B.account_code]), r[B.funding_source],
            plain(r[B.amount]), r[B.revision_no], plain(r[B.blocked_amount])]


def _simda_realization(r: Row, n: int) -> list:
    pemda, skpd = split_regional_work_unit(r[R.work_unit_code])
    return [r[R.fiscal_year], bps_pemda(pemda), skpd, r[R.document_no], r[R.transaction_date],
            r[R.program_code], r[R.activity_code], r[R.output_code],
            integer_segments(r[R.account_code]), r[R.funding_source], plain(r[R.amount]),
            r[R.description]]


SAKTI_MAK = {
    ("budget", "pusat"): (
        ("THANG", "KDDEPT", "KDSATKER", "MAK", "KDBEBAN", "PAGU", "REVISI_KE", "BLOKIR"),
        _sakti_budget,
        "SAKTI pagu listing, codes only: program, kegiatan, output and akun joined in one MAK "
        "(019.01.WA.4209.EBA.994.052.A.521211; every 7th row with a stray space after the "
        "program, every 11th without the BA); plain amounts; no names, no revision date"),
    ("realization", "pusat"): (
        ("THANG", "KDSATKER", "KDDEPT", "NOSP2D", "TGLSP2D", "MAK", "KDBEBAN", "REALISASI",
         "URAIAN"),
        _sakti_realization,
        "SAKTI kuitansi/SP2D lines with MAK (variants as in the pagu listing); dates '10 Maret "
        "2025'; Indonesian amounts, negatives (1.234.567,00)"),
    ("budget_plan", "pusat"): (OMSPAN_BUDGET_PLAN, _omspan_budget_plan, OMSPAN_BUDGET_PLAN_TEXT),
    ("output_volume", "pusat"): (OMSPAN_OUTPUT_VOLUME, _omspan_output_volume,
                                 OMSPAN_OUTPUT_VOLUME_TEXT),
    ("budget", "daerah"): (
        ("tahun", "kode_pemda", "kode_skpd", "kode_program", "kode_kegiatan", "kode_sub_kegiatan",
         "kode_rekening", "sumber_dana", "anggaran", "revisi_ke", "blokir"),
        _simda_budget,
        "SIMDA mapping table, codes only: BPS-style pemda code, kode rekening with integer "
        "segments (5.1.2.1.1.24); plain amounts; no names, no revision date"),
    ("realization", "daerah"): (
        ("tahun", "kode_pemda", "kode_skpd", "no_sp2d", "tgl_sp2d", "kode_program",
         "kode_kegiatan", "kode_sub_kegiatan", "kode_rekening", "sumber_dana", "realisasi",
         "uraian"),
        _simda_realization,
        "SIMDA SP2D mapping: BPS-style pemda code, kode rekening with integer segments; plain "
        "amounts; ISO dates"),
    ("budget_plan", "daerah"): (SIPD_BUDGET_PLAN, _sipd_budget_plan, SIPD_BUDGET_PLAN_TEXT),
    ("output_volume", "daerah"): (SIPD_OUTPUT_VOLUME, _sipd_output_volume, SIPD_OUTPUT_VOLUME_TEXT),
}


# --------------------------------------------------------------------------------------------
# sipd-ri: canonical central files, SIPD-RI snake_case exports (regional)
# --------------------------------------------------------------------------------------------
def _sipd_ri_budget(r: Row, n: int) -> list:
    skpd = split_regional_work_unit(r[B.work_unit_code])[1]
    urusan, bidang, _program = r[B.program_code].split(".")
    return [r[B.fiscal_year], r[B.instansi_code], r[B.instansi_name], skpd, r[B.work_unit_name],
            skpd, r[B.work_unit_name], urusan, f"{urusan}.{bidang}", r[B.program_code],
            r[B.program_name], r[B.activity_code], r[B.activity_name], r[B.output_code],
            r[B.output_name], r[B.account_code], r[B.account_name], r[B.funding_source],
            two_decimals(r[B.amount]), r[B.revision_no], r[B.revision_date],
            two_decimals(r[B.blocked_amount])]


def _sipd_ri_realization(r: Row, n: int) -> list:
    pemda, skpd = split_regional_work_unit(r[R.work_unit_code])
    return [r[R.fiscal_year], pemda, skpd, skpd, r[R.document_no], midnight(r[R.transaction_date]),
            r[R.output_code], r[R.account_code], r[R.funding_source], two_decimals(r[R.amount]),
            r[R.description]]


def _sipd_ri_budget_plan(r: Row, n: int) -> list:
    pemda, skpd = split_regional_work_unit(r[P.work_unit_code])
    return [r[P.fiscal_year], pemda, skpd, r[P.spending_type], r[P.month],
            two_decimals(r[P.planned_amount])]


def _sipd_ri_output_volume(r: Row, n: int) -> list:
    pemda, skpd = split_regional_work_unit(r[V.work_unit_code])
    return [r[V.fiscal_year], r[V.period_month], pemda, skpd, r[V.output_code], r[V.output_unit],
            r[V.target_volume], r[V.realized_volume], r[V.cost_standard_code]]


SIPD_RI = {
    **{(kind, "pusat"): (CANONICAL_HEADERS[kind], _canonical,
                         "canonical headers and values, central rows only")
       for kind in SPLIT_KINDS},
    ("budget", "daerah"): (
        ("tahun", "kode_pemda", "nama_pemda", "kode_skpd", "nama_skpd", "kode_sub_skpd",
         "nama_sub_skpd", "kode_urusan", "kode_bidang_urusan", "kode_program", "nama_program",
         "kode_giat", "nama_giat", "kode_sub_giat", "nama_sub_giat", "kode_akun", "nama_akun",
         "sumber_dana", "pagu", "revisi_ke", "tanggal_revisi", "blokir"),
        _sipd_ri_budget,
        "SIPD-RI DPA rincian (snake_case): Kemendagri pemda code (32.73, province 32), SKPD and "
        "sub-SKPD (the same unit here), urusan and bidang columns; amounts 1234567.00"),
    ("realization", "daerah"): (
        ("tahun", "kode_pemda", "kode_skpd", "kode_sub_skpd", "nomor_sp_2_d", "tanggal_sp_2_d",
         "kode_sub_giat", "kode_rekening", "sumber_dana", "jumlah", "keterangan"),
        _sipd_ri_realization,
        "SIPD-RI SP2D detail: the sub-kegiatan only (program and kegiatan are its first segments); "
        "dates as datetimes 2025-03-10 00:00:00; amounts 1234567.00"),
    ("budget_plan", "daerah"): (
        ("tahun", "kode_pemda", "kode_skpd", "kode_jenis_belanja", "bulan", "anggaran_kas"),
        _sipd_ri_budget_plan,
        "SIPD-RI anggaran kas: Kemendagri pemda code; amounts 1234567.00"),
    ("output_volume", "daerah"): (
        ("tahun", "bulan", "kode_pemda", "kode_skpd", "kode_sub_giat", "satuan", "volume_target",
         "volume_realisasi", "kode_sbk"),
        _sipd_ri_output_volume,
        "SIPD-RI capaian sub-kegiatan: Kemendagri pemda code"),
}

LAYOUTS: dict[str, dict[tuple[str, str], Layout]] = {
    shape: {key: Layout(shape, key[0], key[1], tuple(headers), transform, description)
            for key, (headers, transform, description) in table.items()}
    for shape, table in (("omspan", OMSPAN), ("sakti-mak", SAKTI_MAK), ("sipd-ri", SIPD_RI))
}
SHAPES = (CANONICAL, *LAYOUTS)

# Canonical sample rows, for Layout.example (docs) and the import-time check below
SAMPLE_ROWS: dict[tuple[str, str], dict[str, str]] = {
    ("budget", "pusat"): dict(zip(CANONICAL_HEADERS["budget"], (
        "2025", "pusat", "019", "Kementerian Perindustrian", "019012",
        "Sekretariat Jenderal Kementerian Perindustrian", "019.01.WA", "Program Dukungan Manajemen",
        "4209", "Perencanaan dan Penganggaran", "4209.EBA.994", "Layanan Perkantoran", "521211",
        "Belanja Bahan", "RM", "1234567000", "1", "2025-03-10", "50000000"))),
    ("budget", "daerah"): dict(zip(CANONICAL_HEADERS["budget"], (
        "2025", "daerah", "32.73", "Kota Bandung", "32.73.1.02.0.00.0.00.01.0000",
        "Dinas Kesehatan Kota Bandung", "1.02.02", "Program Pemenuhan Upaya Kesehatan",
        "1.02.02.2.02", "Penyediaan Layanan Kesehatan", "1.02.02.2.02.0001",
        "Pengelolaan Pelayanan Kesehatan Ibu Hamil", "5.1.02.01.01.0024",
        "Belanja Alat/Bahan untuk Kegiatan Kantor-Alat Tulis Kantor", "DAU", "1234567000", "0", "",
        ""))),
    ("realization", "pusat"): dict(zip(CANONICAL_HEADERS["realization"], (
        "2025", "2025-03-10", "250190120000017", "019012", "019.01.WA", "4209", "4209.EBA.994",
        "521211", "RM", "-2500000", "Pengembalian sisa belanja (setoran)"))),
    ("realization", "daerah"): dict(zip(CANONICAL_HEADERS["realization"], (
        "2025", "2025-03-10", "SP2D/3273/2025/000123", "32.73.1.02.0.00.0.00.01.0000", "1.02.02",
        "1.02.02.2.02", "1.02.02.2.02.0001", "5.1.02.01.01.0024", "DAU", "12500000",
        "Penggantian uang persediaan (GUP) Maret"))),
    ("budget_plan", "pusat"): dict(zip(CANONICAL_HEADERS["budget_plan"], (
        "2025", "019012", "52", "3", "150000000", "1"))),
    ("budget_plan", "daerah"): dict(zip(CANONICAL_HEADERS["budget_plan"], (
        "2025", "32.1.02.0.00.0.00.01.0000", "5.1.02", "3", "150000000", "0"))),
    ("output_volume", "pusat"): dict(zip(CANONICAL_HEADERS["output_volume"], (
        "2025", "6", "019012", "4209.EBA.994", "Layanan", "12", "6", ""))),
    ("output_volume", "daerah"): dict(zip(CANONICAL_HEADERS["output_volume"], (
        "2025", "6", "32.73.1.02.0.00.0.00.01.0000", "1.02.02.2.02.0001", "Orang", "1200", "640",
        "SBK.013"))),
}


def _check_layouts() -> None:
    for shape, layouts in LAYOUTS.items():
        if set(layouts) != {(kind, system) for kind in SPLIT_KINDS for system in SYSTEMS}:
            raise RuntimeError(f"shape {shape!r} lacks a layout")
        for layout in layouts.values():
            if len(layout.example_cells()) != len(layout.headers):
                raise RuntimeError(f"{shape} {layout.file_name}: transform and headers disagree")


_check_layouts()


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------
def system_of(work_unit_code: str) -> str:
    return "pusat" if CENTRAL_WORK_UNIT.match(work_unit_code) else "daerah"


def write_layout_files(canonical_dir: Path, out_dir: Path, shape: str) -> dict[str, dict]:
    """Stream canonical_dir/<kind>.csv of every split kind into the shape's two layout files in
    out_dir, rows in their canonical order. Returns {file stem: {file, kind, system, rows}}."""
    written = {}
    for kind in SPLIT_KINDS:
        layouts = {system: LAYOUTS[shape][kind, system] for system in SYSTEMS}
        handles = {system: open(out_dir / layout.file_name, "w", encoding="utf-8", newline="",
                                buffering=1 << 20) for system, layout in layouts.items()}
        try:
            writers = {system: csv.writer(handle, lineterminator="\n")
                       for system, handle in handles.items()}
            for system, writer in writers.items():
                writer.writerow(layouts[system].headers)
            rows = dict.fromkeys(SYSTEMS, 0)
            with open(canonical_dir / f"{kind}.csv", encoding="utf-8", newline="") as source:
                reader = csv.reader(source)
                header = next(reader)
                if tuple(header) != CANONICAL_HEADERS[kind]:
                    raise ValueError(f"{kind}.csv is not in the canonical layout")
                work_unit = header.index("work_unit_code")
                transforms = {system: layout.transform for system, layout in layouts.items()}
                for values in reader:
                    system = system_of(values[work_unit])
                    rows[system] += 1
                    writers[system].writerow(transforms[system](values, rows[system]))
        finally:
            for handle in handles.values():
                handle.close()
        for system, layout in layouts.items():
            written[layout.file_name.removesuffix(".csv")] = {
                "file": layout.file_name, "kind": kind, "system": system, "rows": rows[system]}
    return written
