"""Deterministic synthetic extracts for the PBK warehouse (`pbk generate`).

`generate()` writes one CSV per extract kind in the canonical layout (the contract columns it
fills, in contract order, canonical codes; see ingest/codes.py), plus `manifest.json` and
`dirt.csv`. SF 1 is one national year: ~20,000 work units (half central satker, half regional
SKPD), ~5M budget lines, ~20M realization lines, ~1M indicator rows. With a `shape` other than
canonical the same data is written in the layouts of real exports (pbk/export_shapes.py), by a
streaming pass over the canonical files.

How it stays fast and small:
- the registry (institutions, work units, programs) is built first and is small;
- then every work unit is generated in turn (budget with its revisions, plan, realization, output
  volumes, indicators) and its rows are written at once, so memory does not grow with the scale;
- every work unit draws from its own random streams seeded by (seed, unit serial), so a unit's data
  never depends on how much randomness earlier units consumed.

Dirt is injected by a second streaming pass over each clean file. The clean content therefore does
not depend on the dirty fraction: a dirty file is its clean twin with exactly the rows listed in
dirt.csv changed (or, for duplicate_line, added).
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import math
import os
import random
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import numpy as np

from ingest.codes import CENTRAL_WORK_UNIT, REGIONAL_WORK_UNIT
from ingest.contracts import CONTRACTS, INDONESIAN_MONTHS
from pbk.export_shapes import CANONICAL, CANONICAL_HEADERS, SHAPES, SPLIT_KINDS, write_layout_files

# 2: canonical codes (output with its kegiatan, Kemendagri pemda codes, pemda-qualified SIPD SKPD
# codes) and export shapes; the random draws and every other value are those of version 1.
GENERATOR_VERSION = 2
STREAMED_KINDS = ("budget", "budget_plan", "realization", "output_volume", "indicator")
SMALL_KINDS = ("sakip_evaluation", "cost_standard")
ALL_KINDS = STREAMED_KINDS + SMALL_KINDS
FILE_NAMES = {kind: f"{kind}.csv" for kind in ALL_KINDS}
DIRT_FILE = "dirt.csv"
MANIFEST_FILE = "manifest.json"
DIRT_COLUMNS = ("kind", "file", "source_row", "dirt", "field", "value")

# The canonical layout (pbk/export_shapes.py): the row builders below emit values in this order.
# Contracts may gain optional columns the generator does not fill; anything else that changes
# under us fails loudly.
CANONICAL_COLUMNS = {kind: list(columns) for kind, columns in CANONICAL_HEADERS.items()}


def _check_canonical_columns() -> None:
    for kind, columns in CANONICAL_COLUMNS.items():
        contract = CONTRACTS[kind].column_names
        in_contract_order = [c for c in contract if c in columns]
        missing = set(CONTRACTS[kind].mandatory) - set(columns) - set(CONTRACTS[kind].derivable)
        if in_contract_order != columns or missing:
            raise RuntimeError(f"contract for {kind!r} changed; update pbk/generate.py row builders")


_check_canonical_columns()

# --------------------------------------------------------------------------------------------
# Dirt: which types apply to which kind, and which fields each type may touch.
# --------------------------------------------------------------------------------------------
DIRT_TYPES = {
    "budget": ("bad_number", "empty_mandatory", "duplicate_line"),
    "budget_plan": ("bad_number", "empty_mandatory", "duplicate_line"),
    "realization": ("bad_number", "empty_mandatory", "duplicate_line", "unknown_code",
                    "future_date"),
    "output_volume": ("bad_number", "empty_mandatory", "duplicate_line"),
    "indicator": ("bad_number", "empty_mandatory", "duplicate_line"),
    "sakip_evaluation": (),
    "cost_standard": (),
}
NUMBER_FIELDS = {
    "budget": ("amount",),
    "budget_plan": ("planned_amount",),
    "realization": ("amount",),
    "output_volume": ("target_volume", "realized_volume"),
    "indicator": ("target", "realization"),
}
# Mandatory fields the loader cannot derive (never fiscal_year of realization, never gov_level).
EMPTIABLE_FIELDS = {
    "budget": ("work_unit_code", "account_code", "amount", "output_code", "program_code",
               "activity_code"),
    "budget_plan": ("work_unit_code", "spending_type", "planned_amount", "month"),
    "realization": ("document_no", "work_unit_code", "account_code", "amount", "output_code",
                    "transaction_date"),
    "output_volume": ("work_unit_code", "output_code", "target_volume", "output_unit",
                      "realized_volume"),
    "indicator": ("indicator_code", "instansi_code", "target", "indicator_name", "realization",
                  "polarity"),
}
# Values a spreadsheet export really produces; None = the true value with a letter O for a zero.
BAD_NUMBER_VALUES = ("#VALUE!", None, "n/a", "1.2.3,4,5", "#N/A")

# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------
PROVINCES = (
    ("11", "Aceh"), ("12", "Sumatera Utara"), ("13", "Sumatera Barat"), ("14", "Riau"),
    ("15", "Jambi"), ("16", "Sumatera Selatan"), ("17", "Bengkulu"), ("18", "Lampung"),
    ("19", "Kepulauan Bangka Belitung"), ("21", "Kepulauan Riau"), ("31", "DKI Jakarta"),
    ("32", "Jawa Barat"), ("33", "Jawa Tengah"), ("34", "DI Yogyakarta"), ("35", "Jawa Timur"),
    ("36", "Banten"), ("51", "Bali"), ("52", "Nusa Tenggara Barat"), ("53", "Nusa Tenggara Timur"),
    ("61", "Kalimantan Barat"), ("62", "Kalimantan Tengah"), ("63", "Kalimantan Selatan"),
    ("64", "Kalimantan Timur"), ("65", "Kalimantan Utara"), ("71", "Sulawesi Utara"),
    ("72", "Sulawesi Tengah"), ("73", "Sulawesi Selatan"), ("74", "Sulawesi Tenggara"),
    ("75", "Gorontalo"), ("76", "Sulawesi Barat"), ("81", "Maluku"), ("82", "Maluku Utara"),
    ("91", "Papua Barat"), ("94", "Papua"),
)

# Real kabupaten/kota: (pemda code, name); the place part also names central balai
REAL_PEMDA = (
    ("1106", "Kabupaten Aceh Besar"), ("1171", "Kota Banda Aceh"), ("1207", "Kabupaten Deli Serdang"),
    ("1271", "Kota Medan"), ("1371", "Kota Padang"), ("1471", "Kota Pekanbaru"),
    ("1571", "Kota Jambi"), ("1671", "Kota Palembang"), ("1771", "Kota Bengkulu"),
    ("1871", "Kota Bandar Lampung"), ("3201", "Kabupaten Bogor"), ("3202", "Kabupaten Sukabumi"),
    ("3203", "Kabupaten Cianjur"), ("3204", "Kabupaten Bandung"), ("3205", "Kabupaten Garut"),
    ("3206", "Kabupaten Tasikmalaya"), ("3209", "Kabupaten Cirebon"), ("3215", "Kabupaten Karawang"),
    ("3216", "Kabupaten Bekasi"), ("3271", "Kota Bogor"), ("3273", "Kota Bandung"),
    ("3275", "Kota Bekasi"), ("3276", "Kota Depok"), ("3302", "Kabupaten Banyumas"),
    ("3310", "Kabupaten Klaten"), ("3372", "Kota Surakarta"), ("3374", "Kota Semarang"),
    ("3401", "Kabupaten Kulon Progo"), ("3402", "Kabupaten Bantul"),
    ("3403", "Kabupaten Gunungkidul"), ("3404", "Kabupaten Sleman"), ("3471", "Kota Yogyakarta"),
    ("3507", "Kabupaten Malang"), ("3509", "Kabupaten Jember"), ("3510", "Kabupaten Banyuwangi"),
    ("3515", "Kabupaten Sidoarjo"), ("3573", "Kota Malang"), ("3578", "Kota Surabaya"),
    ("3603", "Kabupaten Tangerang"), ("3671", "Kota Tangerang"), ("5103", "Kabupaten Badung"),
    ("5171", "Kota Denpasar"), ("5271", "Kota Mataram"), ("5371", "Kota Kupang"),
    ("6171", "Kota Pontianak"), ("6371", "Kota Banjarmasin"), ("6471", "Kota Balikpapan"),
    ("6472", "Kota Samarinda"), ("7171", "Kota Manado"), ("7306", "Kabupaten Gowa"),
    ("7371", "Kota Makassar"), ("8171", "Kota Ambon"), ("9471", "Kota Jayapura"),
)
# Pieces for plausible extra kabupaten names beyond the real list
PLACE_PREFIXES = ("Suka", "Sumber", "Tanjung", "Muara", "Batu", "Bukit", "Sungai", "Teluk", "Rawa",
                  "Lubuk", "Padang", "Pulau", "Air", "Karang", "Tanah", "Sido", "Way", "Kuala")
PLACE_SUFFIXES = ("Jaya", "Makmur", "Raya", "Baru", "Indah", "Sari", "Mulya", "Permai")
JOINED_PREFIXES = ("Suka", "Sumber", "Sido", "Karang")  # written as one word: Sukajaya, Sidomulya
DIRECTIONS = ("", " Utara", " Selatan", " Timur", " Barat", " Tengah")

REAL_BA = (
    ("001", "Majelis Permusyawaratan Rakyat"), ("002", "Dewan Perwakilan Rakyat"),
    ("004", "Badan Pemeriksa Keuangan"), ("005", "Mahkamah Agung"),
    ("006", "Kejaksaan Republik Indonesia"), ("007", "Kementerian Sekretariat Negara"),
    ("010", "Kementerian Dalam Negeri"), ("011", "Kementerian Luar Negeri"),
    ("012", "Kementerian Pertahanan"), ("013", "Kementerian Hukum"),
    ("015", "Kementerian Keuangan"), ("018", "Kementerian Pertanian"),
    ("019", "Kementerian Perindustrian"), ("020", "Kementerian Energi dan Sumber Daya Mineral"),
    ("022", "Kementerian Perhubungan"), ("023", "Kementerian Pendidikan Dasar dan Menengah"),
    ("024", "Kementerian Kesehatan"), ("025", "Kementerian Agama"),
    ("026", "Kementerian Ketenagakerjaan"), ("027", "Kementerian Sosial"),
    ("029", "Kementerian Lingkungan Hidup dan Kehutanan"),
    ("032", "Kementerian Kelautan dan Perikanan"), ("033", "Kementerian Pekerjaan Umum"),
    ("040", "Kementerian Pariwisata"), ("044", "Kementerian Koperasi"),
    ("047", "Kementerian Pemberdayaan Perempuan dan Perlindungan Anak"),
    ("048", "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi"),
    ("054", "Badan Pusat Statistik"), ("055", "Kementerian Perencanaan Pembangunan Nasional/Bappenas"),
    ("056", "Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional"),
    ("057", "Perpustakaan Nasional Republik Indonesia"), ("059", "Kementerian Komunikasi dan Digital"),
    ("060", "Kepolisian Negara Republik Indonesia"), ("063", "Badan Pengawas Obat dan Makanan"),
    ("066", "Badan Narkotika Nasional"), ("067", "Kementerian Desa dan Pembangunan Daerah Tertinggal"),
    ("068", "Badan Kependudukan dan Keluarga Berencana Nasional"),
    ("075", "Badan Meteorologi, Klimatologi, dan Geofisika"), ("076", "Komisi Pemilihan Umum"),
    ("077", "Mahkamah Konstitusi"), ("078", "Pusat Pelaporan dan Analisis Transaksi Keuangan"),
    ("083", "Badan Informasi Geospasial"), ("084", "Badan Standardisasi Nasional"),
    ("086", "Lembaga Administrasi Negara"), ("087", "Arsip Nasional Republik Indonesia"),
    ("088", "Badan Kepegawaian Negara"), ("089", "Badan Pengawasan Keuangan dan Pembangunan"),
    ("090", "Kementerian Perdagangan"), ("092", "Kementerian Pemuda dan Olahraga"),
    ("093", "Komisi Pemberantasan Korupsi"), ("095", "Dewan Perwakilan Daerah"),
    ("100", "Komisi Yudisial"), ("103", "Badan Nasional Penanggulangan Bencana"),
    ("106", "Lembaga Kebijakan Pengadaan Barang/Jasa Pemerintah"),
    ("107", "Badan Nasional Pencarian dan Pertolongan"), ("110", "Ombudsman Republik Indonesia"),
    ("113", "Badan Nasional Penanggulangan Terorisme"), ("116", "Badan Pengawas Pemilihan Umum"),
)
SYNTHETIC_BA_KINDS = ("Badan", "Lembaga", "Badan Pengelola", "Komisi Nasional", "Pusat Nasional")
SYNTHETIC_BA_ROMAN = ("", " II", " III", " IV", " V", " VI", " VII", " VIII")

TECH_TOPICS = (
    "Kesehatan Masyarakat", "Pengawasan Obat dan Makanan", "Pendidikan Vokasi", "Ketahanan Pangan",
    "Pengelolaan Sumber Daya Air", "Konektivitas Transportasi", "Penegakan Hukum",
    "Statistik Sosial", "Perlindungan Sosial", "Industri Kecil dan Menengah", "Energi Terbarukan",
    "Pengelolaan Hutan Lestari", "Perikanan Tangkap", "Perdagangan Luar Negeri", "Ketenagakerjaan",
    "Kependudukan", "Penanggulangan Bencana", "Riset dan Inovasi", "Pengelolaan Keuangan Negara",
    "Penerimaan Perpajakan", "Pengadaan Barang/Jasa", "Kearsipan", "Manajemen ASN",
    "Pertanahan dan Tata Ruang", "Pariwisata", "Kepemudaan dan Olahraga", "Pemberdayaan Perempuan",
    "Pembangunan Desa", "Meteorologi dan Klimatologi", "Pencarian dan Pertolongan",
    "Penyelenggaraan Pemilu", "Keamanan Siber", "Perumahan Rakyat", "Infrastruktur Jalan",
    "Pelayanan Kesehatan Rujukan", "Pengendalian Penyakit", "Pendidikan Tinggi", "Kebudayaan",
)
PROGRAM_PATTERNS = ("Pengelolaan", "Penguatan", "Peningkatan Kualitas", "Pelayanan",
                    "Pengembangan", "Pembinaan dan Pengawasan")
ACTIVITY_PATTERNS = ("Penyelenggaraan", "Pembinaan", "Pengawasan", "Pengembangan", "Fasilitasi",
                     "Perumusan Kebijakan", "Pengendalian", "Koordinasi", "Pelaksanaan")
# Technical topics of some real K/L, so their programs and units read right
BA_TOPICS = {
    "006": ("Penegakan Hukum",), "010": ("Kependudukan",), "013": ("Penegakan Hukum",),
    "060": ("Penegakan Hukum",),
    "015": ("Penerimaan Perpajakan", "Pengelolaan Keuangan Negara"), "018": ("Ketahanan Pangan",),
    "019": ("Industri Kecil dan Menengah",), "020": ("Energi Terbarukan",),
    "022": ("Konektivitas Transportasi",), "023": ("Pendidikan Vokasi", "Kebudayaan"),
    "024": ("Kesehatan Masyarakat", "Pengendalian Penyakit", "Pelayanan Kesehatan Rujukan"),
    "026": ("Ketenagakerjaan",), "027": ("Perlindungan Sosial",),
    "029": ("Pengelolaan Hutan Lestari",), "032": ("Perikanan Tangkap",),
    "033": ("Pengelolaan Sumber Daya Air", "Infrastruktur Jalan", "Perumahan Rakyat"),
    "040": ("Pariwisata",), "047": ("Pemberdayaan Perempuan",), "054": ("Statistik Sosial",),
    "056": ("Pertanahan dan Tata Ruang",), "063": ("Pengawasan Obat dan Makanan",),
    "067": ("Pembangunan Desa",), "068": ("Kependudukan",), "075": ("Meteorologi dan Klimatologi",),
    "076": ("Penyelenggaraan Pemilu",), "087": ("Kearsipan",), "088": ("Manajemen ASN",),
    "090": ("Perdagangan Luar Negeri",), "092": ("Kepemudaan dan Olahraga",),
    "103": ("Penanggulangan Bencana",), "106": ("Pengadaan Barang/Jasa",),
    "107": ("Pencarian dan Pertolongan",), "116": ("Penyelenggaraan Pemilu",),
}

# Central dukungan-manajemen outputs (KRO EBA/EBB/EBC/EBD): (RO, name, archetype)
DUKMAN_OUTPUTS = (
    ("EBA.994", "Layanan Perkantoran", "pegawai"),
    ("EBA.962", "Layanan Umum", "ops"),
    ("EBA.956", "Layanan BMN", "ops"),
    ("EBA.958", "Layanan Hubungan Masyarakat", "ops"),
    ("EBA.960", "Layanan Organisasi dan Tata Kelola Internal", "ops"),
    ("EBA.963", "Layanan Data dan Informasi", "tek"),
    ("EBB.951", "Layanan Sarana Internal", "modal"),
    ("EBB.971", "Layanan Prasarana Internal", "modal"),
    ("EBC.954", "Layanan Manajemen SDM", "ops"),
    ("EBC.996", "Layanan Pendidikan dan Pelatihan Aparatur", "tek"),
    ("EBD.952", "Layanan Perencanaan dan Penganggaran", "ops"),
    ("EBD.953", "Layanan Pemantauan dan Evaluasi", "ops"),
    ("EBD.955", "Layanan Manajemen Keuangan", "ops"),
    ("EBD.957", "Layanan Hukum", "ops"),
)
DUKMAN_ACTIVITIES = ("Dukungan Manajemen dan Pelaksanaan Tugas Teknis Lainnya",
                     "Pengelolaan Keuangan dan Barang Milik Negara",
                     "Pembinaan Kepegawaian dan Organisasi", "Perencanaan dan Penganggaran")
# Technical KRO families: (letters, name the topic is appended to, archetype, weight)
TECH_KRO = (
    ("ABG", "Kebijakan Bidang", "tek", 3),
    ("BDB", "Fasilitasi dan Pembinaan Pemerintah Daerah Bidang", "tek", 2),
    ("BDC", "Fasilitasi dan Pembinaan Lembaga Bidang", "tek", 2), ("PEA", "Pelatihan Bidang", "tek", 3),
    ("QDC", "Fasilitasi dan Pembinaan Masyarakat Bidang", "tek", 2),
    ("QMA", "Data dan Informasi Publik Bidang", "tek", 2),
    ("QAH", "Pelayanan Publik kepada Masyarakat Bidang", "tek", 3),
    ("SCM", "Sosialisasi dan Diseminasi Bidang", "tek", 2), ("AEA", "Koordinasi Bidang", "tek", 2),
    ("PEF", "Sistem Informasi Bidang", "tek", 1), ("DCM", "Pengawasan dan Pengendalian Bidang", "tek", 2),
    ("RBS", "Prasarana Bidang", "modal", 2), ("CAN", "Sarana Bidang", "modal", 2),
    ("QIB", "Bantuan Sosial Bidang", "bansos", 1),
)

# Regional OPD: (urusan, bidang, unit no, name, topic). The first CORE_OPD exist in every pemda.
REGIONAL_OPD = (
    (4, 1, 1, "Sekretariat Daerah", "Tata Pemerintahan"),
    (5, 1, 1, "Badan Perencanaan Pembangunan Daerah", "Perencanaan Pembangunan Daerah"),
    (5, 2, 1, "Badan Pengelolaan Keuangan dan Aset Daerah", "Pengelolaan Keuangan Daerah"),
    (1, 1, 1, "Dinas Pendidikan", "Pendidikan Dasar"),
    (1, 2, 1, "Dinas Kesehatan", "Kesehatan Masyarakat"),
    (1, 3, 1, "Dinas Pekerjaan Umum dan Penataan Ruang", "Infrastruktur Jalan dan Irigasi"),
    (6, 1, 1, "Inspektorat Daerah", "Pengawasan Internal"),
    (4, 2, 1, "Sekretariat DPRD", "Fasilitasi DPRD"),
    (1, 2, 2, "Rumah Sakit Umum Daerah", "Pelayanan Kesehatan Rujukan"),
    (1, 4, 1, "Dinas Perumahan dan Kawasan Permukiman", "Perumahan dan Permukiman"),
    (1, 5, 1, "Satuan Polisi Pamong Praja", "Ketenteraman dan Ketertiban Umum"),
    (1, 5, 2, "Badan Penanggulangan Bencana Daerah", "Penanggulangan Bencana"),
    (1, 6, 1, "Dinas Sosial", "Perlindungan dan Jaminan Sosial"),
    (2, 7, 1, "Dinas Tenaga Kerja", "Ketenagakerjaan"),
    (2, 8, 1, "Dinas Pemberdayaan Perempuan dan Perlindungan Anak", "Perlindungan Anak"),
    (2, 9, 1, "Dinas Ketahanan Pangan", "Ketahanan Pangan"),
    (2, 11, 1, "Dinas Lingkungan Hidup", "Pengelolaan Lingkungan Hidup"),
    (2, 12, 1, "Dinas Kependudukan dan Pencatatan Sipil", "Administrasi Kependudukan"),
    (2, 13, 1, "Dinas Pemberdayaan Masyarakat dan Desa", "Pemberdayaan Masyarakat Desa"),
    (2, 15, 1, "Dinas Perhubungan", "Lalu Lintas dan Angkutan Jalan"),
    (2, 16, 1, "Dinas Komunikasi dan Informatika", "Informasi dan Komunikasi Publik"),
    (2, 17, 1, "Dinas Koperasi dan Usaha Mikro", "Koperasi dan Usaha Mikro"),
    (2, 18, 1, "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "Penanaman Modal"),
    (2, 19, 1, "Dinas Pemuda dan Olahraga", "Kepemudaan dan Olahraga"),
    (2, 23, 1, "Dinas Perpustakaan dan Kearsipan", "Perpustakaan"),
    (3, 25, 1, "Dinas Perikanan", "Perikanan"),
    (3, 26, 1, "Dinas Pariwisata", "Pariwisata"),
    (3, 27, 1, "Dinas Pertanian", "Tanaman Pangan dan Hortikultura"),
    (3, 30, 1, "Dinas Perdagangan", "Perdagangan"),
    (5, 3, 1, "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "Kepegawaian Daerah"),
    (8, 1, 1, "Badan Kesatuan Bangsa dan Politik", "Kesatuan Bangsa dan Politik"),
)
CORE_OPD = 8
# OPD whose UPTD (regional technical units) carry a province's extra work units
UPTD_PARENTS = tuple(o for o in REGIONAL_OPD
                     if o[2] == 1 and o[:2] in {(1, 1), (1, 2), (1, 3), (2, 11), (2, 15), (3, 27)})
# Only these SKPD bidang / central topics pay social aid (bansos) or grants (hibah)
BANSOS_BIDANG = {(1, 2), (1, 5), (1, 6), (2, 8), (2, 13)}
HIBAH_BIDANG = {(4, 1), (5, 2), (2, 19), (1, 1)}
BANSOS_TOPICS = {"Perlindungan Sosial", "Penanggulangan Bencana", "Pendidikan Vokasi", "Pendidikan Tinggi",
                 "Kesehatan Masyarakat", "Pemberdayaan Perempuan", "Pembangunan Desa"}
MAX_CENTRAL_INSTANSI, MAX_CENTRAL_UNITS = 900, 998     # BA 3 digits (999 kept unused); satker 3 digits
MAX_REGIONAL_INSTANSI, MAX_REGIONAL_UNITS = 3000, 120  # kab/kota 2 digits per province; SKPD unit 2 digits
KECAMATAN_NAMES = ("Cibiru", "Sukamulya", "Margahayu", "Cileunyi", "Tegalsari", "Kotabaru",
                   "Sumbersari", "Karangtengah", "Pasirjaya", "Mekarsari", "Sukaraja", "Tanjungsari",
                   "Cikalong", "Banjarsari", "Wonosari", "Kaliwungu", "Purwodadi", "Sidomulyo")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")

# Program penunjang (every SKPD): (kegiatan no, name, [(sub no, name, archetype)])
PENUNJANG_ACTIVITIES = (
    (1, "Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah", (
        (1, "Penyusunan Dokumen Perencanaan Perangkat Daerah", "ops"),
        (6, "Koordinasi dan Penyusunan Laporan Capaian Kinerja dan Ikhtisar Realisasi Kinerja SKPD", "ops"),
        (7, "Evaluasi Kinerja Perangkat Daerah", "ops"))),
    (2, "Administrasi Keuangan Perangkat Daerah", (
        (1, "Penyediaan Gaji dan Tunjangan ASN", "pegawai"),
        (3, "Pelaksanaan Penatausahaan dan Pengujian/Verifikasi Keuangan SKPD", "ops"))),
    (5, "Administrasi Kepegawaian Perangkat Daerah", (
        (9, "Pendidikan dan Pelatihan Pegawai Berdasarkan Tugas dan Fungsi", "tek"),)),
    (6, "Administrasi Umum Perangkat Daerah", (
        (1, "Penyediaan Komponen Instalasi Listrik/Penerangan Bangunan Kantor", "ops"),
        (2, "Penyediaan Peralatan dan Perlengkapan Kantor", "ops"),
        (4, "Penyediaan Bahan Logistik Kantor", "ops"),
        (9, "Penyelenggaraan Rapat Koordinasi dan Konsultasi SKPD", "ops"))),
    (7, "Pengadaan Barang Milik Daerah Penunjang Urusan Pemerintah Daerah", (
        (2, "Pengadaan Kendaraan Dinas Operasional atau Lapangan", "modal"),
        (5, "Pengadaan Mebel", "modal"),
        (6, "Pengadaan Peralatan dan Mesin Lainnya", "modal"))),
    (8, "Penyediaan Jasa Penunjang Urusan Pemerintahan Daerah", (
        (2, "Penyediaan Jasa Komunikasi, Sumber Daya Air dan Listrik", "ops"),
        (4, "Penyediaan Jasa Pelayanan Umum Kantor", "ops"))),
    (9, "Pemeliharaan Barang Milik Daerah Penunjang Urusan Pemerintahan Daerah", (
        (1, "Penyediaan Jasa Pemeliharaan, Biaya Pemeliharaan, dan Pajak Kendaraan Dinas", "ops"),
        (9, "Pemeliharaan/Rehabilitasi Gedung Kantor dan Bangunan Lainnya", "ops"))),
)
# Regional technical sub-kegiatan name patterns and the archetype each implies (with weights)
SUB_ACTIVITY_PATTERNS = (
    ("Penyelenggaraan", "tek", 4), ("Pembinaan dan Pengawasan", "tek", 3),
    ("Pendataan dan Pengolahan Data", "tek", 2), ("Fasilitasi", "tek", 3),
    ("Bimbingan Teknis", "tek", 2), ("Sosialisasi", "tek", 2), ("Monitoring dan Evaluasi", "tek", 2),
    ("Penyediaan Sarana dan Prasarana", "modal", 2), ("Pembangunan dan Rehabilitasi Fasilitas", "modal", 2),
    ("Penyaluran Bantuan Sosial", "bansos", 1), ("Pemberian Hibah", "hibah", 1),
)

# Accounts: (code, name, group). group -> spending type; see SPENDING_TYPES.
CENTRAL_ACCOUNTS = (
    ("511111", "Belanja Gaji Pokok PNS", "pegawai"),
    ("511119", "Belanja Pembulatan Gaji PNS", "pegawai"),
    ("511121", "Belanja Tunj. Suami/Istri PNS", "pegawai"),
    ("511122", "Belanja Tunj. Anak PNS", "pegawai"),
    ("511123", "Belanja Tunj. Struktural PNS", "pegawai"),
    ("511124", "Belanja Tunj. Fungsional PNS", "pegawai"),
    ("511125", "Belanja Tunj. PPh PNS", "pegawai"),
    ("511126", "Belanja Tunj. Beras PNS", "pegawai"),
    ("511129", "Belanja Uang Makan PNS", "pegawai"),
    ("511151", "Belanja Tunjangan Umum PNS", "pegawai"),
    ("512211", "Belanja Uang Lembur", "pegawai"),
    ("512411", "Belanja Pegawai (Tunjangan Khusus/Kinerja)", "pegawai"),
    ("521111", "Belanja Keperluan Perkantoran", "ops"),
    ("521113", "Belanja Penambah Daya Tahan Tubuh", "ops"),
    ("521114", "Belanja Pengiriman Surat Dinas Pos Pusat", "ops"),
    ("521115", "Belanja Honor Operasional Satuan Kerja", "ops"),
    ("521119", "Belanja Barang Operasional Lainnya", "ops"),
    ("521811", "Belanja Barang Persediaan Barang Konsumsi", "ops"),
    ("522111", "Belanja Langganan Listrik", "ops"),
    ("522112", "Belanja Langganan Telepon", "ops"),
    ("522113", "Belanja Langganan Air", "ops"),
    ("523111", "Belanja Pemeliharaan Gedung dan Bangunan", "ops"),
    ("523121", "Belanja Pemeliharaan Peralatan dan Mesin", "ops"),
    ("521211", "Belanja Bahan", "tek"),
    ("521213", "Belanja Honor Output Kegiatan", "tek"),
    ("521219", "Belanja Barang Non Operasional Lainnya", "tek"),
    ("521252", "Belanja Peralatan dan Mesin - Ekstrakomptabel", "tek"),
    ("522141", "Belanja Sewa", "tek"),
    ("522151", "Belanja Jasa Profesi", "tek"),
    ("522191", "Belanja Jasa Lainnya", "tek"),
    ("524111", "Belanja Perjalanan Dinas Biasa", "tek"),
    ("524113", "Belanja Perjalanan Dinas Dalam Kota", "tek"),
    ("524114", "Belanja Perjalanan Dinas Paket Meeting Dalam Kota", "tek"),
    ("524119", "Belanja Perjalanan Dinas Paket Meeting Luar Kota", "tek"),
    ("526112", "Belanja Barang untuk Diserahkan kepada Masyarakat/Pemda", "tek"),
    ("532111", "Belanja Modal Peralatan dan Mesin", "modal"),
    ("533111", "Belanja Modal Gedung dan Bangunan", "modal"),
    ("533121", "Belanja Modal Perencanaan Gedung dan Bangunan", "modal"),
    ("534111", "Belanja Modal Jalan dan Jembatan", "modal"),
    ("536111", "Belanja Modal Lainnya", "modal"),
    ("571111", "Belanja Bantuan Sosial untuk Rehabilitasi Sosial dalam Bentuk Uang", "bansos"),
    ("572111", "Belanja Bantuan Sosial untuk Jaminan Sosial dalam Bentuk Uang", "bansos"),
    ("573111", "Belanja Bantuan Sosial untuk Pemberdayaan Sosial dalam Bentuk Uang", "bansos"),
    ("573112", "Belanja Bantuan Sosial untuk Pemberdayaan Sosial dalam Bentuk Barang", "bansos"),
    ("575111", "Belanja Bantuan Sosial untuk Penanggulangan Kemiskinan dalam Bentuk Uang", "bansos"),
)
REGIONAL_ACCOUNTS = (
    ("5.1.01.01.01.0001", "Belanja Gaji Pokok PNS", "pegawai"),
    ("5.1.01.01.02.0001", "Belanja Tunjangan Keluarga PNS", "pegawai"),
    ("5.1.01.01.03.0001", "Belanja Tunjangan Jabatan PNS", "pegawai"),
    ("5.1.01.01.04.0001", "Belanja Tunjangan Fungsional PNS", "pegawai"),
    ("5.1.01.01.05.0001", "Belanja Tunjangan Fungsional Umum PNS", "pegawai"),
    ("5.1.01.01.06.0001", "Belanja Tunjangan Beras PNS", "pegawai"),
    ("5.1.01.01.07.0001", "Belanja Tunjangan PPh/Tunjangan Khusus PNS", "pegawai"),
    ("5.1.01.01.08.0001", "Belanja Pembulatan Gaji PNS", "pegawai"),
    ("5.1.01.01.09.0001", "Belanja Iuran Jaminan Kesehatan PNS", "pegawai"),
    ("5.1.01.01.10.0001", "Belanja Iuran Jaminan Kecelakaan Kerja PNS", "pegawai"),
    ("5.1.01.02.01.0001", "Tambahan Penghasilan berdasarkan Beban Kerja PNS", "pegawai"),
    ("5.1.01.03.07.0001", "Belanja Honorarium Penanggungjawaban Pengelola Keuangan", "pegawai"),
    ("5.1.02.01.01.0024", "Belanja Alat/Bahan untuk Kegiatan Kantor-Alat Tulis Kantor", "ops"),
    ("5.1.02.01.01.0025", "Belanja Alat/Bahan untuk Kegiatan Kantor-Kertas dan Cover", "ops"),
    ("5.1.02.01.01.0026", "Belanja Alat/Bahan untuk Kegiatan Kantor-Bahan Cetak", "ops"),
    ("5.1.02.01.01.0029", "Belanja Alat/Bahan untuk Kegiatan Kantor-Bahan Komputer", "ops"),
    ("5.1.02.01.01.0052", "Belanja Makanan dan Minuman Rapat", "ops"),
    ("5.1.02.02.01.0026", "Belanja Jasa Tenaga Administrasi", "ops"),
    ("5.1.02.02.01.0030", "Belanja Jasa Tenaga Kebersihan", "ops"),
    ("5.1.02.02.01.0061", "Belanja Tagihan Listrik", "ops"),
    ("5.1.02.02.01.0062", "Belanja Tagihan Air", "ops"),
    ("5.1.02.02.01.0063", "Belanja Kawat/Faksimili/Internet/TV Berlangganan", "ops"),
    ("5.1.02.03.02.0035", "Belanja Pemeliharaan Kendaraan Dinas Bermotor Perorangan", "ops"),
    ("5.1.02.03.03.0001", "Belanja Pemeliharaan Bangunan Gedung Kantor", "ops"),
    ("5.1.02.01.01.0012", "Belanja Bahan-Bahan Lainnya", "tek"),
    ("5.1.02.02.01.0003", "Honorarium Narasumber atau Pembahas, Moderator, Pembawa Acara, dan Panitia", "tek"),
    ("5.1.02.02.01.0004", "Honorarium Tim Pelaksana Kegiatan dan Sekretariat Tim Pelaksana Kegiatan", "tek"),
    ("5.1.02.02.01.0014", "Belanja Jasa Tenaga Ahli", "tek"),
    ("5.1.02.02.04.0036", "Belanja Sewa Gedung Pertemuan", "tek"),
    ("5.1.02.04.01.0001", "Belanja Perjalanan Dinas Biasa", "tek"),
    ("5.1.02.04.01.0003", "Belanja Perjalanan Dinas Dalam Kota", "tek"),
    ("5.1.02.04.01.0004", "Belanja Perjalanan Dinas Paket Meeting Dalam Kota", "tek"),
    ("5.1.02.04.01.0005", "Belanja Perjalanan Dinas Paket Meeting Luar Kota", "tek"),
    ("5.1.02.05.01.0001", "Belanja Uang yang Diberikan kepada Pihak Ketiga/Masyarakat", "tek"),
    ("5.2.02.05.01.0005", "Belanja Modal Alat Kantor Lainnya", "modal"),
    ("5.2.02.05.02.0006", "Belanja Modal Alat Rumah Tangga Lainnya", "modal"),
    ("5.2.02.10.01.0002", "Belanja Modal Personal Computer", "modal"),
    ("5.2.02.03.01.0002", "Belanja Modal Kendaraan Bermotor Penumpang", "modal"),
    ("5.2.03.01.01.0001", "Belanja Modal Bangunan Gedung Kantor", "modal"),
    ("5.2.04.01.01.0012", "Belanja Modal Jalan Kabupaten/Kota", "modal"),
    ("5.2.04.03.01.0001", "Belanja Modal Bangunan Air Irigasi", "modal"),
    ("5.1.06.01.01.0001", "Belanja Bantuan Sosial Uang yang Direncanakan kepada Individu", "bansos"),
    ("5.1.06.01.02.0001", "Belanja Bantuan Sosial Uang yang Direncanakan kepada Keluarga", "bansos"),
    ("5.1.06.02.01.0001", "Belanja Bantuan Sosial Barang yang Direncanakan kepada Individu", "bansos"),
    ("5.1.06.02.02.0001", "Belanja Bantuan Sosial Barang yang Direncanakan kepada Keluarga", "bansos"),
    ("5.1.05.05.01.0001", "Belanja Hibah Uang kepada Badan dan Lembaga Nirlaba, Sukarela dan Sosial", "hibah"),
    ("5.1.05.01.01.0001", "Belanja Hibah Uang kepada Pemerintah Pusat", "hibah"),
)
# Spending categories (index used in arrays) and the plan/realization monthly shapes of each
SPENDING_GROUPS = ("pegawai", "barang", "modal", "bansos", "hibah")
GROUP_OF_ACCOUNT_GROUP = {"pegawai": 0, "ops": 1, "tek": 1, "modal": 2, "bansos": 3, "hibah": 4}
SPENDING_TYPE_CODES = {
    "pusat": ("51", "52", "53", "57", "56"),
    "daerah": ("5.1.01", "5.1.02", "5.2", "5.1.06", "5.1.05"),
}
# Monthly weights: salaries flat with THR (Apr) and 13th salary (Jun); goods slow Q1 then rising
# with a big December; capital back-loaded; social aid in quarterly tranches.
MONTH_WEIGHTS = np.array([
    [8, 8, 8, 11, 8, 11, 8, 8, 8, 8, 7, 7],
    [3, 5, 7, 8, 8, 9, 8, 9, 9, 10, 10, 14],
    [1, 2, 3, 5, 6, 8, 8, 9, 11, 12, 14, 21],
    [2, 4, 10, 6, 6, 14, 6, 6, 14, 8, 8, 16],
    [1, 2, 10, 8, 6, 10, 6, 6, 12, 12, 11, 16],
], dtype=float)
MONTH_WEIGHTS /= MONTH_WEIGHTS.sum(axis=1, keepdims=True)
MONTH_CDF = np.cumsum(MONTH_WEIGHTS, axis=1)
MONTH_CDF[:, -1] = 1.0

# Line amounts: lognormal median (Rupiah) and sigma per spending category
AMOUNT_MEDIAN = np.array([450e6, 70e6, 700e6, 2.5e9, 800e6])
AMOUNT_SIGMA = np.array([1.0, 1.1, 1.1, 0.9, 0.9])

# How many accounts an output of each archetype draws from which account groups: (group, lo, hi)
ARCHETYPE_ACCOUNTS = {
    "pegawai": (("pegawai", 8, 12), ("ops", 0, 2)),
    "ops": (("ops", 6, 11),),
    "tek": (("tek", 7, 13),),
    "modal": (("modal", 1, 3), ("tek", 2, 4)),
    "bansos": (("bansos", 1, 2), ("tek", 2, 3)),
    "hibah": (("hibah", 1, 2), ("tek", 1, 2)),
}
# Output units and (lo, hi) year target volume per archetype
OUTPUT_UNITS = {
    "pegawai": (("Layanan", 1, 1), ("Orang/Bulan", 120, 6000)),
    "ops": (("Layanan", 1, 12), ("Dokumen", 1, 12), ("Laporan", 1, 12)),
    "tek": (("Dokumen", 1, 25), ("Orang", 20, 3000), ("Kegiatan", 1, 30), ("Laporan", 1, 12),
            ("Lembaga", 1, 60)),
    "modal": (("Unit", 1, 150), ("Paket", 1, 8)),
    "bansos": (("Orang", 200, 20000), ("Keluarga", 100, 8000), ("Paket", 10, 2000)),
    "hibah": (("Lembaga", 1, 25),),
}

FUNDING_CENTRAL_PROFILES = (  # (weight, secondary source, share of non-salary lines on it)
    (70, None, 0.0), (15, "PNBP", 0.25), (5, "PHLN", 0.15), (10, "BLU", 0.6))
FUNDING_REGIONAL = (("DAU", 55), ("PAD", 25), ("DAK", 12), ("DBH", 8))

# Realization descriptions per spending category; {m} = Indonesian month name
DESCRIPTIONS = (
    ("Pembayaran gaji induk bulan {m}", "Pembayaran uang makan bulan {m}",
     "Pembayaran tunjangan kinerja bulan {m}"),
    ("Penggantian uang persediaan (GUP) {m}", "Pembayaran honorarium kegiatan",
     "Pembayaran langganan daya dan jasa bulan {m}"),
    ("Pembayaran termin kontrak pengadaan", "Pembayaran uang muka kontrak",
     "Pelunasan kontrak pekerjaan"),
    ("Penyaluran bantuan sosial bulan {m}", "Penyaluran bantuan sosial tahap berikutnya",
     "Penyaluran bantuan sosial non tunai"),
    ("Penyaluran belanja hibah", "Penyaluran hibah tahap {m}", "Penyaluran hibah kepada lembaga"),
)
REFUND_DESCRIPTIONS = ("Pengembalian sisa belanja (setoran)", "Koreksi pembebanan akun")
MONTH_NAMES = tuple(m.capitalize() for m in INDONESIAN_MONTHS)

# Indicators: (name template, unit, polarity, target lo, target hi); {t} = topic
INDICATOR_TEMPLATES = {
    "max": (
        ("Persentase {t} yang terlaksana sesuai rencana", "Persen", 80, 100),
        ("Indeks kepuasan masyarakat terhadap layanan {t}", "Indeks", 3.0, 3.9),
        ("Jumlah dokumen {t} yang diselesaikan", "Dokumen", 2, 24),
        ("Persentase penyelesaian {t} tepat waktu", "Persen", 75, 100),
        ("Nilai kinerja {t}", "Nilai", 70, 95),
        ("Jumlah penerima manfaat {t}", "Orang", 100, 5000),
    ),
    "min": (
        ("Persentase temuan BPK atas {t}", "Persen", 2, 15),
        ("Rata-rata waktu penyelesaian {t}", "Hari", 3, 14),
        ("Jumlah pengaduan masyarakat atas {t}", "Kasus", 5, 60),
        ("Persentase rekomendasi pengawasan {t} yang belum ditindaklanjuti", "Persen", 5, 20),
    ),
    "range": (
        ("Deviasi halaman III DIPA {t}", "Persen", 2, 5),
        ("Tingkat hunian fasilitas {t}", "Persen", 60, 75),
        ("Rasio belanja operasional {t}", "Persen", 20, 30),
    ),
}
# Institution-level indicators: (name, unit, polarity, lo, hi)
TUJUAN_INDICATORS = {
    "pusat": (
        ("Indeks Reformasi Birokrasi", "Nilai", "max", 60, 85),
        ("Indeks Kepuasan Masyarakat", "Indeks", "max", 75, 90),
        ("Nilai Akuntabilitas Kinerja Instansi Pemerintah", "Nilai", "max", 65, 85),
    ),
    "daerah": (
        ("Indeks Pembangunan Manusia", "Indeks", "max", 65, 80),
        ("Persentase Penduduk Miskin", "Persen", "min", 5, 15),
        ("Laju Pertumbuhan Ekonomi", "Persen", "range", 4.5, 5.0),
        ("Tingkat Pengangguran Terbuka", "Persen", "min", 3, 8),
    ),
}
SASARAN_INDICATORS = (
    ("Persentase rekomendasi hasil pemeriksaan BPK yang ditindaklanjuti", "Persen", "max", 80, 100),
    ("Persentase temuan BPK", "Persen", "min", 3, 12),
    ("Angka kematian bayi", "Per 1.000 Kelahiran Hidup", "min", 10, 25),
    ("Prevalensi stunting pada balita", "Persen", "min", 14, 25),
    ("Indeks Kualitas Lingkungan Hidup", "Indeks", "max", 60, 75),
    ("Tingkat inflasi", "Persen", "range", 2.0, 3.0),
    ("Persentase layanan publik yang memenuhi standar pelayanan", "Persen", "max", 80, 100),
    ("Nilai kinerja anggaran", "Nilai", "max", 80, 95),
    ("Indeks Kepuasan Masyarakat terhadap layanan publik", "Indeks", "max", 76, 90),
    ("Persentase realisasi program prioritas", "Persen", "max", 85, 100),
)
# Units whose realization accumulates over the year (the others are rates or indexes)
COUNT_UNITS = {"Dokumen", "Orang", "Laporan", "Kegiatan", "Unit", "Paket", "Layanan", "Lembaga",
               "Keluarga", "Kasus", "Orang/Bulan"}
INDICATOR_PERIODS = (3, 6, 9, 12)
CUMULATIVE_SHARE = ((0.10, 0.30), (0.35, 0.60), (0.60, 0.85))  # by end of Mar/Jun/Sep

# SAKIP
SAKIP_2021 = "PermenPANRB-88-2021"
SAKIP_2015 = "PermenPANRB-12-2015"
SAKIP_COMPONENTS = {
    SAKIP_2021: (("perencanaan_kinerja", 30), ("pengukuran_kinerja", 30), ("pelaporan_kinerja", 15),
                 ("evaluasi_akuntabilitas_kinerja_internal", 25)),
    SAKIP_2015: (("perencanaan_kinerja", 30), ("pengukuran_kinerja", 25), ("pelaporan_kinerja", 15),
                 ("evaluasi_internal", 10), ("capaian_kinerja", 20)),
}
SAKIP_SUBCOMPONENTS = (("pemenuhan", 0.2), ("kualitas", 0.3), ("pemanfaatan", 0.5))
SAKIP_OLD_YEAR = 2020
EVALUATORS = ("Tim Evaluator Kementerian PANRB",
              "Deputi Bidang Reformasi Birokrasi, Akuntabilitas Aparatur dan Pengawasan",
              "Tim Evaluator Inspektorat Provinsi")

# Cost standards. SBM national: (code, description, unit, cost); per province: (code, description,
# unit, base cost) scaled by a province factor. SBK: (description, unit, base cost).
SBM_NATIONAL = (
    ("SBM.01.01", "Honorarium Narasumber Menteri/Pejabat Setingkat Menteri", "OJ", 1_700_000),
    ("SBM.01.02", "Honorarium Narasumber Pejabat Eselon I", "OJ", 1_400_000),
    ("SBM.01.03", "Honorarium Narasumber Pejabat Eselon II ke Bawah", "OJ", 1_000_000),
    ("SBM.01.04", "Honorarium Moderator", "OK", 700_000),
    ("SBM.01.05", "Honorarium Pembawa Acara", "OK", 400_000),
    ("SBM.02.01", "Honorarium Penanggung Jawab Kegiatan", "OB", 450_000),
    ("SBM.02.02", "Honorarium Ketua Panitia", "OB", 400_000),
    ("SBM.02.03", "Honorarium Anggota Panitia", "OB", 300_000),
    ("SBM.03.01", "Uang Lembur Golongan I", "OJ", 20_000),
    ("SBM.03.02", "Uang Lembur Golongan II", "OJ", 25_000),
    ("SBM.03.03", "Uang Lembur Golongan III", "OJ", 30_000),
    ("SBM.03.04", "Uang Lembur Golongan IV", "OJ", 35_000),
    ("SBM.03.05", "Uang Makan Lembur", "OH", 37_000),
    ("SBM.04.01", "Uang Representasi Pejabat Eselon I", "OH", 250_000),
    ("SBM.04.02", "Uang Representasi Pejabat Eselon II", "OH", 200_000),
)
SBM_PER_PROVINCE = (
    ("SBM.05.01", "Uang Harian Perjalanan Dinas Luar Kota", "OH", 430_000),
    ("SBM.05.02", "Uang Harian Perjalanan Dinas Dalam Kota Lebih dari 8 Jam", "OH", 170_000),
    ("SBM.05.03", "Uang Harian Perjalanan Dinas Diklat", "OH", 130_000),
    ("SBM.06.01", "Biaya Penginapan Pejabat Eselon I", "OH", 4_500_000),
    ("SBM.06.02", "Biaya Penginapan Pejabat Eselon II", "OH", 2_500_000),
    ("SBM.06.03", "Biaya Penginapan Pejabat Eselon III/Golongan IV", "OH", 1_300_000),
    ("SBM.06.04", "Biaya Penginapan Pejabat Eselon IV/Golongan III", "OH", 900_000),
    ("SBM.06.05", "Biaya Penginapan Golongan I/II", "OH", 650_000),
    ("SBM.07.01", "Paket Kegiatan Rapat Fullboard di Dalam Kota", "OH", 900_000),
    ("SBM.07.02", "Paket Kegiatan Rapat Fullday di Dalam Kota", "OH", 450_000),
    ("SBM.07.03", "Paket Kegiatan Rapat Halfday di Dalam Kota", "OH", 300_000),
    ("SBM.08.01", "Satuan Biaya Konsumsi Rapat - Makan", "OK", 50_000),
    ("SBM.08.02", "Satuan Biaya Konsumsi Rapat - Kudapan", "OK", 25_000),
    ("SBM.09.01", "Satuan Biaya Taksi Perjalanan Dinas Dalam Negeri", "OK", 150_000),
    ("SBM.10.01", "Satuan Biaya Sewa Kendaraan Roda 4", "OH", 700_000),
)
SBK_TEMPLATES = (
    ("Penyusunan Dokumen Perencanaan dan Anggaran", "Dokumen", 150e6),
    ("Penyusunan Laporan Keuangan", "Laporan", 75e6),
    ("Penyusunan Laporan Kinerja", "Laporan", 60e6),
    ("Penyusunan Regulasi/Kebijakan", "Dokumen", 350e6),
    ("Pelatihan Teknis Aparatur", "Orang", 6e6),
    ("Bimbingan Teknis kepada Masyarakat", "Orang", 2.5e6),
    ("Penyaluran Bantuan Paket Pangan", "Paket", 1.5e6),
    ("Pengadaan Paket Sarana Pendukung", "Paket", 450e6),
    ("Layanan Perkantoran Satuan Kerja", "Layanan", 2.5e9),
    ("Layanan Umum dan Rumah Tangga", "Layanan", 600e6),
    ("Penyelenggaraan Rapat Koordinasi Nasional", "Kegiatan", 400e6),
    ("Penyelenggaraan Sosialisasi dan Diseminasi", "Kegiatan", 120e6),
    ("Pengadaan Peralatan Kantor", "Unit", 20e6),
    ("Fasilitasi dan Pembinaan Lembaga", "Lembaga", 60e6),
)
SBK_LEVELS = (("Tingkat Pusat", 1.0), ("Tingkat Provinsi", 0.8), ("Tingkat Kabupaten/Kota", 0.6))


# --------------------------------------------------------------------------------------------
# CSV text
# --------------------------------------------------------------------------------------------
# budget and realization rows are assembled as text (csv.writer is the bottleneck at SF 1): free
# text goes through the csv module once per distinct value; codes, dates and numbers are safe as is.
PRE_ENCODED_KINDS = frozenset({"budget", "realization"})
_field_buffer = io.StringIO()
_field_writer = csv.writer(_field_buffer, lineterminator="\n")


@functools.lru_cache(maxsize=1 << 16)
def _csv_text(value: str) -> str:
    """One text field exactly as csv.writer writes it inside a row (quoted only when needed)."""
    if not value:
        return ""
    _field_buffer.seek(0)
    _field_buffer.truncate()
    _field_writer.writerow([value])
    return _field_buffer.getvalue()[:-1]


ENCODED_DESCRIPTIONS = tuple(tuple(tuple(_csv_text(d.format(m=month)) for d in variants)
                                   for month in MONTH_NAMES) for variants in DESCRIPTIONS)
ENCODED_REFUND_DESCRIPTIONS = tuple(_csv_text(d) for d in REFUND_DESCRIPTIONS)


# --------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------
@dataclass
class Activity:
    code: str
    name: str
    topic: str


@dataclass
class Program:
    code: str
    name: str
    topic: str
    activities: list[Activity]


@dataclass
class WorkUnit:
    serial: int
    code: str  # canonical: satker '019012', or pemda + SIPD kode_skpd '32.73.1.02.0.00.0.00.01.0000'
    name: str
    # regional only: urusan/bidang of the SKPD and its topic
    urusan: int = 0
    bidang: int = 0
    topic: str = ""
    # the code of generator version 1 ('32.73.1.02.01'), kept in indicator codes so they stay as
    # they were
    legacy_code: str = ""


@dataclass
class Instansi:
    code: str  # canonical: BA '019', or Kemendagri pemda code '32' / '32.73'
    name: str
    gov_level: str
    units: list[WorkUnit] = field(default_factory=list)
    programs: list[Program] = field(default_factory=list)  # central: dukman (WA) first
    is_province: bool = False
    blank_funding: bool = False  # regional exports without sumber dana
    # the code of generator version 1 (BPS-style '3200' / '3273' for a pemda): it seeds random
    # streams and is kept in SP2D numbers and indicator codes, so the data stay those of version 1
    legacy_code: str = ""

    def __post_init__(self):
        self.legacy_code = self.legacy_code or self.code


def pemda_code(legacy: str) -> str:
    """BPS-style '3273' -> Kemendagri '32.73'; a province '3200' -> '32'."""
    return legacy[:2] if legacy.endswith("00") else f"{legacy[:2]}.{legacy[2:]}"


@dataclass
class Output:
    program_code: str
    program_name: str
    activity_code: str
    activity_name: str
    code: str
    name: str
    archetype: str


def _split_sizes(rnd: random.Random, total: int, parts: int, cap: int) -> list[int]:
    """Sizes >= 1 summing to total, uneven like real institutions, none above cap."""
    weights = [rnd.lognormvariate(0.0, 0.6) for _ in range(parts)]
    scale = (total - parts) / sum(weights)
    sizes = [1 + int(w * scale) for w in weights]
    order = sorted(range(parts), key=lambda i: -weights[i])
    short = total - sum(sizes)
    for i in range(short):  # hand out the rounding remainder to the biggest
        sizes[order[i % parts]] += 1
    for i in range(parts):  # move any excess over the cap to the smallest ones
        while sizes[i] > cap:
            j = min(range(parts), key=sizes.__getitem__)
            sizes[i] -= 1
            sizes[j] += 1
    return sizes


def _two_letter_codes(rnd: random.Random, count: int) -> list[str]:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    pool = [a + b for a in letters for b in letters if a + b != "WA"]
    return rnd.sample(pool, count)


def _central_instansi(rnd: random.Random, count: int) -> list[Instansi]:
    real = rnd.sample(REAL_BA, min(count, len(REAL_BA)))
    topics_of = dict(BA_TOPICS)
    extra = count - len(real)
    if extra > 0:
        used = {code for code, _ in REAL_BA}
        free_codes = [f"{i:03d}" for i in range(1, 999) if f"{i:03d}" not in used]  # 999 = unknown
        names = [(f"{kind} {topic}{roman}", topic) for roman in SYNTHETIC_BA_ROMAN
                 for kind in SYNTHETIC_BA_KINDS for topic in TECH_TOPICS]
        for code, (name, topic) in zip(rnd.sample(free_codes, extra), names):
            real.append((code, name))
            topics_of[code] = (topic,)
    result = []
    for code, name in sorted(real):
        inst = Instansi(code, name, "pusat")
        dukman = [Activity("", n, "Dukungan Manajemen") for n in DUKMAN_ACTIVITIES[: rnd.randint(2, 4)]]
        inst.programs.append(Program(f"{code}.01.WA", "Program Dukungan Manajemen", "Dukungan Manajemen",
                                     dukman))
        n_tech = rnd.randint(2, 4)
        hinted = topics_of.get(code, ())[:n_tech]
        others = [t for t in TECH_TOPICS if t not in hinted]
        topics = list(hinted) + rnd.sample(others, n_tech - len(hinted))
        for eselon, (letters, topic) in enumerate(zip(_two_letter_codes(rnd, n_tech), topics), start=2):
            pattern = PROGRAM_PATTERNS[rnd.randrange(len(PROGRAM_PATTERNS))]
            patterns = rnd.sample(ACTIVITY_PATTERNS, rnd.randint(2, 5))
            inst.programs.append(Program(f"{code}.{eselon:02d}.{letters}", f"Program {pattern} {topic}",
                                         topic, [Activity("", f"{p} {topic}", topic) for p in patterns]))
        activities = [a for p in inst.programs for a in p.activities]
        for activity, number in zip(activities, sorted(rnd.sample(range(1000, 7000), len(activities)))):
            activity.code = str(number)
        result.append(inst)
    return result


def _place_name(prefix: str, suffix: str) -> str:
    return prefix + suffix.lower() if prefix in JOINED_PREFIXES else f"{prefix} {suffix}"


def _pemda_candidates(rnd: random.Random, count: int) -> list[tuple[str, str, bool]]:
    """(pemda code, name, is_province): provinces and real kabupaten/kota first, then invented ones."""
    real = [(f"{p}00", f"Provinsi {n}", True) for p, n in PROVINCES]
    real += [(code, name, False) for code, name in REAL_PEMDA]
    chosen = rnd.sample(real, min(count, len(real)))
    if count > len(chosen):
        used = {code for code, _, _ in real}
        names = [_place_name(pre, suf) + direction + roman
                 for roman in ("", *(f" {r}" for r in ROMAN)) for direction in DIRECTIONS
                 for pre in PLACE_PREFIXES for suf in PLACE_SUFFIXES]
        # kabupaten are numbered 01-69 and kota 71-99 within their province
        free = [f"{p}{n:02d}" for p, _ in PROVINCES for n in (*range(1, 70), *range(71, 100))
                if f"{p}{n:02d}" not in used]
        extra = count - len(chosen)
        for code, name in zip(sorted(rnd.sample(free, extra)), names):
            chosen.append((code, f"{'Kota' if code[2] >= '7' else 'Kabupaten'} {name}", False))
    return sorted(chosen)


def _regional_instansi(rnd: random.Random, count: int) -> list[Instansi]:
    result = []
    for legacy, name, is_province in _pemda_candidates(rnd, count):
        inst = Instansi(pemda_code(legacy), name, "daerah", is_province=is_province,
                        legacy_code=legacy)
        inst.blank_funding = rnd.random() < 0.1
        result.append(inst)
    return result


def _add_central_units(rnd: random.Random, inst: Instansi, size: int, serial: int) -> int:
    numbers = sorted(rnd.sample(range(1, 999), size))
    short = inst.name
    for i, number in enumerate(numbers):
        if i == 0:
            head = "Sekretariat Jenderal" if short.startswith("Kementerian") else "Sekretariat Utama"
            name = f"{head} {short}"
        elif i <= 3:
            topic = inst.programs[1 + (i - 1) % (len(inst.programs) - 1)].topic
            head = "Direktorat Jenderal" if short.startswith("Kementerian") else "Deputi Bidang"
            name = f"{head} {topic}"
        elif i % 2 == 0:
            name = f"Kantor Wilayah {short} Provinsi {PROVINCES[rnd.randrange(len(PROVINCES))][1]}"
        else:
            topic = inst.programs[1 + rnd.randrange(len(inst.programs) - 1)].topic
            place = REAL_PEMDA[rnd.randrange(len(REAL_PEMDA))][1].split(" ", 1)[1]
            name = f"Balai {topic} {place}"
        code = f"{inst.code}{number:03d}"
        inst.units.append(WorkUnit(serial, code, name, legacy_code=code))
        serial += 1
    return serial


def _add_regional_units(rnd: random.Random, inst: Instansi, size: int, serial: int) -> int:
    prov, kab = inst.legacy_code[:2], inst.legacy_code[2:]
    optional = REGIONAL_OPD[CORE_OPD:]
    opds = list(REGIONAL_OPD[:CORE_OPD]) + rnd.sample(optional, len(optional))
    chosen = opds[:size]
    for extra in range(size - len(chosen)):  # beyond the OPD list: kecamatan or UPTD
        if inst.is_province:
            urusan, bidang, _, _, topic = UPTD_PARENTS[extra % len(UPTD_PARENTS)]
            wave = extra // len(UPTD_PARENTS)
            chosen.append((urusan, bidang, 3 + wave, f"UPTD {topic} Wilayah {ROMAN[wave % len(ROMAN)]}",
                           topic))
        else:
            place = KECAMATAN_NAMES[extra % len(KECAMATAN_NAMES)]
            suffix = f" {ROMAN[extra // len(KECAMATAN_NAMES)]}" if extra >= len(KECAMATAN_NAMES) else ""
            chosen.append((7, 1, extra + 1, f"Kecamatan {place}{suffix}",
                           "Penyelenggaraan Pemerintahan Kecamatan"))
    for urusan, bidang, number, opd_name, topic in sorted(chosen, key=lambda o: o[:3]):
        code = f"{inst.code}.{_kode_skpd(urusan, bidang, number)}"
        inst.units.append(WorkUnit(serial, code, f"{opd_name} {inst.name}", urusan, bidang, topic,
                                   legacy_code=f"{prov}.{kab}.{urusan}.{bidang:02d}.{number:02d}"))
        serial += 1
    codes = [unit.code for unit in inst.units]
    if len(set(codes)) != len(codes) or not all(REGIONAL_WORK_UNIT.match(c) for c in codes):
        raise RuntimeError(f"SKPD codes of pemda {inst.code} repeat or are malformed")
    return serial


def _kode_skpd(urusan: int, bidang: int, number: int) -> str:
    """SIPD's 22-character SKPD code: urusan.bidang, two unused urusan.bidang pairs, organisation
    (2 digits), unit (4 digits). A kecamatan is a unit of the one kecamatan organisation."""
    if (urusan, bidang) == (7, 1):
        return f"7.01.0.00.0.00.01.{number:04d}"
    return f"{urusan}.{bidang:02d}.0.00.0.00.{number:02d}.0000"


def build_registry(seed: int, scale: float) -> list[Instansi]:
    """Institutions with their work units (central first, then regional), deterministic."""
    rnd = random.Random(f"{seed}:registry")
    n_units = max(20, round(20000 * scale))
    n_instansi = max(4, round(n_units / 20))
    # 3-digit BA codes and 2-digit kabupaten numbers bound the institution counts; beyond that
    # (SF > 2) institutions just get more work units each.
    n_central = min(n_instansi // 2, MAX_CENTRAL_INSTANSI)
    n_regional = min(n_instansi - n_instansi // 2, MAX_REGIONAL_INSTANSI)
    n_central_units, n_regional_units = n_units // 2, n_units - n_units // 2
    if (n_central_units > n_central * MAX_CENTRAL_UNITS
            or n_regional_units > n_regional * MAX_REGIONAL_UNITS):
        raise ValueError(f"scale {scale} is beyond what the code formats can hold")
    central = _central_instansi(rnd, n_central)
    regional = _regional_instansi(rnd, n_regional)
    serial = 0
    for inst, size in zip(central, _split_sizes(rnd, n_central_units, n_central, MAX_CENTRAL_UNITS)):
        serial = _add_central_units(rnd, inst, size, serial)
    for inst, size in zip(regional, _split_sizes(rnd, n_regional_units, n_regional, MAX_REGIONAL_UNITS)):
        serial = _add_regional_units(rnd, inst, size, serial)
    return central + regional


# --------------------------------------------------------------------------------------------
# Per-unit generation
# --------------------------------------------------------------------------------------------
class _Calendar:
    """Date strings of the fiscal year; working days (Mon-Fri) grouped by month."""

    def __init__(self, year: int):
        first = dt.date(year, 1, 1)
        days = [first + dt.timedelta(d) for d in range((dt.date(year + 1, 1, 1) - first).days)]
        self.year = year
        self.iso_days = [d.isoformat() for d in days]
        working = [d for d in days if d.weekday() < 5]
        self.working_iso = [d.isoformat() for d in working]
        months = np.array([d.month - 1 for d in working])
        self.month_start = np.searchsorted(months, np.arange(12))
        self.month_count = np.bincount(months, minlength=12)

    def random_date(self, rnd: random.Random, first_month: int, last_month: int) -> str:
        start = dt.date(self.year, first_month, 1).timetuple().tm_yday - 1
        end_date = dt.date(self.year + (last_month == 12), last_month % 12 + 1, 1) - dt.timedelta(1)
        end = end_date.timetuple().tm_yday - 1
        return self.iso_days[rnd.randint(start, end)]


class _Accounts:
    """The account chart of one government level, as columns for fast lookup."""

    def __init__(self, gov_level: str, accounts: tuple):
        self.codes = [a[0] for a in accounts]
        self.names = [a[1] for a in accounts]
        self.encoded_names = [_csv_text(name) for name in self.names]
        self.category = np.array([GROUP_OF_ACCOUNT_GROUP[a[2]] for a in accounts])
        self.pool = defaultdict(list)
        for i, (_, _, group) in enumerate(accounts):
            self.pool[group].append(i)
        self.type_codes = SPENDING_TYPE_CODES[gov_level]


def _fmt_number(value: float) -> str:
    """Shortest plain decimal with at most 2 places: 12, 3.5, 87.25."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


