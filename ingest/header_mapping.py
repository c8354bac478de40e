"""Header mapping: which contract columns a file's header row holds (aliases, fallback aliases, code
parts), what the loader derives, and the extract kind the headers match. The loader and the
landing sniffer (ingest/sniff.py) read headers through this one mapping."""
from __future__ import annotations

from dataclasses import dataclass, field

from .contracts import CODE_PARTS, CONTRACTS, Contract, normalise_header
from .errors import FileRejected


@dataclass
class Mapping:
    kind: str
    columns: dict[str, int]        # canonical column -> position in the file's header
    extra: list[int]               # positions of columns the contract does not know (kept in _extra)
    derived: list[str]             # canonical columns absent from the file that the loader derives
    parts: dict[str, int] = field(default_factory=dict)  # code part (codes.py) -> position
    fallbacks: list[str] = field(default_factory=list)   # notes: headers passed over for a finer one
    passed_over: list[int] = field(default_factory=list)  # their positions (kept in _extra)


def alias_table(contract: Contract) -> tuple[dict[str, str], dict[str, str]]:
    """Normalised header -> canonical column, for primary and fallback aliases."""
    primary, fallback = {}, {}
    for column in contract.columns:
        for name in (column.name, *column.aliases):
            primary.setdefault(normalise_header(name), column.name)
        for name in column.fallback_aliases:
            fallback.setdefault(normalise_header(name), column.name)
    return primary, fallback


PART_HEADERS = {normalise_header(h): part for part, headers in CODE_PARTS.items() for h in headers}
CODE_COLUMNS = ("program_code", "activity_code", "output_code", "account_code")


def derivable_codes(present: set[str], parts: set[str]) -> set[str]:
    """Code columns an export may leave out because other columns carry them: a MAK holds program,
    kegiatan, output and akun; a SIPD sub-kegiatan holds its program and kegiatan."""
    out = set()
    if "mak" in parts:
        out.update(CODE_COLUMNS)
    if "output_code" in present:
        out.update(("program_code", "activity_code"))
    return out


def map_headers(headers: list[str], contract: Contract) -> tuple[Mapping, list[str]]:
    """Map the file's headers onto the contract; returns the mapping and the missing mandatory
    columns (each with the aliases tried)."""
    primary, fallback = alias_table(contract)
    columns: dict[str, int] = {}
    extra, parts, later = [], {}, []
    for i, header in enumerate(headers):
        key = normalise_header(header)
        canonical = primary.get(key)
        if canonical is None:
            later.append(i)
        elif canonical in columns:
            raise FileRejected(f"columns {headers[columns[canonical]]!r} and {header!r} both map to "
                               f"{canonical!r}; keep one")
        else:
            columns[canonical] = i
    passed_over, passed_positions = [], []
    for i in later:
        key = normalise_header(headers[i])
        canonical = fallback.get(key)
        if canonical is not None and canonical not in columns:
            columns[canonical] = i
            continue
        part = PART_HEADERS.get(key)
        if part is not None and part not in parts and (part != "ro" or "output_code" in columns):
            parts[part] = i
        elif canonical is not None:
            passed_positions.append(i)
            passed_over.append(f"{headers[i]} kept in _extra ({headers[columns[canonical]]} is "
                               f"the {canonical})")
        extra.append(i)
    missing, derived = [], []
    codes = derivable_codes(set(columns), set(parts))
    for column in contract.columns:
        if column.name in columns:
            continue
        if column.name in CODE_COLUMNS and column.name in contract.derivable:
            if column.name in codes:
                derived.append(column.name)
            elif column.mandatory:
                missing.append(column.name)
        elif column.name == "instansi_code" and not column.mandatory:
            derived.append(column.name)   # from the program's BA or the SKPD's pemda
        elif column.mandatory:
            (derived if column.name in contract.derivable else missing).append(column.name)
    return (Mapping(contract.kind, columns, extra, derived, parts, passed_over, passed_positions),
            missing)


def describe_missing(contract: Contract, missing: list[str]) -> str:
    parts = []
    for name in missing:
        tried = [name, *contract.column(name).aliases]
        parts.append(f"{name} (tried: {', '.join(tried)})")
    return "; ".join(parts)


def detect_kind(headers: list[str], kind: str | None) -> Mapping:
    if kind is not None:
        if kind not in CONTRACTS:
            raise FileRejected(f"unknown kind {kind!r}; kinds are {', '.join(CONTRACTS)}",
                               rule="unknown_kind")
        mapping, missing = map_headers(headers, CONTRACTS[kind])
        if missing:
            raise FileRejected(f"missing mandatory column(s) for kind {kind}: "
                               + describe_missing(CONTRACTS[kind], missing), rule="missing_column")
        return mapping
    complete, partial = [], []
    for contract in CONTRACTS.values():
        mapping, missing = map_headers(headers, contract)
        (complete if not missing else partial).append((mapping, missing))
    if len(complete) > 1:
        # A kind whose columns are all read by another kind too is the lesser reading: a
        # realization file holds every mandatory budget column (budget derives its revision)
        def used(mapping: Mapping) -> set[int]:
            return set(mapping.columns.values()) | set(mapping.parts.values())
        complete = [(m, x) for m, x in complete
                    if not any(used(m) < used(other) for other, _ in complete)]
    if len(complete) == 1:
        return complete[0][0]
    if len(complete) > 1:
        raise FileRejected("headers match more than one kind ("
                           + ", ".join(m.kind for m, _ in complete) + "); name it with --kind",
                           rule="unknown_kind")
    mapping, missing = max(partial, key=lambda mm: len(mm[0].columns) - len(mm[1]))
    raise FileRejected(f"headers match no extract kind; closest is {mapping.kind}, missing "
                       + describe_missing(CONTRACTS[mapping.kind], missing), rule="unknown_kind")
