"""What loading a file gave (FileResult) and the exit code of a run over files."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .intake import Taken

EXIT_OK, EXIT_INTERNAL_ERROR, EXIT_REJECTED = 0, 1, 2


@dataclass
class FileResult:
    file: str
    kind: str | None
    status: str                    # loaded / duplicate / rejected
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    reason: str | None = None
    load_id: str | None = None
    sha256: str | None = None
    bytes: int = 0
    seconds: float = 0.0
    archived_to: str | None = None
    quarantined_by_rule: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    warnings: list = field(default_factory=list)   # failed warn-severity rules
    scope: str | None = None                       # fiscal years in the batch
    coverage_cells: int | None = None              # what it covers (Contract.coverage)
    # Rupiah of the kind's money column (load_log.MONEY_COLUMNS): read = loaded + quarantined
    amount_read: Decimal | None = None
    amount_loaded: Decimal | None = None
    amount_quarantined: Decimal | None = None
    rows_amount_unparsed: int | None = None        # rows whose amount is empty or not a number
    dq_seconds: float = 0.0                        # of `seconds`, spent in the GX suites
    internal_error: bool = False                   # the loader failed on it (a bug): set aside
    encoding: str | None = None                    # CSV: the encoding read (why: in notes)
    taken: Taken | None = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "taken"}
        return {k: (dict(v) if isinstance(v, dict) else list(v) if isinstance(v, list) else v)
                for k, v in d.items()}


def exit_code(results: list[FileResult]) -> int:
    """1 when a file hit an internal error (a bug, reported), else 2 when a file was rejected whole,
    else 0 (files left in landing to settle or still being written are not failures)."""
    if any(r.internal_error for r in results):
        return EXIT_INTERNAL_ERROR
    return EXIT_REJECTED if any(r.status == "rejected" for r in results) else EXIT_OK
