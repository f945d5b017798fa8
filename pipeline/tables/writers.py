"""Writing tables: one folder per table under the output folder, in part files.

Every part file is written under a temporary name and renamed into place, so a
part appears whole or not at all. After all tables of a part are in place, the
part's doc_ids are appended to ``OUT/_meldung/manifest.jsonl``; a resumed run
deletes parts the manifest does not list (a run killed between rename and
manifest) and skips the documents it does list. Column order and types come from
:mod:`pipeline.tables.schema`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from . import schema

FORMATS = ("parquet", "csv", "jsonl", "duckdb")
MANIFEST = "_meldung/manifest.jsonl"
#: the --format of the run, for a resumed run to check
FORMAT_FILE = "_meldung/format"
#: part files and the temporary files they are written under
_PART_FILE = re.compile(r"\.?part-[0-9a-z]+\.(parquet|csv|jsonl)(\.[0-9]+)?(\.tmp)?")
DUCKDB_FILE = "meldung.duckdb"
#: held by the run writing to the folder (a dot file: readers of the dataset skip it)
LOCK_FILE = ".meldung.lock"
#: the doc_ids of the batch a one-process run is analysing: a run that dies with it (a
#: crash in compiled code, which no ``except`` catches) leaves them for --resume to
#: analyse apart, in a process of their own
IN_FLIGHT_FILE = "_meldung/in_flight.json"
_SUFFIX = {"parquet": ".parquet", "csv": ".csv", "jsonl": ".jsonl", "duckdb": ".parquet"}


class OutputExists(FileExistsError):
    """The output folder holds a previous run and neither resume nor overwrite was asked."""


def _json_default(value):
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _stored_format(out: Path) -> str | None:
    """The format a run in ``out`` was begun in (None: not stored, or stored empty)."""
    stored = out / FORMAT_FILE
    return (stored.read_text("utf-8").strip() or None) if stored.exists() else None


def _remove_durably(path: Path) -> None:
    """Remove ``path`` and make the removal durable (its folder synced) before going on."""
    if not path.exists():
        return
    path.unlink()
    try:
        folder = os.open(path.parent, os.O_RDONLY)
    except OSError:  # (a system that cannot open folders: Windows)
        return
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def _atomic_write(path: Path, write) -> None:
    # the writer's process id in the name: two processes writing one part (a Dask worker
    # taken for dead that still runs, and the one its task went to) never share a file
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write(tmp)
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def write_table_file(path: Path, table: str, rows: list[dict], fmt: str) -> None:
    """One part file of ``table`` in ``fmt``, atomically."""
    arrow = schema.to_arrow(table, rows)
    if fmt in ("parquet", "duckdb"):
        _atomic_write(path, lambda p: pq.write_table(arrow, p, compression="zstd"))
    elif fmt == "csv":
        _atomic_write(path, lambda p: _write_csv(arrow, table, p))
    elif fmt == "jsonl":
        names = schema.column_names(table)

        def write(p: Path) -> None:
            with open(p, "w", encoding="utf-8") as out:
                for row in rows:
                    out.write(json.dumps({n: row.get(n) for n in names}, ensure_ascii=False,
                                         default=_json_default) + "\n")

        _atomic_write(path, write)
    else:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def read_part_file(path: Path, table: str) -> pa.Table:
    """One part file (Parquet, CSV or JSON Lines) as an Arrow table of the schema."""
    path = Path(path)
    if path.suffix == ".parquet":
        return pq.read_table(path, schema=schema.arrow_schema(table))
    if path.suffix == ".jsonl":
        with open(path, encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle if line.strip()]
        return schema.to_arrow(table, rows)
    if path.suffix == ".csv":
        import csv

        # a cell may be as long as a document (an id, a text): csv's 131,072 characters
        # failed the people linking at the end of a run, after every part was written
        csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))
        with open(path, encoding="utf-8", newline="") as handle:
            rows = [{k: _from_csv(table, k, v) for k, v in row.items()} for row in csv.DictReader(handle)]
        return schema.to_arrow(table, rows)
    raise ValueError(f"not a part file: {path}")


def read_part_columns(path: Path, table: str, names: list[str]) -> list[list]:
    """Some columns of one part file as lists of values; a Parquet part reads only those
    columns."""
    path = Path(path)
    if path.suffix == ".parquet":
        # ParquetFile, not read_table: read_table goes through pyarrow's dataset layer and
        # its thread pool, which kept ~20 MB more at the end of a run for a few small files
        arrow = pq.ParquetFile(path).read(columns=names, use_threads=False)
    else:
        arrow = read_part_file(path, table)
    return [arrow.column(n).to_pylist() for n in names]


def _from_csv(table: str, name: str, value: str):
    """CSV cell text back to a value ``schema.coerce`` takes: '' is null, lists are
    JSON arrays, booleans are true/false."""
    if value == "":
        return None
    kind = next((c.type for c in schema.columns(table) if c.name == name), "string")
    if kind == "list":
        return json.loads(value)
    if kind == "bool":
        return value.strip().lower() == "true"
    return value


def _write_csv(arrow: pa.Table, table: str, path: Path) -> None:
    """CSV via pyarrow; list columns become JSON arrays (CSV has no lists)."""
    import pyarrow.csv as pacsv

    for col in schema.columns(table):
        if col.type == "list":
            values = [None if v is None else json.dumps(v, ensure_ascii=False)
                      for v in arrow.column(col.name).to_pylist()]
            idx = arrow.schema.get_field_index(col.name)
            arrow = arrow.set_column(idx, col.name, pa.array(values, pa.string()))
    pacsv.write_csv(arrow, path)


def write_part_files(part_root: Path, fmt: str, part: str, tables: dict[str, list[dict]]) -> dict[str, int]:
    """Write one part file per table (empty tables too) under ``part_root``; return row
    counts. Used by the writer and, in a Dask run, by the workers themselves."""
    counts = {}
    for table in schema.TABLE_NAMES:
        rows = tables.get(table, [])
        folder = Path(part_root) / table
        folder.mkdir(parents=True, exist_ok=True)
        write_table_file(folder / f"part-{part}{_SUFFIX[fmt]}", table, rows, fmt)
        counts[table] = len(rows)
    return counts


def _manifest_entries(data: bytes) -> Iterator[dict]:
    """The entries of a manifest's complete lines (a line cut off by a kill is no entry)."""
    for line in data[:data.rfind(b"\n") + 1].decode("utf-8").split("\n"):  # not splitlines(): ids may hold U+2028
        if not line.strip():
            continue
        try:
            yield json.loads(line)
        except json.JSONDecodeError:
            continue