class _UnitGenerator:
    """Generates every extract row of one work unit from its own random streams."""

    def __init__(self, seed: int, fiscal_year: int, calendar: _Calendar, accounts: dict,
                 sbk_by_unit: dict):
        self.seed = seed
        self.fiscal_year = fiscal_year
        self.fy = str(fiscal_year)
        self.calendar = calendar
        self.accounts = accounts
        self.sbk_by_unit = sbk_by_unit
        self.regional_doc_counter: dict[str, int] = defaultdict(int)
        self.sasaran_codes: dict[str, list[str]] = {}  # filled per instansi before its units

    # ---- structure ------------------------------------------------------------------------
    def _central_outputs(self, rnd: random.Random, inst: Instansi) -> list[Output]:
        outputs = []
        dukman = inst.programs[0]
        activities = rnd.sample(dukman.activities, min(len(dukman.activities), rnd.randint(1, 2)))
        picked = [DUKMAN_OUTPUTS[0]] + rnd.sample(DUKMAN_OUTPUTS[1:], rnd.randint(5, 9))
        for i, (ro, name, archetype) in enumerate(picked):
            act = activities[i % len(activities)]
            outputs.append(Output(dukman.code, dukman.name, act.code, act.name, f"{act.code}.{ro}",
                                  name, archetype))
        # one KRO.RO per satker whatever its kegiatan, as in version 1 (the draws depend on it)
        used = {ro for ro, _name, _archetype in picked}
        tech_programs = rnd.sample(inst.programs[1:], min(len(inst.programs) - 1, rnd.randint(1, 2)))
        for program in tech_programs:
            kro = [k for k in TECH_KRO if k[2] != "bansos" or program.topic in BANSOS_TOPICS]
            kro_weights = [k[3] for k in kro]
            for act in rnd.sample(program.activities, min(len(program.activities), rnd.randint(1, 3))):
                families = rnd.choices(kro, weights=kro_weights, k=2)
                for _ in range(rnd.randint(3, 6)):
                    letters, kro_name, archetype, _w = families[rnd.randrange(2)]
                    ro = f"{letters}.{rnd.randint(1, 999):03d}"
                    if ro in used:
                        continue
                    used.add(ro)
                    outputs.append(Output(program.code, program.name, act.code, act.name,
                                          f"{act.code}.{ro}", f"{kro_name} {act.topic}", archetype))
        return outputs

    def _regional_outputs(self, rnd: random.Random, inst: Instansi, unit: WorkUnit) -> list[Output]:
        outputs = []
        level_digit = 1 if inst.is_province else 2
        base = f"{unit.urusan}.{unit.bidang:02d}"
        support_program = f"{base}.01"
        support_name = ("Program Penunjang Urusan Pemerintahan Daerah "
                        + ("Provinsi" if inst.is_province else "Kabupaten/Kota"))
        activities = [PENUNJANG_ACTIVITIES[1]] + rnd.sample(
            [a for a in PENUNJANG_ACTIVITIES if a[0] != 2], rnd.randint(3, 5))
        for number, act_name, subs in sorted(activities):
            act_code = f"{support_program}.{level_digit}.{number:02d}"
            if number == 2:
                chosen = subs
            else:
                chosen = sorted(rnd.sample(subs, rnd.randint(1, len(subs))))
            for sub_no, sub_name, archetype in chosen:
                outputs.append(Output(support_program, support_name, act_code, act_name,
                                      f"{act_code}.{sub_no:04d}", sub_name, archetype))
        allowed = {"tek", "modal"}
        allowed |= {"bansos"} if (unit.urusan, unit.bidang) in BANSOS_BIDANG else set()
        allowed |= {"hibah"} if (unit.urusan, unit.bidang) in HIBAH_BIDANG else set()
        patterns = [p for p in SUB_ACTIVITY_PATTERNS if p[1] in allowed]
        sub_weights = [p[2] for p in patterns]
        for prog_no in range(2, 2 + rnd.randint(1, 3)):
            prog_code = f"{base}.{prog_no:02d}"
            prog_name = f"Program {PROGRAM_PATTERNS[prog_no % len(PROGRAM_PATTERNS)]} {unit.topic}"
            for act_no in sorted(rnd.sample(range(1, 10), rnd.randint(1, 3))):
                act_code = f"{prog_code}.{level_digit}.{act_no:02d}"
                act_name = f"{ACTIVITY_PATTERNS[(prog_no + act_no) % len(ACTIVITY_PATTERNS)]} {unit.topic}"
                for sub_no in sorted(rnd.sample(range(1, 30), rnd.randint(2, 5))):
                    pattern, archetype, _w = rnd.choices(patterns, weights=sub_weights)[0]
                    outputs.append(Output(prog_code, prog_name, act_code, act_name,
                                          f"{act_code}.{sub_no:04d}", f"{pattern} {unit.topic}",
                                          archetype))
        return outputs

    # ---- budget ---------------------------------------------------------------------------
    def _funding_chooser(self, rnd: random.Random, inst: Instansi):
        """Returns f(category) -> funding source for a new line, and the unit's split source."""
        if inst.gov_level == "pusat":
            weights = [p[0] for p in FUNDING_CENTRAL_PROFILES]
            _, secondary, share = rnd.choices(FUNDING_CENTRAL_PROFILES, weights=weights)[0]

            def choose(category: int) -> str:
                if secondary and category != 0 and rnd.random() < share:
                    return secondary
                return "RM"
            return choose, secondary
        if inst.blank_funding:
            return (lambda category: ""), None
        sources = [s for s, _ in FUNDING_REGIONAL]
        weights = [w for _, w in FUNDING_REGIONAL]

        def choose_regional(category: int) -> str:
            return "DAU" if category == 0 else rnd.choices(sources, weights=weights)[0]
        return choose_regional, "DAK"

    def _original_lines(self, rnd, nrng, outputs, accounts: _Accounts, choose_funding, split_source):
        """Revision-0 lines: [output index, account index, funding source, amount, blocked]."""
        keys = []
        for out_i, output in enumerate(outputs):
            for group, lo, hi in ARCHETYPE_ACCOUNTS[output.archetype]:
                pool = accounts.pool[group]
                for acc_i in rnd.sample(pool, min(len(pool), rnd.randint(lo, hi))):
                    fund = choose_funding(accounts.category[acc_i])
                    keys.append((out_i, acc_i, fund))
                    if split_source and split_source != fund and rnd.random() < 0.04:
                        keys.append((out_i, acc_i, split_source))  # same akun split over two sources
        category = accounts.category[[k[1] for k in keys]]
        unit_size = nrng.lognormal(0.0, 0.5)
        noise = np.exp(AMOUNT_SIGMA[category] * nrng.standard_normal(len(keys)))
        raw = AMOUNT_MEDIAN[category] * unit_size * noise
        amounts = (np.clip(np.round(raw / 1000.0), 5_000, 80_000_000) * 1000).astype(np.int64).tolist()
        lines = [[o, a, f, amt, None] for (o, a, f), amt in zip(keys, amounts)]
        if rnd.random() < 0.25:  # a quarter of units have a few blocked (diblokir) lines
            for line in rnd.sample(lines, min(len(lines), rnd.randint(1, 5))):
                line[4] = max(1000, int(round(line[3] * rnd.uniform(0.05, 0.5), -3)))
        return sorted(lines, key=lambda ln: (ln[0], ln[1], ln[2]))

    def _revise(self, rnd, lines, outputs, accounts: _Accounts, choose_funding):
        """A whole restated budget: some amounts changed, a few lines removed, a few added."""
        revised = [list(line) for line in lines]
        for line in revised:
            if rnd.random() < 0.15:
                line[3] = max(1000, int(round(line[3] * rnd.uniform(0.7, 1.3), -3)))
            if line[4] is not None and (rnd.random() < 0.5 or line[4] >= line[3]):
                line[4] = None  # blokir lifted by the revision
        per_output = defaultdict(int)
        for line in revised:
            per_output[line[0]] += 1
        for _ in range(rnd.randint(1, 4)):  # remove lines, never an output's last one
            removable = [i for i, ln in enumerate(revised) if per_output[ln[0]] > 1]
            if not removable:
                break
            removed = revised.pop(rnd.choice(removable))
            per_output[removed[0]] -= 1
        existing = {(ln[0], ln[1], ln[2]) for ln in revised}
        for _ in range(rnd.randint(1, 4)):
            out_i = rnd.randrange(len(outputs))
            group = ARCHETYPE_ACCOUNTS[outputs[out_i].archetype][-1][0]
            acc_i = rnd.choice(accounts.pool[group])
            fund = choose_funding(accounts.category[acc_i])
            if (out_i, acc_i, fund) in existing or per_output[out_i] == 0:
                continue
            existing.add((out_i, acc_i, fund))
            amount = round(AMOUNT_MEDIAN[accounts.category[acc_i]] * rnd.lognormvariate(0, 0.8), -3)
            revised.append([out_i, acc_i, fund, max(5_000_000, int(amount)), None])
        return sorted(revised, key=lambda ln: (ln[0], ln[1], ln[2]))

    # ---- the unit -------------------------------------------------------------------------
    def unit_rows(self, inst: Instansi, unit: WorkUnit) -> dict[str, list]:
        """Rows per kind: CSV text lines for PRE_ENCODED_KINDS, value tuples for the others."""
        rnd = random.Random(f"{self.seed}:unit:{unit.serial}")
        nrng = np.random.default_rng([self.seed, 1, unit.serial])
        accounts = self.accounts[inst.gov_level]
        if inst.gov_level == "pusat":
            outputs = self._central_outputs(rnd, inst)
        else:
            outputs = self._regional_outputs(rnd, inst, unit)
        choose_funding, split_source = self._funding_chooser(rnd, inst)
        revisions = [self._original_lines(rnd, nrng, outputs, accounts, choose_funding, split_source)]
        if rnd.random() < 0.3:
            revisions.append(self._revise(rnd, revisions[0], outputs, accounts, choose_funding))
            if rnd.random() < 0.35:
                revisions.append(self._revise(rnd, revisions[1], outputs, accounts, choose_funding))
        # revision 1 in Mar-Jun, revision 2 in Jul-Oct; the original DIPA/DPA has no date
        revision_dates = ["", self.calendar.random_date(rnd, 3, 6),
                          self.calendar.random_date(rnd, 7, 10)]
        current = revisions[-1]
        current_no = len(revisions) - 1

        # Budget lines are the biggest file after realization: build them as CSV text from pieces
        # encoded once (names through the csv module; codes and numbers never need quoting).
        prefixes = [",".join((self.fy, inst.gov_level, inst.code, _csv_text(inst.name), unit.code,
                              _csv_text(unit.name), o.program_code, _csv_text(o.program_name),
                              o.activity_code, _csv_text(o.activity_name), o.code, _csv_text(o.name)))
                    for o in outputs]
        budget = []
        for rev_no, lines in enumerate(revisions):
            tail = f",{rev_no},{revision_dates[rev_no]},"
            budget += [f"{prefixes[o]},{accounts.codes[a]},{accounts.encoded_names[a]},{f},{amt}{tail}"
                       f"{'' if blocked is None else blocked}\n"
                       for o, a, f, amt, blocked in lines]

        amounts = np.array([ln[3] for ln in current], dtype=np.float64)
        categories = accounts.category[[ln[1] for ln in current]]
        current_outputs = sorted({ln[0] for ln in current})
        output_budget = np.bincount([ln[0] for ln in current], weights=amounts, minlength=len(outputs))
        return {
            "budget": budget,
            "budget_plan": self._plan_rows(nrng, unit, amounts, categories, accounts, current_no),
            "realization": self._realization_rows(nrng, inst, unit, outputs, current, amounts,
                                                  categories, accounts),
            "output_volume": self._volume_rows(rnd, inst, unit, outputs, current_outputs,
                                               output_budget),
            "indicator": self._unit_indicator_rows(rnd, inst, unit, outputs, current_outputs),
            "_meta": (current_no, len(current), len(current_outputs)),
        }

    def _plan_rows(self, nrng, unit, amounts, categories, accounts, revision_no):
        rows = []
        totals = np.bincount(categories, weights=amounts, minlength=len(SPENDING_GROUPS))
        for category in np.flatnonzero(totals).tolist():
            total = int(round(totals[category]))
            weights = MONTH_WEIGHTS[category] * nrng.uniform(0.85, 1.15, 12)
            monthly = (np.round(total * weights / weights.sum() / 1000.0) * 1000).astype(np.int64)
            monthly[-1] = total - monthly[:-1].sum()  # the plan adds up to the current budget
            type_code = accounts.type_codes[category]
            rows += [(self.fy, unit.code, type_code, str(m + 1), str(v), str(revision_no))
                     for m, v in enumerate(monthly.tolist())]
        return rows

    def _realization_rows(self, nrng, inst, unit, outputs, lines, amounts, categories, accounts):
        n_lines = len(lines)
        # Each line is absorbed to its own degree; rescale so the unit lands on its year-end ratio.
        target_ratio = nrng.uniform(0.86, 0.97)
        ratio = np.clip(target_ratio + nrng.normal(0.0, 0.07, n_lines), 0.35, 1.0)
        goal = target_ratio * amounts.sum()
        for _ in range(6):
            ratio = np.minimum(ratio * goal / (ratio * amounts).sum(), 1.0)
        realized = ratio * amounts
        # ~1000 transactions per unit, more on bigger lines, at least one per line
        n_target = int(nrng.integers(850, 1151))
        weights = np.sqrt(amounts)
        per_line = 1 + nrng.multinomial(max(n_target - n_lines, 0), weights / weights.sum())
        line_of = np.repeat(np.arange(n_lines), per_line)
        n = line_of.size
        refund = (nrng.random(n) < 0.02) & (per_line[line_of] > 1)
        positives = np.bincount(line_of, weights=~refund, minlength=n_lines)
        refund &= positives[line_of] > 0
        refund_size = np.maximum(np.round(realized[line_of] / per_line[line_of]
                                          * nrng.uniform(0.02, 0.3, n)), 1000) * refund
        gross = realized + np.bincount(line_of, weights=refund_size, minlength=n_lines)
        share = nrng.gamma(3.0, size=n) * ~refund
        share_sum = np.bincount(line_of, weights=share, minlength=n_lines)
        spent = np.maximum(np.round(gross[line_of] * share / share_sum[line_of]), 1000)
        amount = np.where(refund, -refund_size, spent).astype(np.int64)
        # Dates follow the spending category's monthly curve, on working days
        category = categories[line_of]
        month = (nrng.random(n)[:, None] >= MONTH_CDF[category]).sum(axis=1)
        day = (self.calendar.month_start[month]
               + (nrng.random(n) * self.calendar.month_count[month]).astype(np.int64))
        # Group same-day lines into documents (SP2D); one document never repeats output+akun
        key = np.array([ln[0] * 1000 + ln[1] for ln in lines])[line_of]
        order = np.lexsort((nrng.random(n), key, day))
        day, key, line_of, amount, month, category, refund = (
            day[order], key[order], line_of[order], amount[order], month[order], category[order],
            refund[order])
        new_doc = np.ones(n, dtype=bool)
        new_doc[1:] = (day[1:] != day[:-1]) | (key[1:] == key[:-1]) | (nrng.random(n - 1) < 0.55)
        doc_seq = np.cumsum(new_doc)
        if inst.gov_level == "pusat":
            prefix = f"{self.fy[2:]}{unit.code}"
            doc_numbers = [f"{prefix}{s:07d}" for s in doc_seq.tolist()]
        else:  # SP2D numbers run per pemda (issued by its BUD), not per SKPD
            start = self.regional_doc_counter[inst.legacy_code]
            self.regional_doc_counter[inst.legacy_code] = start + int(doc_seq[-1])
            prefix = f"SP2D/{inst.legacy_code}/{self.fy}/"  # the BPS-style number of version 1
            doc_numbers = [f"{prefix}{start + s:06d}" for s in doc_seq.tolist()]
        variant = nrng.integers(0, 3, n)
        descriptions = [ENCODED_REFUND_DESCRIPTIONS[v % 2] if r else ENCODED_DESCRIPTIONS[c][m][v]
                        for r, c, v, m in zip(refund.tolist(), category.tolist(), variant.tolist(),
                                              month.tolist())]
        line_pieces = [f"{unit.code},{outputs[o].program_code},{outputs[o].activity_code},"
                       f"{outputs[o].code},{accounts.codes[a]},{f}" for o, a, f, _amt, _blk in lines]
        dates = self.calendar.working_iso
        fy = self.fy
        return [f"{fy},{dates[d]},{doc},{line_pieces[j]},{a},{desc}\n"
                for d, doc, j, a, desc in zip(day.tolist(), doc_numbers, line_of.tolist(),
                                              amount.tolist(), descriptions)]

    def _volume_rows(self, rnd, inst, unit, outputs, current_outputs, output_budget):
        rows = []
        for out_i in current_outputs:
            output = outputs[out_i]
            choices = OUTPUT_UNITS[output.archetype]
            if output.archetype == "pegawai":  # central counts a layanan, SIPD counts people-months
                choices = choices[:1] if inst.gov_level == "pusat" else choices[1:]
            out_unit, lo, hi = choices[rnd.randrange(len(choices))]
            target = rnd.randint(lo, hi)
            sbk_code = ""
            candidates = self.sbk_by_unit.get(out_unit)
            if candidates and rnd.random() < 0.3:
                sbk_code, unit_cost = candidates[rnd.randrange(len(candidates))]
                # a costed output's volume is what its budget buys at the standard cost
                target = max(1, round(float(output_budget[out_i]) / unit_cost * rnd.uniform(0.85, 1.15)))
            draw = rnd.random()
            # an output not delivered at all is rare (and zeroes its unit's geometric-mean CK)
            if draw < 0.002:
                final = 0.0
            elif draw < 0.17:
                final = rnd.uniform(0.4, 0.9)
            elif draw < 0.85:
                final = rnd.uniform(0.9, 1.0)
            else:
                final = rnd.uniform(1.0, 1.3)
            shares = sorted(rnd.uniform(lo_s, hi_s) for lo_s, hi_s in CUMULATIVE_SHARE) + [1.0]
            realized_year = max(1, round(target * final)) if final else 0
            for period, share in zip(INDICATOR_PERIODS, shares):
                rows.append((self.fy, str(period), unit.code, output.code, out_unit, str(target),
                             str(round(realized_year * share)), sbk_code))
        return rows

    # ---- indicators -----------------------------------------------------------------------
    def _indicator_series(self, rnd, polarity: str, unit: str, lo: float, hi: float):
        """Year target (and upper bound) and the cumulative realization for each period."""
        integral = unit in COUNT_UNITS
        target = rnd.randint(int(lo), int(hi)) if integral else round(rnd.uniform(lo, hi), 2)
        upper = None
        draw = rnd.random()
        achievement = (rnd.choice((rnd.uniform(0.2, 0.6), rnd.uniform(1.3, 1.8))) if draw < 0.05
                       else min(1.2, max(0.7, rnd.gauss(1.0, 0.1))))
        if polarity == "max":
            final = target * achievement
        elif polarity == "min":
            final = target * max(0.0, 2.0 - achievement)
        else:
            upper = round(target * rnd.uniform(1.1, 1.4), 2)
            if draw < 0.7:
                final = rnd.uniform(target, upper)
            elif draw < 0.85:
                final = target * rnd.uniform(0.7, 0.99)
            else:
                final = upper * rnd.uniform(1.01, 1.3)
        values = []
        cumulative = integral and polarity == "max"
        for i, _period in enumerate(INDICATOR_PERIODS[:-1]):
            share = rnd.uniform(*CUMULATIVE_SHARE[i]) if cumulative else rnd.uniform(0.92, 1.06)
            values.append(final * share)
        values.append(final)
        if cumulative:
            values = sorted(values)
        if integral:
            values = [round(v) for v in values]
        if unit == "Persen":  # a percentage of something done cannot pass 100
            values = [min(v, 100.0) for v in values]
        return target, upper, values

    def _indicator_rows(self, rnd, inst, work_unit_code, code, name, level, parent, program_code,
                        activity_code, output_code, unit, polarity, lo, hi):
        target, upper, values = self._indicator_series(rnd, polarity, unit, lo, hi)
        target_s, upper_s = _fmt_number(target), "" if upper is None else _fmt_number(upper)
        return [(self.fy, str(period), inst.code, work_unit_code, code, name, level, parent,
                 program_code, activity_code, output_code, unit, polarity, target_s, upper_s,
                 _fmt_number(value)) for period, value in zip(INDICATOR_PERIODS, values)]

    def _template(self, rnd, topic: str):
        draw = rnd.random()
        polarity = "max" if draw < 0.8 else ("min" if draw < 0.95 else "range")
        template, unit, lo, hi = rnd.choice(INDICATOR_TEMPLATES[polarity])
        return template.format(t=topic.lower()), unit, polarity, lo, hi

    def instansi_indicator_rows(self, inst: Instansi) -> tuple[list[tuple], list[str]]:
        """Tujuan and sasaran strategis indicators; returns rows and the sasaran codes."""
        rnd = random.Random(f"{self.seed}:instansi:{inst.legacy_code}")
        rows, tujuan_codes, sasaran_codes = [], [], []
        pool = TUJUAN_INDICATORS[inst.gov_level]
        for n, (name, unit, polarity, lo, hi) in enumerate(rnd.sample(pool, rnd.randint(1, 2)), 1):
            code = f"IKT.{inst.legacy_code}.{n:02d}"
            tujuan_codes.append(code)
            rows += self._indicator_rows(rnd, inst, "", code, name, "tujuan", "", "", "", "", unit,
                                         polarity, lo, hi)
        for n, (name, unit, polarity, lo, hi) in enumerate(
                rnd.sample(SASARAN_INDICATORS, rnd.randint(2, 4)), 1):
            code = f"IKU.{inst.legacy_code}.{n:02d}"
            sasaran_codes.append(code)
            rows += self._indicator_rows(rnd, inst, "", code, name, "sasaran_strategis",
                                         rnd.choice(tujuan_codes), "", "", "", unit, polarity, lo, hi)
        return rows, sasaran_codes

    def _unit_indicator_rows(self, rnd, inst, unit, outputs, current_outputs):
        rows = []
        sasaran = self.sasaran_codes[inst.code]
        program_indicator, activity_indicator = {}, {}
        counter = 0
        live = [outputs[i] for i in current_outputs]
        for output in live:  # one indicator per program, then per activity
            if output.program_code not in program_indicator:
                counter += 1
                code = f"IKP.{unit.legacy_code}.{counter:03d}"
                program_indicator[output.program_code] = code
                topic = output.program_name.removeprefix("Program ")
                name, unit_name, polarity, lo, hi = self._template(rnd, topic)
                rows += self._indicator_rows(rnd, inst, unit.code, code, name, "program",
                                             rnd.choice(sasaran), output.program_code, "", "",
                                             unit_name, polarity, lo, hi)
        for output in live:
            if output.activity_code not in activity_indicator:
                counter += 1
                code = f"IKK.{unit.legacy_code}.{counter:03d}"
                activity_indicator[output.activity_code] = code
                name, unit_name, polarity, lo, hi = self._template(rnd, output.activity_name)
                rows += self._indicator_rows(rnd, inst, unit.code, code, name, "kegiatan",
                                             program_indicator[output.program_code],
                                             output.program_code, output.activity_code, "", unit_name,
                                             polarity, lo, hi)
        for output in rnd.sample(live, min(len(live), rnd.randint(2, 5))):
            counter += 1
            code = f"IKO.{unit.legacy_code}.{counter:03d}"
            # ~10% of output indicators are not linked to any kegiatan indicator (broken cascade)
            parent = "" if rnd.random() < 0.1 else activity_indicator[output.activity_code]
            name, unit_name, polarity, lo, hi = self._template(rnd, output.name)
            rows += self._indicator_rows(rnd, inst, unit.code, code, name, "output", parent,
                                         output.program_code, output.activity_code, output.code,
                                         unit_name, polarity, lo, hi)
        return rows


