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
    problem: str | None = None  # why an input met mid-run cannot be read (it became a pipe, ...)

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
        """A binary stream of the content, gunzipped where the name ends in .gz. An input
        with a :attr:`problem` is never opened: a pipe would block the run for ever."""
        if self.problem:
            raise InputNotFound(self.problem)
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
    named file is read whatever its ending. Globs are expanded; a folder they
    match is walked like a folder argument. ``-`` is standard input. A file name
    that is no UTF-8 gets U+FFFD for its odd bytes (:func:`readable`); the file
    is read from its real path.

    An argument that names nothing readable by the time it is reached (checked
    before the run by :func:`check_inputs`, then removed, or a pipe) is one Source
    with a :attr:`Source.problem`, which its reader turns into an error row: an
    exception here ended the run and lost the documents read so far.
    """
    for item in inputs:
        try:
            yield from _item_sources(item)
        except (OSError, ValueError) as err:  # a name too long, a folder that vanished mid-walk
            yield _unreadable(item, f"cannot read {item}: {err}")


def _unreadable(item: str, problem: str) -> Source:
    return Source(Path(item), readable(item), problem=problem)


def _item_sources(item: str) -> Iterator[Source]:
    if item == "-":
        yield Source(None, "stdin")
        return
    path = Path(item)
    if path.is_dir():
        yield from _folder_sources(path, lambda rel: rel.as_posix())
    elif path.is_file():
        yield Source(path, readable(path.name))
    else:
        matches = _matches(item)
        if not matches:
            yield _unreadable(item, _why_unreadable(item))
        # a folder is walked unless the glob matched things inside it ('corpus/**'
        # matches every file itself); a file is read whatever its ending
        inner = {parent for match in matches for parent in match.parents}
        for match in matches:
            if match.is_file():
                yield Source(match, readable(match.as_posix()))
            elif match not in inner and not _hidden(Path(match.name)):
                yield from _folder_sources(match, lambda rel, top=match: (top / rel).as_posix())


def _folder_sources(folder: Path, name) -> Iterator[Source]:
    """The files meldung reads in ``folder`` (see :func:`iter_sources`), named by
    ``name(path below the folder)``."""
    entries = list(folder.rglob("*"))
    outputs = [e.parent for e in entries if e.name == "_meldung" and e.is_dir()]
    for file in sorted(e for e in entries if e.is_file()):
        rel = file.relative_to(folder)
        if not _hidden(rel) and _known(file) and not any(o in file.parents for o in outputs):
            yield Source(file, readable(name(rel)))


def _matches(item: str) -> list[Path]:
    """The files and folders a glob matches, sorted: no pipe, no broken link."""
    matches = (Path(m) for m in sorted(glob.glob(item, recursive=True)))
    return [m for m in matches if m.is_file() or m.is_dir()]


def _why_unreadable(item: str) -> str:
    path = Path(item)
    if path.is_symlink() and not path.exists():
        return f"broken link: {item}"
    if path.exists():
        return f"not a file or folder (a pipe or a device?): {item}"
    if glob.glob(item, recursive=True):
        return f"no file or folder matches: {item}"
    return f"no such file or folder: {item}"


def _problem(item: str) -> str | None:
    """Why ``item`` names nothing meldung can read, or None: the test
    :func:`iter_sources` applies (``Path.exists`` let a pipe and a glob of only
    pipes through, and the run broke off when it reached them)."""
    if item == "-":
        return None
    try:
        if Path(item).is_dir() or Path(item).is_file() or _matches(item):
            return None
        return _why_unreadable(item)
    except (OSError, ValueError) as err:  # a name too long for the file system
        return f"cannot read {item}: {err}"


def check_inputs(inputs: Iterable[str]) -> None:
    """Raise :class:`InputNotFound` for the first argument that names nothing readable."""
    for item in inputs:
        problem = _problem(item)
        if problem:
            raise InputNotFound(problem)