def committed_documents(out: str | Path) -> int:
    """How many documents the committed parts of the run in ``out`` hold (0 without a run):
    what a stopped run has kept, for its message."""
    try:
        data = (Path(out) / MANIFEST).read_bytes()
    except OSError:
        return 0
    return sum(len(entry.get("doc_ids", ())) for entry in _manifest_entries(data))


class DatasetWriter:
    """Writes the tables of one run to ``out`` in ``fmt``; see the module docstring."""

    def __init__(self, out: str | Path, fmt: str = "parquet", *, resume: bool = False,
                 overwrite: bool = False):
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        self.out = Path(out)
        self.fmt = fmt
        #: doc_ids finished before this writer opened the folder (a resumed run skips them),
        #: each with the source it was read from (None in a manifest from before sources);
        #: the parts this run commits are not added: a doc_id it meets again is a repeat
        self.done: dict[str, str | None] = {}
        #: documents by status (ok, empty, error) of the parts committed before this writer
        #: opened the folder: a resumed run that failed nowhere itself still holds them
        self.documents_before: Counter = Counter()
        self.committed_parts: set[str] = set()
        #: the documents a run before was analysing when it ended without finishing; not done
        self.suspects: frozenset[str] = frozenset()
        self.rows_written = {name: 0 for name in schema.TABLE_NAMES}
        self._next_part = 0
        self._stale_duckdb = False
        self._lock = None
        self._lock_made = False
        try:
            self._prepare(resume=resume, overwrite=overwrite)
        except BaseException:
            # a folder refused keeps nothing of this run, not even its lock file; but only
            # a run that holds the lock may remove it, and before letting it go: a run
            # refused because another holds it removed the holder's file, and a third run
            # then made a new one, took it and wrote beside the holder
            if self._lock is not None and self._lock_made:
                (self.out / LOCK_FILE).unlink(missing_ok=True)
            self.release()
            raise

    # -- setup ----------------------------------------------------------------------
    @property
    def part_root(self) -> Path:
        """Where part files go: the output folder, or a staging folder for DuckDB."""
        return self.out / "_meldung" / "parts" if self.fmt == "duckdb" else self.out

    def _lock_folder(self) -> None:
        """Hold ``OUT/.meldung.lock`` while the run writes: a second run started on the
        same folder (a --resume while the first still runs, an overlapping cron job)
        deleted the first one's unfinished parts and wrote under its part numbers. The
        system drops the lock when the process ends, kill -9 too. One lock per folder and
        process, so the same process may open a folder again (a resume in a notebook)."""
        from filelock import FileLock, Timeout

        self._lock_made = not (self.out / LOCK_FILE).exists()
        lock = FileLock((self.out / LOCK_FILE).resolve(), is_singleton=True)  # (one per file)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            raise OutputExists(f"another meldung run is writing to {self.out}; "
                               f"wait for it to end, or stop it and --resume") from None
        except (OSError, NotImplementedError):  # a file system without locks: run without
            return
        self._lock = lock

    def release(self) -> None:
        """Let other runs open the folder (:meth:`close` does; a failed run's caller should)."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def _is_ours(self) -> bool:
        """Whether the folder holds a meldung run (its ``_meldung`` folder)."""
        return (self.out / "_meldung").is_dir()

    def _part_files(self, table: str, root: Path | None = None) -> list[Path]:
        """The part files (and temporary part files) of a table: the only files of a table
        folder that meldung writes, so the only ones it ever deletes."""
        folder = (root or self.part_root) / table
        if not folder.is_dir():
            return []
        return [f for f in folder.iterdir() if f.is_file() and _PART_FILE.match(f.name)]

    def _prepare(self, *, resume: bool, overwrite: bool) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        self._lock_folder()
        existing = [p for p in self.out.iterdir() if not p.name.startswith(".")]
        if existing and not self._is_ours():
            clash = [p.name for p in existing if p.name in schema.TABLE_NAMES or p.name == DUCKDB_FILE]
            if not overwrite or resume or clash:
                raise OutputExists(
                    f"output folder {self.out} is not empty and holds no meldung run"
                    + (f" ({', '.join(sorted(clash))} would be written into)" if clash else "")
                    + "; choose a new or empty folder")
        elif existing and not resume:
            if not overwrite:
                raise OutputExists(
                    f"output folder {self.out} is not empty; use --resume to continue that run "
                    f"or --overwrite to replace it")
            self._remove_run()
        if resume and self._is_ours():
            self._check_format()
            self._load_manifest()
            self._load_in_flight()
        (self.out / "_meldung").mkdir(exist_ok=True)  # first: from now on the folder is a run's
        for table in schema.TABLE_NAMES:
            (self.part_root / table).mkdir(parents=True, exist_ok=True)
        if _stored_format(self.out) is None:
            self._store_format()
        probe = self.out / "_meldung" / ".write-test"
        probe.write_text("ok")
        probe.unlink()

    def _remove_run(self) -> None:
        """--overwrite: the previous run's part files, manifest and DuckDB file; a table
        folder that holds anything else keeps it. The manifest goes first: killed in the
        middle, the folder then holds parts no manifest names, which --resume removes (with
        the manifest last, --resume took the documents of the parts already gone for done,
        and a run of 30 documents resumed to no rows)."""
        _remove_durably(self.out / MANIFEST)
        # this run's format at once: killed below, a --resume of this command (another
        # --format than the run removed) was refused for the old run's format
        self._store_format()
        for table in schema.TABLE_NAMES:
            # the table folders, whatever this run's format: the run before may have had
            # another (DuckDB's staged parts go with _meldung below)
            for file in self._part_files(table, self.out):
                file.unlink()
            if (self.out / table).is_dir() and not any((self.out / table).iterdir()):
                (self.out / table).rmdir()
        (self.out / DUCKDB_FILE).unlink(missing_ok=True)
        shutil.rmtree(self.out / "_meldung")

    def _store_format(self) -> None:
        """Record this run's --format for a resume to check (atomically: an empty file left
        by a kill refused every resume)."""
        _atomic_write(self.out / FORMAT_FILE, lambda p: p.write_text(self.fmt + "\n", encoding="utf-8"))

    def _check_format(self) -> None:
        """A resumed run writes the format the run began with (a CSV run resumed in
        Parquet would mix formats in one dataset)."""
        before = _stored_format(self.out)
        if before is None:  # a run from before the format was stored: its part files say it
            suffixes = {f.suffix for t in schema.TABLE_NAMES for f in self._part_files(t) if f.name.startswith("part-")}
            before = {".csv": "csv", ".jsonl": "jsonl"}.get(next(iter(suffixes), ""), self.fmt)
        if before != self.fmt:
            raise OutputExists(f"output folder {self.out} holds a run in --format {before}; "
                               f"resume it with --format {before}")

    def _load_manifest(self) -> None:
        manifest = self.out / MANIFEST
        parts: set[str] = set()
        if manifest.exists():
            data = manifest.read_bytes()
            if data and not data.endswith(b"\n"):
                # a line cut off by a kill: its part is not committed; cut it away so that
                # the next commit starts a line of its own
                data = data[:data.rfind(b"\n") + 1]
                with open(manifest, "r+b") as handle:
                    handle.truncate(len(data))
            for entry in _manifest_entries(data):
                parts.add(entry["part"])
                self.committed_parts.add(entry["part"])
                sources = entry.get("sources") or [None] * len(entry["doc_ids"])
                self.done.update(zip(entry["doc_ids"], sources))
                self.documents_before.update(entry.get("status", {}))
                for table, n in entry.get("rows", {}).items():
                    self.rows_written[table] = self.rows_written.get(table, 0) + n
        for table in schema.TABLE_NAMES:
            for file in self._part_files(table):
                if file.name.startswith(".") or file.name.split(".")[0].removeprefix("part-") not in parts:
                    file.unlink()  # uncommitted part or temporary file of a killed run
        self._next_part = max((int(p) for p in parts if p.isdigit()), default=-1) + 1
        # the DuckDB file of the run so far stays until this run commits a part (a resume
        # refused or failing before that, a wrong --model say, lost it)
        self._stale_duckdb = True

    def _load_in_flight(self) -> None:
        try:
            ids = json.loads((self.out / IN_FLIGHT_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):  # none, or cut off by a kill while it was written
            return
        if isinstance(ids, list):
            self.suspects = frozenset(i for i in ids if isinstance(i, str) and i not in self.done)

    # -- writing --------------------------------------------------------------------
    def mark_in_flight(self, doc_ids: list[str]) -> None:
        """Record the documents that go into the pipeline now (see :data:`IN_FLIGHT_FILE`).
        Not synced to disk: what a crashed process wrote is in the system's cache."""
        (self.out / IN_FLIGHT_FILE).write_text(json.dumps(doc_ids), encoding="utf-8")

    def write_part(self, tables: dict[str, list[dict]], doc_ids: Iterable[str],
                   extra: dict | None = None) -> None:
        """Write one part (all tables, empty ones too) and commit it in the manifest
        (with ``extra``, see :meth:`commit`)."""
        part = f"{self._next_part:05d}"
        self._next_part += 1
        counts = write_part_files(self.part_root, self.fmt, part, tables)
        self.commit(part, doc_ids, counts, extra)

    def discard_part(self, part: str) -> int:
        """Remove what a task that never finished wrote of ``part`` (a Dask worker that died
        between two tables); returns how many files. Without this, the tables of a run with
        a failed partition held some of its rows beside its errors row."""
        removed = 0
        for table in schema.TABLE_NAMES:
            for file in self._part_files(table):
                if file.name.lstrip(".").split(".")[0] == f"part-{part}":
                    file.unlink()
                    removed += 1
        return removed

    def commit(self, part: str, doc_ids: Iterable[str], counts: dict[str, int],
               extra: dict | None = None) -> None:
        """Record a written part in the manifest: from now on it belongs to the run.
        ``extra`` may say where each document came from (``sources``, in the order of
        ``doc_ids``) and how many documents each status has (``status``): a resumed run
        reads both back (:attr:`done`, :attr:`documents_before`)."""
        doc_ids = list(doc_ids)
        if self._stale_duckdb:  # it no longer holds every committed part
            (self.out / DUCKDB_FILE).unlink(missing_ok=True)
            self._stale_duckdb = False
        entry = {"part": part, "doc_ids": doc_ids, "rows": counts, **(extra or {})}
        with open(self.out / MANIFEST, "a", encoding="utf-8") as manifest:
            manifest.write(json.dumps(entry, ensure_ascii=False) + "\n")
            manifest.flush()
            os.fsync(manifest.fileno())
        self.committed_parts.add(part)
        for table, n in counts.items():
            self.rows_written[table] += n

    def close(self) -> None:
        """Finish the run: make sure every table exists; build the DuckDB file."""
        for table in schema.TABLE_NAMES:
            folder = self.part_root / table
            if not any(p.suffix == _SUFFIX[self.fmt] for p in folder.iterdir()):
                write_table_file(folder / f"part-{self._next_part:05d}{_SUFFIX[self.fmt]}",
                                 table, [], self.fmt)
        if self.fmt == "duckdb":
            self._build_duckdb()
        (self.out / IN_FLIGHT_FILE).unlink(missing_ok=True)
        self.release()

    def _build_duckdb(self) -> None:
        import duckdb

        target = self.out / DUCKDB_FILE
        tmp = self.out / f".{DUCKDB_FILE}.tmp"
        tmp.unlink(missing_ok=True)
        con = duckdb.connect(str(tmp))
        try:
            for table in schema.TABLE_NAMES:
                cols = ", ".join(f'"{c.name}" {c.duckdb_type}' for c in schema.columns(table))
                con.execute(f'CREATE TABLE "{table}" ({cols})')
                files = sorted((self.part_root / table).glob("part-*.parquet"))
                if files:
                    names = ", ".join(f'"{c}"' for c in schema.column_names(table))
                    file_list = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
                    con.execute(f'INSERT INTO "{table}" SELECT {names} FROM read_parquet([{file_list}])')
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, target)