# --------------------------------------------------------------------------------------------
# Small files
# --------------------------------------------------------------------------------------------
def _cost_standard_rows(seed: int, fiscal_year: int) -> tuple[list[tuple], dict]:
    rnd = random.Random(f"{seed}:cost_standard")
    fy = str(fiscal_year)
    rows = [(fy, "SBM", code, desc, unit, "", str(cost)) for code, desc, unit, cost in SBM_NATIONAL]
    for province, _name in PROVINCES:
        factor = rnd.uniform(0.85, 1.35)  # price level of the province
        for code, desc, unit, base in SBM_PER_PROVINCE:
            cost = int(round(base * factor * rnd.uniform(0.95, 1.05), -3))
            rows.append((fy, "SBM", code, desc, unit, province, str(cost)))
    sbk_by_unit = defaultdict(list)
    number = 0
    for desc, unit, base in SBK_TEMPLATES:
        for level, factor in SBK_LEVELS:
            number += 1
            code = f"SBK.{number:03d}"
            cost = int(round(base * factor * rnd.uniform(0.9, 1.1), -3))
            rows.append((fy, "SBK", code, f"{desc} {level}", unit, "", str(cost)))
            sbk_by_unit[unit].append((code, cost))
    return rows, dict(sbk_by_unit)


def _sakip_rows(seed: int, fiscal_year: int, registry: list[Instansi]) -> tuple[list[tuple], dict]:
    rnd = random.Random(f"{seed}:sakip")
    old_year = SAKIP_OLD_YEAR if fiscal_year > SAKIP_OLD_YEAR else fiscal_year - 1
    evaluations = [(inst, year, regulation) for inst in registry
                   for year, regulation in ((fiscal_year, SAKIP_2021), (old_year, SAKIP_2015))]
    n_incomplete = max(1, round(0.1 * len(evaluations)))
    incomplete = set(rnd.sample(range(len(evaluations)), n_incomplete))
    rows = []
    for i, (inst, year, regulation) in enumerate(evaluations):
        # Quality spread over the whole 0-100 scale so every grade band (D..AA) occurs
        quality = rnd.uniform(0.15, 0.97) - (0.05 if regulation == SAKIP_2015 else 0.0)
        components = SAKIP_COMPONENTS[regulation]
        skipped = components[rnd.randrange(len(components))][0] if i in incomplete else None
        evaluator = EVALUATORS[0] if inst.gov_level == "pusat" else rnd.choice(EVALUATORS)
        head = (str(year), inst.code, inst.name, regulation)
        for component, weight in components:
            if component == skipped:
                continue
            if regulation == SAKIP_2021:
                subs = [(sub, round(weight * share * min(1.0, max(0.0, rnd.gauss(quality, 0.08))), 2))
                        for sub, share in SAKIP_SUBCOMPONENTS]
                total = round(sum(score for _, score in subs), 2)
                rows.append(head + (component, "", _fmt_number(total), evaluator))
                rows += [head + (component, sub, _fmt_number(score), evaluator) for sub, score in subs]
            else:
                score = round(weight * min(1.0, max(0.0, rnd.gauss(quality, 0.08))), 2)
                rows.append(head + (component, "", _fmt_number(score), evaluator))
    return rows, {"sakip_evaluations": len(evaluations), "sakip_incomplete_evaluations": n_incomplete}


