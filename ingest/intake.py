"""Taking a file in, before anything parses it: refuse what is not a regular file, wait until a
landing file has settled, and read it exactly once into a private copy while hashing it, counting
its lines and gathering the evidence for its text encoding. Everything after (staging, hashing,
archiving) works on that copy, so the sha256 in ops.load_log, the rows in raw.* and the archived
file describe the same bytes even if the original is rewritten meanwhile.

    taken = take(path, tmp_dir)        # FileRejected / FileInFlight on a file that cannot be taken
    taken.copy, taken.sha256, taken.lines, taken.evidence

Which files to take: `landing_files` (settled files of landing), `expand_inputs` (files and
directories named on the command line); `still_the_file_read` before a landing file is removed.
"""
from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .errors import FileInFlight, FileRejected
from base.settings import Paths

CHUNK = 1 << 22
# A landing file is taken when it has not changed for this long (upload tools that write in place
# keep touching it); tools that upload under a temporary name and rename at the end
# (IN_PROGRESS_SUFFIXES) are safe without waiting.
DEFAULT_SETTLE_SECONDS = 10.0
# Files still being written by an upload tool are not picked up from landing
IN_PROGRESS_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial", ".filepart")


def settle_seconds() -> float:
    return float(os.environ.get("PBK_SETTLE_SECONDS", DEFAULT_SETTLE_SECONDS))


def printable(name: str) -> str:
    """A file name safe to print on one terminal line: control characters (newlines, ANSI escapes)
    shown as escapes, so a name cannot forge lines of `pbk status`."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)


def refusal(path: Path, root: Path | None) -> str | None:
    """Why a path must not be read, or None; never opens the file (a FIFO would block).
    root: the directory the path was found in (landing, or a directory named on the command
    line): there a symlink is refused, since it loads bytes from elsewhere under a landing name."""
    name = path.name
    if "\\" in name or "/" in name or name in ("", ".", ".."):
        return f"file name {printable(name)!r} contains a path separator"
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return "file does not exist"
    except OSError as exc:
        return f"cannot read the file's attributes: {exc.strerror}"
    if stat.S_ISLNK(st.st_mode):
        if root is not None:
            return (f"symlink (to {printable(os.readlink(path))}): only regular files are taken "
                    "from a directory; copy the file in instead")
        try:
            st = os.stat(path)
        except OSError:
            return f"symlink to a missing file ({printable(os.readlink(path))})"
    if stat.S_ISDIR(st.st_mode):
        return "a directory, not a file"
    if not stat.S_ISREG(st.st_mode):
        kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode) else
                "a socket" if stat.S_ISSOCK(st.st_mode) else "a device file")
        return f"{kind}, not a regular file: refused (reading it could block or never end)"
    return None


def unsettled(path: Path, now: float | None = None, seconds: float | None = None) -> bool:
    """True while the file was modified within the settle interval (still being written)."""
    seconds = settle_seconds() if seconds is None else seconds
    try:
        mtime = os.lstat(path).st_mtime
    except OSError:
        return False
    return ((now or time.time()) - mtime) < seconds


@dataclass
class LineCount:
    """Line structure of a text file, counted on its bytes (independently of any CSV parser)."""
    newline: bytes = b"\n"       # b"\n" (LF or CRLF files) or b"\r" (old Mac/CR-only exports)
    terminators: int = 0         # line ends in the file
    blank: int = 0               # empty lines (a CSV reader skips them)
    last_line_ended: bool = True
    empty: bool = True

    @property
    def physical_lines(self) -> int:
        if self.empty:
            return 0
        return self.terminators + (0 if self.last_line_ended else 1)


BLANK_LF_ANYWHERE = re.compile(rb"\n\r?\n")
BLANK_LF = re.compile(rb"\n(?=\r?\n)")      # a line end followed by another: a blank line
BLANK_CR = re.compile(rb"\r(?=\r)")


def _spanning(pattern, tail: bytes, edge: bytes) -> int:
    """Matches starting in the previous chunk's tail that need bytes of the next chunk (edge = tail
    + the next chunk's first bytes); those inside the tail were counted with their chunk."""
    return sum(1 for i in range(len(tail))
               if pattern.match(edge, i) and not pattern.match(tail, i))


