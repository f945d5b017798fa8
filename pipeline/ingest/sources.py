"""Finding the inputs: files, folders (recursive), globs, .gz, and ``-`` for stdin."""

from __future__ import annotations

import glob
import gzip
import io
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .report import readable

#: File name endings meldung reads when it walks a folder (a ``.gz`` may follow).
KNOWN_SUFFIXES = (".txt", ".jsonl", ".ndjson", ".json", ".csv", ".tsv", ".xml", ".nitf", ".html", ".htm")
#: Default cap on the bytes read from one input file (decompressed).
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


class InputNotFound(FileNotFoundError):
    """An input argument names nothing that exists."""


class TooLarge(ValueError):
    """An input is larger than the byte limit."""


@dataclass(frozen=True)
class Source:
    """One input file (or stdin): where it is and how it is named in the tables."""

    path: Path | None  # None for stdin
    name: str  # path below the input folder, posix style; the doc_id of one-report files
    lines: tuple[int, int] | None = None  # JSON Lines only: read lines first..last (1-based)

    @property
    def suffix(self) -> str:
        """The format ending, without a trailing ``.gz``: ``.txt``, ``.jsonl``, ..."""
        name = self.name[:-3] if self.name.endswith(".gz") else self.name
        return Path(name).suffix.lower()

    def read_bytes(self, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
        """The decompressed content; :class:`TooLarge` past ``max_bytes``."""
        with self.open() as handle:
            data = handle.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise TooLarge(f"input larger than {max_bytes:,} bytes; raise --max-bytes to read it")
        return data

    def open(self) -> io.BufferedIOBase:
        """A binary stream of the content, gunzipped where the name ends in .gz."""
        raw = sys.stdin.buffer if self.path is None else open(self.path, "rb")
        if self.name.endswith(".gz"):
            return gzip.GzipFile(fileobj=raw, mode="rb")
        return raw


def _hidden(rel: Path) -> bool:
    return any(part.startswith((".", "_")) for part in rel.parts)


def _known(path: Path) -> bool:
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return name.endswith(KNOWN_SUFFIXES)


def iter_sources(inputs: Iterable[str]) -> Iterator[Source]:
    """Every input file in a stable order.

    A folder is walked recursively; files with a known ending are read, and
    folders or files whose name starts with ``_`` or ``.`` are skipped (gold
    data, hidden files), and so are meldung's own output folders (they hold a
    ``_meldung`` folder): an output inside the input is never read as input. A
    named file is read whatever its ending. Globs are expanded. ``-`` is
    standard input. A file name that is no UTF-8 gets U+FFFD for its odd bytes
    (:func:`readable`); the file is read from its real path.
    """
    for item in inputs:
        if item == "-":
            yield Source(None, "stdin")
            continue
        path = Path(item)
        if path.is_dir():
            entries = list(path.rglob("*"))
            outputs = [e.parent for e in entries if e.name == "_meldung" and e.is_dir()]
            for file in sorted(e for e in entries if e.is_file()):
                rel = file.relative_to(path)
                if not _hidden(rel) and _known(file) and not any(o in file.parents for o in outputs):
                    yield Source(file, readable(rel.as_posix()))
        elif path.is_file():
            yield Source(path, readable(path.name))
        else:
            matches = sorted(glob.glob(item, recursive=True))
            files = [Path(m) for m in matches if Path(m).is_file()]
            if not files:
                raise InputNotFound(f"no such file or folder: {item}")
            for file in files:
                yield Source(file, readable(file.as_posix()))


def check_inputs(inputs: Iterable[str]) -> None:
    """Raise :class:`InputNotFound` for the first argument that names nothing."""
    for item in inputs:
        if item == "-" or Path(item).exists() or glob.glob(item, recursive=True):
            continue
        raise InputNotFound(f"no such file or folder: {item}")