# --------------------------------------------------------------------------------------------
# Dirt
# --------------------------------------------------------------------------------------------
def _letter_o(value: str) -> str:
    """'1200000' -> '1.2O0.000': a typed number with a letter O for a zero."""
    try:
        typed = f"{int(value):,}".replace(",", ".")
    except ValueError:
        typed = value
    return typed.replace("0", "O", 1) if "0" in typed else "#VALUE!"


def _inject_dirt(kind: str, clean_path: Path, final_path: Path, base_rows: int, fraction: float,
                 seed: int, fiscal_year: int) -> tuple[list[tuple], dict]:
    """Stream clean_path into final_path with exactly round(fraction * base_rows) dirty rows.

    Rows are picked in a seeded shuffled order and given the kind's dirt types round-robin. A
    duplicate_line row copies a clean row (the picked one, which stays clean) and is inserted at a
    random later position. Returns the dirt.csv records (output row numbers) and counts by type.
    """
    types = DIRT_TYPES[kind]
    counts = {dirt: 0 for dirt in types}
    n_dirty = round(fraction * base_rows) if types else 0
    if n_dirty == 0:
        os.replace(clean_path, final_path)
        return [], counts
    rng = np.random.default_rng([seed, 2, ALL_KINDS.index(kind)])
    picked = rng.choice(base_rows, size=n_dirty, replace=False).tolist()
    changes: dict[int, tuple[str, str, int]] = {}
    duplicate_sources: set[int] = set()
    insert_after: dict[int, list[int]] = defaultdict(list)
    for i, row in enumerate(picked):
        dirt, turn = types[i % len(types)], i // len(types)
        counts[dirt] += 1
        if dirt == "duplicate_line":
            duplicate_sources.add(row)
            insert_after[int(rng.integers(row, base_rows))].append(row)
        elif dirt == "bad_number":
            fields = NUMBER_FIELDS[kind]
            changes[row] = (dirt, fields[turn % len(fields)], turn)
        elif dirt == "empty_mandatory":
            fields = EMPTIABLE_FIELDS[kind]
            changes[row] = (dirt, fields[turn % len(fields)], turn)
        elif dirt == "unknown_code":
            changes[row] = (dirt, "work_unit_code", turn)
        else:
            changes[row] = (dirt, "transaction_date", turn)
    columns = CANONICAL_COLUMNS[kind]
    file_name = FILE_NAMES[kind]
    records = []
    saved: dict[int, tuple[str, int]] = {}
    with open(clean_path, encoding="utf-8", newline="") as src, \
            open(final_path, "w", encoding="utf-8", newline="", buffering=1 << 20) as dst:
        writer = csv.writer(dst, lineterminator="\n")
        dst.write(src.readline())
        out_row = position = 0
        for row in sorted(set(changes) | duplicate_sources | set(insert_after)):
            dst.writelines(islice(src, row - position))  # untouched rows, copied as they are
            out_row += row - position
            line = next(src)
            position = row + 1
            out_row += 1
            if row in changes:
                dirt, field_name, turn = changes[row]
                values = next(csv.reader([line]))
                col = columns.index(field_name)
                values[col] = _dirty_value(dirt, values[col], turn, fiscal_year)
                writer.writerow(values)
                records.append((kind, file_name, out_row, dirt, field_name, values[col]))
            else:
                dst.write(line)
            if row in duplicate_sources:
                saved[row] = (line, out_row)
            for source in sorted(insert_after.get(row, ())):
                copy, source_row = saved.pop(source)
                dst.write(copy)
                out_row += 1
                records.append((kind, file_name, out_row, "duplicate_line", "", str(source_row)))
        for line in src:  # the rest of the file
            dst.write(line)
    clean_path.unlink()
    return records, counts


