"""Text of CSV fields, for the rows the generator assembles as text (budget and realization:
csv.writer is the bottleneck at SF 1), and the number style of its decimal values."""
from __future__ import annotations

import csv
import functools
import io

_field_buffer = io.StringIO()
_field_writer = csv.writer(_field_buffer, lineterminator="\n")


@functools.lru_cache(maxsize=1 << 16)
def csv_text(value: str) -> str:
    """One text field exactly as csv.writer writes it inside a row (quoted only when needed)."""
    if not value:
        return ""
    _field_buffer.seek(0)
    _field_buffer.truncate()
    _field_writer.writerow([value])
    return _field_buffer.getvalue()[:-1]


def fmt_number(value: float) -> str:
    """Shortest plain decimal with at most 2 places: 12, 3.5, 87.25."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text