class LineCounter:
    """Counts LF and CR line ends and blank lines chunk by chunk; decides CR-only at the end."""

    def __init__(self):
        self.lf = self.cr = 0
        self.blank_lf = self.blank_cr = 0
        self.tail = b""
        self.last = b""
        self.started = False

    def feed(self, chunk: bytes) -> None:
        if not chunk:
            return
        self.lf += chunk.count(b"\n")
        if self.lf == 0:   # CR line ends decide only a file with no LF at all (result())
            self.cr += chunk.count(b"\r")
        # blank lines: a line end right after another one (CRLF: "\n\r\n"); the very first line of
        # a file is the header, never blank in a file that loads. Counted inside the chunk (one
        # regex pass finds whether there are any: a national extract has none), plus those
        # spanning the boundary with the previous chunk (its last two bytes), without joining
        # the two (a 4 MB copy per chunk).
        if BLANK_LF_ANYWHERE.search(chunk):
            self.blank_lf += len(BLANK_LF.findall(chunk))
        edge = self.tail + chunk[:2]
        self.blank_lf += _spanning(BLANK_LF, self.tail, edge)
        if self.lf == 0:   # CR-only blank lines matter only in a file with no LF at all
            if b"\r\r" in chunk:
                self.blank_cr += len(BLANK_CR.findall(chunk))
            self.blank_cr += _spanning(BLANK_CR, self.tail, edge)
        self.tail = chunk[-2:] if len(chunk) >= 2 else (self.tail + chunk)[-2:]
        self.last = chunk[-1:]
        self.started = True

    def result(self) -> LineCount:
        if self.lf == 0 and self.cr > 0:
            return LineCount(b"\r", self.cr, self.blank_cr, self.last == b"\r", not self.started)
        return LineCount(b"\n", self.lf, self.blank_lf, self.last == b"\n", not self.started)


@dataclass
class EncodingEvidence:
    """What the bytes say about the text encoding; the decision and its reason go to the load log."""
    bom: str | None = None               # 'utf-8', 'utf-16-le' or 'utf-16-be'
    nul_bytes: int = 0
    first_nul_at: int | None = None
    utf8_valid: bool = True
    utf8_invalid: int = 0                # invalid UTF-8 sequences (counted once one is seen)
    utf8_first_invalid_at: int | None = None
    utf8_multibyte: int = 0              # valid non-ASCII UTF-8 characters (idem)
    cp1252_undefined: int = 0            # bytes Windows-1252 does not define (idem)
    control_bytes: int = 0               # C0 controls other than tab, CR, LF (idem)


# Windows-1252 leaves these five bytes undefined: a file that has them is not Windows-1252 text
CP1252_UNDEFINED = bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D])
CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13)) + b"\x7f"
UTF8_CHAR = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


class EvidenceCollector:
    def __init__(self):
        self.ev = EncodingEvidence()
        self.offset = 0
        self.decoder = codecs.getincrementaldecoder("utf-8")("strict")

    def feed(self, chunk: bytes) -> None:
        ev = self.ev
        if self.offset == 0:
            if chunk.startswith(codecs.BOM_UTF8):
                ev.bom = "utf-8"
            elif chunk.startswith(codecs.BOM_UTF16_LE):
                ev.bom = "utf-16-le"
            elif chunk.startswith(codecs.BOM_UTF16_BE):
                ev.bom = "utf-16-be"
        nul = chunk.count(b"\0") if b"\0" in chunk else 0
        if nul:
            if ev.first_nul_at is None:
                ev.first_nul_at = self.offset + chunk.index(b"\0")
            ev.nul_bytes += nul
        # an ASCII chunk is valid UTF-8 unless a multi-byte character from the chunk before is
        # still open (the decoder's pending bytes); most national extracts are ASCII throughout
        if ev.utf8_valid and not (chunk.isascii() and not self.decoder.getstate()[0]):
            try:
                self.decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                ev.utf8_valid = False
                ev.utf8_first_invalid_at = self.offset + exc.start
        if not ev.utf8_valid:
            # detailed counts only for files that are not clean UTF-8 (the rare case)
            text = chunk.decode("utf-8", errors="replace")
            ev.utf8_invalid += text.count("\ufffd")
            ev.utf8_multibyte += len(UTF8_CHAR.findall(chunk))
            ev.cp1252_undefined += sum(chunk.count(bytes([b])) for b in CP1252_UNDEFINED)
            ev.control_bytes += len(chunk) - len(chunk.translate(None, CONTROL_BYTES))
        self.offset += len(chunk)

    def result(self) -> EncodingEvidence:
        if self.ev.utf8_valid:
            try:
                self.decoder.decode(b"", final=True)
            except UnicodeDecodeError:   # the file ends inside a multi-byte character
                self.ev.utf8_valid = False
                self.ev.utf8_invalid += 1
                self.ev.utf8_first_invalid_at = self.offset
        return self.ev


@dataclass
class Taken:
    original: Path
    copy: Path                   # the private copy everything else reads
    sha256: str
    bytes: int
    lines: LineCount
    evidence: EncodingEvidence
    identity: tuple = ()         # (inode, size, mtime_ns) of the original when it was read