def _dirty_value(dirt: str, value: str, turn: int, fiscal_year: int) -> str:
    if dirt == "bad_number":
        bad = BAD_NUMBER_VALUES[turn % len(BAD_NUMBER_VALUES)]
        return _letter_o(value) if bad is None else bad
    if dirt == "empty_mandatory":
        return ""
    if dirt == "unknown_code":  # BA 999 / province 99 exist nowhere in the budget
        return "999" + value[3:] if CENTRAL_WORK_UNIT.match(value) else "99" + value[2:]
    # future_date: after the end of the fiscal year
    return f"{fiscal_year + 1}-{1 + turn % 3:02d}-{1 + (turn * 7) % 28:02d}"


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------
def _open_csv(path: Path, kind: str):
    handle = open(path, "w", encoding="utf-8", newline="", buffering=1 << 20)
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(CANONICAL_COLUMNS[kind])
    return handle, writer


def generate(out_dir: Path, scale: float, seed: int = 42, dirty_fraction: float = 0.0,
             fiscal_year: int = 2025, shape: str = CANONICAL) -> dict:
    """Write the synthetic extracts for one fiscal year into out_dir; return the manifest.

    shape: 'canonical' (one file per kind in the canonical layout) or a real export shape of
    pbk/export_shapes.py (budget, budget_plan, realization and output_volume each as a _pusat
    and a _daerah file in that shape's layouts; the other kinds canonical)."""
    if not scale > 0 or not math.isfinite(scale):
        raise ValueError(f"scale must be a positive number, got {scale!r}")
    if not 0.0 <= dirty_fraction <= 0.5:
        raise ValueError(f"dirty_fraction must be within [0, 0.5], got {dirty_fraction!r}")
    if seed < 0:
        raise ValueError(f"seed must be non-negative, got {seed!r}")
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {', '.join(SHAPES)}, got {shape!r}")
    if shape != CANONICAL and dirty_fraction:
        # dirt.csv points at rows and fields of canonical files; layouts would move and reformat them
        raise ValueError(f"shape {shape!r} is written clean only: dirt is injected into canonical "
                         f"files; use dirty_fraction 0 (got {dirty_fraction!r}) or shape "
                         f"{CANONICAL!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if shape == CANONICAL:
        files, totals = _write_canonical(out_dir, scale, seed, dirty_fraction, fiscal_year)
    else:
        # the canonical files are made beside the layout files (same file system: moves are renames)
        staging = Path(tempfile.mkdtemp(prefix=".canonical-", dir=out_dir))
        try:
            canonical, totals = _write_canonical(staging, scale, seed, 0.0, fiscal_year)
            files = {}
            for stem, entry in write_layout_files(staging, out_dir, shape).items():
                files[stem] = {**entry, "clean_rows": entry["rows"], "base_rows": entry["rows"],
                               "dirt": {dirt: 0 for dirt in DIRT_TYPES[entry["kind"]]}}
            for kind in ALL_KINDS:
                if kind not in SPLIT_KINDS:
                    os.replace(staging / FILE_NAMES[kind], out_dir / FILE_NAMES[kind])
                    files[kind] = canonical[kind]
            os.replace(staging / DIRT_FILE, out_dir / DIRT_FILE)  # header only: clean data
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "scale": scale,
        "seed": seed,
        "dirty_fraction": dirty_fraction,
        "fiscal_year": fiscal_year,
        "shape": shape,
        "dirt_file": DIRT_FILE,
        "files": files,
        "totals": totals,
    }
    with open(out_dir / MANIFEST_FILE, "w", encoding="utf-8", newline="\n") as handle:
        json.dump(manifest, handle, indent=2, sort_keys=True)
        handle.write("\n")
    return manifest


