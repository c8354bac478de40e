"""Extract contracts: the canonical columns of every extract kind, their types, the header aliases
real exports use (OM-SPAN/SAKTI for central government, SIPD for regional), and natural keys.

This module is the single source of truth used by the generator, the loader, the raw-table DDL and
the documentation (docs/extracts.md). See DESIGN.md, "Extract contracts".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# Column value types and the DuckDB type each becomes in raw.*
#   code   : text, leading zeros kept
#   text   : free text
#   int    : integer (fiscal year, revision number)
#   month  : 1..12, given as a number or an Indonesian month name
#   amount : Rupiah, DECIMAL(38,2); Indonesian or plain number formats, (x) = negative
#   number : a measured quantity (volumes, indicator values, scores), DOUBLE
#   date   : ISO, dd/mm/yyyy, '31 Desember 2024', Excel serial in XLSX
#   enum   : text restricted to a vocabulary
SQL_TYPES = {
    "code": "VARCHAR",
    "text": "VARCHAR",
    "enum": "VARCHAR",
    "int": "INTEGER",
    "month": "INTEGER",
    "amount": "DECIMAL(38,2)",
    "number": "DOUBLE",
    "date": "DATE",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    mandatory: bool = True
    aliases: tuple[str, ...] = ()
    vocabulary: tuple[str, ...] = ()
    description: str = ""
    # headers used only when no header of `aliases` is in the file (e.g. SIPD's kode_skpd when the
    # finer kode_sub_skpd is absent); a fallback header beside a primary one stays in _extra
    fallback_aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Contract:
    kind: str
    description: str
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...]
    # columns that may be absent from a file because the loader derives them (and logs that it did)
    derivable: tuple[str, ...] = field(default=())
    # What a batch covers: its distinct combinations of these columns (ops.load_log.coverage_cells).
    # row_count_drop compares a batch only with an earlier one of similar coverage, so a nightly
    # file of one day's SP2D lines is not a "drop" against the full-year file before it.
    coverage: tuple[str, ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def mandatory(self) -> list[str]:
        return [c.name for c in self.columns if c.mandatory]


def C(name, type_, mandatory=True, aliases=(), vocabulary=(), description="", fallback=()):
    return Column(name, type_, mandatory, tuple(aliases), tuple(vocabulary), description,
                  tuple(fallback))


# Code parts: headers of exports that split a code over several columns or join several codes in
# one (SAKTI/OM-SPAN). They are not stored as columns of their own (the raw cells stay in _extra);
# the loader builds the canonical codes from them (base/codes.py).
CODE_PARTS = {
    "eselon1": ("KDUNIT", "kode_eselon1", "kode_unit_eselon1"),   # '01' of program 019.01.WA
    "ro": ("KDSOUTPUT", "KDRO", "kode_ro", "kode_sub_output"),    # '994' of output 4209.EBA.994
    "mak": ("MAK", "KDMAK", "kode_mak", "kode_akun_lengkap"),     # 019.01.WA.4209.EBA.994.051.A.521211
}


FISCAL_YEAR = C("fiscal_year", "int", aliases=("THANG", "TA", "tahun", "tahun_anggaran"),
                description="Fiscal year (tahun anggaran)")
WORK_UNIT = C("work_unit_code", "code",
              aliases=("KDSATKER", "kode_satker", "kode_sub_skpd", "kode_unit", "kode_unit_skpd"),
              fallback=("kode_skpd",),
              description="Satker (6 digits, central) or SKPD of its pemda "
                          "('32.73.1.02.0.00.0.00.01.0000' = pemda 32.73 + SIPD kode_skpd)")
PROGRAM = C("program_code", "code", aliases=("KDPROGRAM", "kode_program"),
            description="Program: '019.01.WA' (central, BA.eselon1.program) or urusan.bidang.program "
                        "'1.02.02' (SIPD)")
ACTIVITY = C("activity_code", "code", aliases=("KDGIAT", "kode_kegiatan", "kode_giat"),
             description="Kegiatan: 4 digits (central) or '1.02.02.2.02' (SIPD)")
OUTPUT = C("output_code", "code",
           aliases=("KDOUTPUT", "kode_output", "kode_sub_kegiatan", "kode_sub_giat"),
           fallback=("KDRO", "kode_ro"),
           description="Output with its kegiatan: '4209.EBA.994' (central, kegiatan.KRO.RO from FY "
                       "2021; '2001.001' before) or sub-kegiatan '1.02.02.2.02.0001' (SIPD)")
ACCOUNT = C("account_code", "code", aliases=("KDAKUN", "kode_akun", "kode_rekening"),
            description="Akun, 6 digits (central) or kode rekening '5.1.02.01.01.0001' (SIPD)")
FUNDING = C("funding_source", "code", False,
            aliases=("KDSDANA", "KDBEBAN", "sumber_dana", "kode_sumber_dana"),
            description="Sumber dana (RM, PNBP, PHLN, DAU, DAK, ...); empty = not split")
INSTANSI = C("instansi_code", "code",
             aliases=("KDDEPT", "KDBA", "kode_ba", "kode_kl", "kode_pemda", "kode_instansi"),
             description="Bagian anggaran (K/L, 3 digits, e.g. 019) or pemda (Kemendagri wilayah "
                         "code: province 32, kabupaten/kota 32.73)")
# Where a kind does not need the institution, an export may still carry it (KDDEPT, kode_pemda):
# it completes a program split over columns and qualifies SIPD SKPD codes with their pemda.
INSTANSI_CONTEXT = C("instansi_code", "code", False, aliases=INSTANSI.aliases,
                     description=INSTANSI.description + "; derived from the program or SKPD when "
                                 "absent")
PERIOD_MONTH = C("period_month", "month", aliases=("bulan", "periode", "BULAN", "periode_bulan"),
                 description="Cumulative as of the end of this month (12 = the whole year)")

CONTRACTS: dict[str, Contract] = {}


def _add(contract: Contract) -> None:
    CONTRACTS[contract.kind] = contract


_add(Contract(
    "budget", "Budget lines (pagu) of DIPA (central) or DPA (regional), one row per line and revision",
    (
        FISCAL_YEAR,
        C("gov_level", "enum", aliases=("tingkat_pemerintahan", "level_pemerintahan"),
          vocabulary=("pusat", "daerah"), description="pusat (central) or daerah (regional)"),
        INSTANSI_CONTEXT,
        # Names are never mandatory: a SAKTI pagu listing carries codes only (dimensions then show
        # the code, or the latest name seen for it elsewhere).
        C("instansi_name", "text", False, aliases=("NMDEPT", "NMBA", "nama_ba", "nama_kl",
                                                   "nama_pemda", "nama_instansi")),
        WORK_UNIT,
        C("work_unit_name", "text", False, aliases=("NMSATKER", "nama_satker", "nama_sub_skpd",
                                                    "nama_unit"), fallback=("nama_skpd",)),
        PROGRAM,
        C("program_name", "text", False, aliases=("NMPROGRAM", "nama_program")),
        ACTIVITY,
        C("activity_name", "text", False, aliases=("NMGIAT", "nama_kegiatan", "nama_giat")),
        OUTPUT,
        C("output_name", "text", False, aliases=("NMOUTPUT", "NMRO", "nama_output", "nama_ro",
                                                 "nama_sub_kegiatan", "nama_sub_giat")),
        ACCOUNT,
        C("account_name", "text", False, aliases=("NMAKUN", "nama_akun", "nama_rekening",
                                                  "uraian_rekening")),
        FUNDING,
        C("amount", "amount", aliases=("PAGU", "pagu", "anggaran", "nilai_pagu", "jumlah_anggaran",
                                       "nominal"),
          fallback=("total_harga",), description="Budget amount in Rupiah"),
        C("revision_no", "int", aliases=("REVISI_KE", "REVISI", "revisi_ke", "no_revisi", "KDREVISI"),
          description="0 = original DIPA/DPA; a revision restates the unit's whole budget; "
                      "0 when the export has no revision column"),
        C("revision_date", "date", False, aliases=("TGLREVISI", "tgl_revisi", "tanggal_revisi")),
        C("blocked_amount", "amount", False, aliases=("BLOKIR", "blokir", "pagu_blokir")),
    ),
    ("fiscal_year", "work_unit_code", "program_code", "activity_code", "output_code",
     "account_code", "funding_source", "revision_no"),
    derivable=("gov_level", "revision_no", "program_code", "activity_code", "output_code",
               "account_code"),
    coverage=("work_unit_code",),
))

_add(Contract(
    "budget_plan", "Disbursement plan (RPD / Halaman III DIPA / anggaran kas) by month",
    (
        FISCAL_YEAR,
        WORK_UNIT,
        C("spending_type", "code", aliases=("jenis_belanja", "KDJENBEL", "kode_jenis_belanja"),
          description="'52' style (central) or '5.1.02' style (regional)"),
        C("month", "month", aliases=("bulan", "BULAN"), description="1..12"),
        C("planned_amount", "amount", aliases=("RPD", "rpd", "rencana_penarikan", "anggaran_kas",
                                               "rencana")),
        C("revision_no", "int", False, aliases=("REVISI_KE", "revisi_ke", "no_revisi")),
        INSTANSI_CONTEXT,
    ),
    ("fiscal_year", "work_unit_code", "spending_type", "month", "revision_no"),
    coverage=("work_unit_code", "month"),
))

_add(Contract(
    "realization", "Spending lines (SP2D central, LRA/SP2D regional); negative = refund/correction",
    (
        FISCAL_YEAR,
        C("transaction_date", "date", aliases=("TGLSP2D", "tgl_sp2d", "tanggal_sp2d", "tanggal",
                                               "sp2d_tgl")),
        C("document_no", "code", aliases=("NOSP2D", "no_sp2d", "nomor_sp2d", "nomor_dokumen",
                                          "sp2d_no")),
        WORK_UNIT,
        PROGRAM,
        ACTIVITY,
        OUTPUT,
        ACCOUNT,
        FUNDING,
        C("amount", "amount", aliases=("REALISASI", "realisasi", "nilai_realisasi", "NILAI",
                                       "jumlah"),
          fallback=("nilai_sp2d",),  # the SP2D total: the line amount when no jumlah column
          description="Rupiah; negative for refunds and corrections"),
        C("description", "text", False, aliases=("URAIAN", "uraian", "keterangan")),
        INSTANSI_CONTEXT,
    ),
    ("fiscal_year", "work_unit_code", "document_no", "output_code", "account_code"),
    derivable=("fiscal_year", "program_code", "activity_code", "output_code", "account_code"),
    coverage=("work_unit_code", "transaction_date"),
))

_add(Contract(
    "output_volume", "Output achievement (capaian RO / sub-kegiatan), cumulative by month",
    (
        FISCAL_YEAR,
        PERIOD_MONTH,
        WORK_UNIT,
        OUTPUT,
        C("output_unit", "text", aliases=("satuan", "SATUAN", "satuan_output")),
        C("target_volume", "number", aliases=("VOLUME", "volume_target", "target", "target_output")),
        C("realized_volume", "number", aliases=("VOLREAL", "realisasi_volume", "capaian_volume",
                                                "volume_realisasi")),
        C("cost_standard_code", "code", False, aliases=("kode_sbk", "kode_standar_biaya")),
        INSTANSI_CONTEXT,
        C("activity_code", "code", False, aliases=ACTIVITY.aliases,
          description="Kegiatan, when the export writes the output without it ('EBA.994')"),
    ),
    ("fiscal_year", "period_month", "work_unit_code", "output_code"),
    coverage=("work_unit_code", "period_month"),
))

_add(Contract(
    "indicator", "Performance indicators (IKU/IKK, Perjanjian Kinerja) with targets and realization",
    (
        FISCAL_YEAR,
        PERIOD_MONTH,
        INSTANSI,
        C("work_unit_code", "code", False, aliases=WORK_UNIT.aliases,
          description="Empty for institution-level indicators (tujuan, sasaran strategis)"),
        C("indicator_code", "code", aliases=("kode_indikator", "KDIKU", "kode_iku")),
        C("indicator_name", "text", aliases=("nama_indikator", "indikator", "uraian_indikator")),
        C("level", "enum", aliases=("tingkat", "level_indikator"),
          vocabulary=("tujuan", "sasaran_strategis", "program", "kegiatan", "output")),
        C("parent_indicator_code", "code", False, aliases=("kode_indikator_induk", "induk")),
        C("program_code", "code", False, aliases=PROGRAM.aliases),
        C("activity_code", "code", False, aliases=ACTIVITY.aliases),
        C("output_code", "code", False, aliases=OUTPUT.aliases),
        C("unit", "text", aliases=("satuan", "SATUAN")),
        C("polarity", "enum", aliases=("polaritas", "arah"), vocabulary=("max", "min", "range")),
        C("target", "number", aliases=("target_kinerja",),
          description="Target; the lower bound when polarity = range"),
        C("target_upper", "number", False, aliases=("target_atas", "batas_atas")),
        C("realization", "number", aliases=("realisasi", "realisasi_kinerja", "capaian")),
    ),
    ("fiscal_year", "period_month", "instansi_code", "work_unit_code", "indicator_code"),
    coverage=("instansi_code", "work_unit_code", "period_month"),
))

_add(Contract(
    "sakip_evaluation", "SAKIP evaluation results (LKE) per institution and component",
    (
        FISCAL_YEAR,
        INSTANSI,
        C("instansi_name", "text", aliases=("nama_instansi", "nama_kl", "nama_pemda")),
        C("regulation", "enum", aliases=("regulasi", "dasar_hukum", "peraturan"),
          vocabulary=("PermenPANRB-12-2015", "PermenPANRB-88-2021")),
        C("component_code", "code", aliases=("komponen", "kode_komponen")),
        C("sub_component_code", "code", False, aliases=("sub_komponen", "kode_sub_komponen"),
          description="Empty = the row is the component's total"),
        C("score", "number", aliases=("nilai", "skor"),
          description="Points earned on the item's weighted scale"),
        C("evaluator", "text", False, aliases=("tim_evaluator", "penilai")),
    ),
    ("fiscal_year", "instansi_code", "component_code", "sub_component_code"),
    coverage=("instansi_code",),
))

_add(Contract(
    "cost_standard", "Cost standards: SBM (input) and SBK (output) unit costs",
    (
        FISCAL_YEAR,
        C("standard_type", "enum", aliases=("jenis_standar", "jenis_sbm"), vocabulary=("SBM", "SBK")),
        C("standard_code", "code", aliases=("kode_standar", "kode_sbm", "kode_sbk")),
        C("description", "text", aliases=("uraian",)),
        C("unit", "text", aliases=("satuan",)),
        C("region_code", "code", False, aliases=("kode_wilayah", "kode_provinsi")),
        C("unit_cost", "amount", aliases=("biaya", "tarif", "besaran", "harga_satuan")),
    ),
    ("fiscal_year", "standard_code", "region_code"),
    coverage=("standard_code", "region_code"),
))

KINDS = tuple(CONTRACTS)

# Lineage columns every raw table carries (DESIGN.md)
LINEAGE_COLUMNS = (
    ("_extra", "JSON"),            # unknown extra columns of the file, kept verbatim
    ("_load_id", "VARCHAR"),
    ("_source_file", "VARCHAR"),
    ("_source_sha256", "VARCHAR"),
    ("_source_row", "BIGINT"),     # 1-based data row in the file
    ("_ingested_at", "TIMESTAMP"),  # UTC
)


INDONESIAN_MONTHS = ("januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus",
                     "september", "oktober", "november", "desember")


def normalise_header(name: str) -> str:
    """Header matching ignores case, spaces, underscores and hyphens (and a UTF-8 BOM)."""
    return re.sub(r"[\s_\-\.]+", "", name.replace("\ufeff", "")).lower()


def raw_table_ddl(kind: str, schema: str = "raw") -> str:
    contract = CONTRACTS[kind]
    cols = [f'"{c.name}" {SQL_TYPES[c.type]}' for c in contract.columns]
    cols += [f'"{n}" {t}' for n, t in LINEAGE_COLUMNS]
    return f"CREATE TABLE IF NOT EXISTS {schema}.{kind} (\n  " + ",\n  ".join(cols) + "\n)"