def take(path: Path, tmp_dir: Path, follow_symlink: bool = True) -> Taken:
    """Copy the file once into tmp_dir, hashing and counting on the way. Raises FileInFlight when
    the file changed while it was read (size or mtime moved, or it was replaced)."""
    flags = os.O_RDONLY | os.O_NONBLOCK | (0 if follow_symlink else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise FileRejected(f"cannot open the file: {exc.strerror}") from None
    with os.fdopen(fd, "rb", buffering=0) as src:
        before = os.fstat(src.fileno())
        if not stat.S_ISREG(before.st_mode):
            raise FileRejected("not a regular file: refused")
        tmp_dir.mkdir(parents=True, exist_ok=True)
        copy = tmp_dir / f"taken-{os.getpid()}-{time.monotonic_ns()}"
        try:
            digest, lines, evidence, size = _copy_counting(src, copy)
        except BaseException:
            copy.unlink(missing_ok=True)
            raise
        after = os.fstat(src.fileno())
    try:
        now = os.stat(path)
        replaced = (now.st_ino, now.st_dev) != (before.st_ino, before.st_dev)
    except OSError:
        replaced = True
    if (size != before.st_size or after.st_size != before.st_size
            or after.st_mtime_ns != before.st_mtime_ns or replaced):
        copy.unlink(missing_ok=True)
        raise FileInFlight(f"file changed while it was read ({before.st_size:,} bytes at the start, "
                           f"{size:,} read{', then replaced' if replaced else ''}): still being "
                           "written? left in place for the next run")
    return Taken(Path(path), copy, digest.hexdigest(), size, lines.result(), evidence.result(),
                 (before.st_ino, before.st_size, before.st_mtime_ns))


def _copy_counting(src, copy: Path):
    """Copy src to `copy` (fsync'd) while hashing it, counting its lines and gathering encoding
    evidence. The write and the sha256 each run on a thread of their own (both release the GIL),
    overlapping the counting on this one: a national file (3 GB) is taken in about the time the
    disk needs to write it, instead of the sum of the four. Chunks reach each thread in order."""
    digest, lines, evidence, size = hashlib.sha256(), LineCounter(), EvidenceCollector(), 0
    with open(copy, "wb") as dst, ThreadPoolExecutor(1) as writer, ThreadPoolExecutor(1) as hasher:
        in_flight: list = []
        while chunk := src.read(CHUNK):
            # at most one chunk in flight per thread besides this one: memory stays ~3 chunks
            for job in in_flight:
                job.result()
            in_flight = [writer.submit(dst.write, chunk), hasher.submit(digest.update, chunk)]
            lines.feed(chunk)
            evidence.feed(chunk)
            size += len(chunk)
        for job in in_flight:
            job.result()
        dst.flush()
        os.fsync(dst.fileno())
    return digest, lines, evidence, size


def expand_inputs(inputs: list[Path]) -> list[tuple[Path, Path | None]]:
    """(file, the directory it was found in or None when named itself)."""
    files = []
    for p in inputs:
        if p.is_dir() and not p.is_symlink():
            files += [(c, p) for c in sorted(p.iterdir()) if not c.name.startswith(".")
                      and not c.name.endswith(IN_PROGRESS_SUFFIXES)
                      and not (c.is_dir() and not c.is_symlink())]
        else:
            files.append((p, None))
    return files


def still_the_file_read(path: Path, taken: Taken | None) -> bool:
    """The landing path still holds the file that was read (not a newer upload under its name)."""
    if taken is None:
        return False
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return (st.st_ino, st.st_size, st.st_mtime_ns) == taken.identity


def _landing_candidates(p: Paths) -> list[Path]:
    return sorted(c for c in p.landing.iterdir()
                  if not c.name.startswith(".") and not c.name.endswith(IN_PROGRESS_SUFFIXES)
                  and not (c.is_dir() and not c.is_symlink()))


def landing_files(p: Paths, settle: float | None = None, wait: bool = True) -> list[Path]:
    """Files waiting in landing, oldest name first; hidden files, in-progress uploads (.part...) and
    directories are left alone. A file modified within the settle interval is waited for (once, up
    to the interval); one still changing after that stays for a later run (waiting_to_settle).
    wait=False: every candidate, settled or not (the landing sensor defers by itself)."""
    if not p.landing.exists():
        return []
    settle = settle_seconds() if settle is None else settle
    files = _landing_candidates(p)
    if not wait:
        return files
    young = [f for f in files if unsettled(f, seconds=settle)]
    if young:
        newest = max(os.lstat(f).st_mtime for f in young)
        time.sleep(max(0.0, min(settle, newest + settle - time.time())))
        files = [f for f in _landing_candidates(p) if not unsettled(f, seconds=settle)]
    return files


def waiting_to_settle(p: Paths, settle: float | None = None) -> list[Path]:
    """Landing files left for a later run: they changed within the settle interval."""
    if not p.landing.exists():
        return []
    return [f for f in _landing_candidates(p) if unsettled(f, seconds=settle)]