def _write_canonical(out_dir: Path, scale: float, seed: int, dirty_fraction: float,
                     fiscal_year: int) -> tuple[dict, dict]:
    """The canonical files and dirt.csv; returns the manifest's files and totals entries."""
    registry = build_registry(seed, scale)
    cost_rows, sbk_by_unit = _cost_standard_rows(seed, fiscal_year)
    accounts = {"pusat": _Accounts("pusat", CENTRAL_ACCOUNTS),
                "daerah": _Accounts("daerah", REGIONAL_ACCOUNTS)}
    units = _UnitGenerator(seed, fiscal_year, _Calendar(fiscal_year), accounts, sbk_by_unit)

    base_rows = dict.fromkeys(ALL_KINDS, 0)
    totals = defaultdict(int)
    clean_paths = {kind: out_dir / f".{FILE_NAMES[kind]}.clean" for kind in STREAMED_KINDS}
    handles = {kind: _open_csv(clean_paths[kind], kind) for kind in STREAMED_KINDS}
    try:
        for inst in registry:
            rows, units.sasaran_codes[inst.code] = units.instansi_indicator_rows(inst)
            handles["indicator"][1].writerows(rows)
            base_rows["indicator"] += len(rows)
            for unit in inst.units:
                produced = units.unit_rows(inst, unit)
                current_no, current_lines, current_outputs = produced.pop("_meta")
                for kind, rows in produced.items():
                    if kind in PRE_ENCODED_KINDS:
                        handles[kind][0].write("".join(rows))
                    else:
                        handles[kind][1].writerows(rows)
                    base_rows[kind] += len(rows)
                totals["work_units_revised"] += current_no > 0
                totals["budget_lines_current"] += current_lines
                totals["outputs_current"] += current_outputs
    finally:
        for handle, _ in handles.values():
            handle.close()

    sakip_rows, sakip_totals = _sakip_rows(seed, fiscal_year, registry)
    for kind, rows in (("sakip_evaluation", sakip_rows), ("cost_standard", cost_rows)):
        clean_paths[kind] = out_dir / f".{FILE_NAMES[kind]}.clean"
        handle, writer = _open_csv(clean_paths[kind], kind)
        with handle:
            writer.writerows(rows)
        base_rows[kind] = len(rows)

    files, dirt_records = {}, []
    for kind in ALL_KINDS:
        records, counts = _inject_dirt(kind, clean_paths[kind], out_dir / FILE_NAMES[kind],
                                       base_rows[kind], dirty_fraction, seed, fiscal_year)
        dirt_records += records
        rows = base_rows[kind] + counts.get("duplicate_line", 0)
        files[kind] = {"file": FILE_NAMES[kind], "rows": rows, "clean_rows": rows - sum(counts.values()),
                       "base_rows": base_rows[kind], "dirt": counts}
    with open(out_dir / DIRT_FILE, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(DIRT_COLUMNS)
        writer.writerows(dirt_records)

    central = [inst for inst in registry if inst.gov_level == "pusat"]
    regional = [inst for inst in registry if inst.gov_level == "daerah"]
    totals.update({
        "instansi": len(registry),
        "instansi_central": len(central),
        "instansi_regional": len(regional),
        "work_units": sum(len(inst.units) for inst in registry),
        "work_units_central": sum(len(inst.units) for inst in central),
        "work_units_regional": sum(len(inst.units) for inst in regional),
        "cost_standards_sbm": sum(1 for row in cost_rows if row[1] == "SBM"),
        "cost_standards_sbk": sum(1 for row in cost_rows if row[1] == "SBK"),
        **sakip_totals,
    })
    return files, dict(totals)
