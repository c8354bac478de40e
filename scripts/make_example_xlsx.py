"""Writes docs/examples/budget_omspan.xlsx: a DIPA extract as OM-SPAN users save it from Excel,
with report title rows above the header, codes stored as text and a revision date as an Excel date."""
import datetime as dt
from pathlib import Path

from openpyxl import Workbook

OUT = Path(__file__).resolve().parents[1] / "docs" / "examples" / "budget_omspan.xlsx"
HEADER = ["THANG", "KDDEPT", "NMDEPT", "KDSATKER", "NMSATKER", "KDPROGRAM", "NMPROGRAM", "KDGIAT",
          "NMGIAT", "KDOUTPUT", "NMOUTPUT", "KDAKUN", "NMAKUN", "KDSDANA", "PAGU", "REVISI_KE",
          "TGLREVISI", "BLOKIR"]
ROWS = [
    [2025, "019", "Kementerian Perindustrian", "019012", "Sekretariat Jenderal", "019.01.WA",
     "Program Dukungan Manajemen", "4209", "Pengelolaan Keuangan", "EBA.994", "Layanan Perkantoran",
     "521211", "Belanja Bahan", "RM", 150000000, 0, None, None],
    [2025, "019", "Kementerian Perindustrian", "019012", "Sekretariat Jenderal", "019.01.WA",
     "Program Dukungan Manajemen", "4209", "Pengelolaan Keuangan", "EBA.994", "Layanan Perkantoran",
     "511111", "Belanja Gaji Pokok PNS", "RM", 2400000000, 0, None, None],
    [2025, "019", "Kementerian Perindustrian", "019012", "Sekretariat Jenderal", "019.01.WA",
     "Program Dukungan Manajemen", "4209", "Pengelolaan Keuangan", "EBA.994", "Layanan Perkantoran",
     "521211", "Belanja Bahan", "RM", 125000000, 1, dt.date(2025, 7, 15), 5000000],
]


def main() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "DIPA"
    ws.append(["LAPORAN PAGU DIPA PER AKUN"])
    ws.append(["Tahun Anggaran 2025 - Kementerian Perindustrian"])
    ws.append([])
    ws.append(HEADER)
    for row in ROWS:
        ws.append(row)
    for cell in ws["Q"][4:]:
        cell.number_format = "dd/mm/yyyy"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    wb.save(OUT)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
