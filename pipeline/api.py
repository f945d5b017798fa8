"""The Python API: analyse texts or files into DataFrames, or read a written run.

>>> import pipeline
>>> tables = pipeline.analyze(["Berlin (dpa) - Olaf Scholz reist am Freitag nach Paris."],
...                           published="2023-05-23", model="blank")
>>> tables.documents["status"].tolist()
['ok']
>>> sorted(tables.names) == sorted(pipeline.TABLE_NAMES)
True
"""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator

import pandas as pd
import pyarrow as pa
from spacy.language import Language

from .ingest import ReadOptions, Report, iter_reports
from .ingest.assemble import from_plain_text, parse_published
from .ingest.readers import _finish as finish_report  # (the readers' own last checks)
from .ingest.report import encodable
from .nlp import load
from .run import RunSummary, analyse, checked_rows, unique_reports
from .tables import schema
from .tables.writers import DUCKDB_FILE, read_part_file


class Tables:
    """One pandas DataFrame per table (``tables.quotes``, ``tables["quotes"]``),
    with the column names and nullable dtypes of :mod:`pipeline.tables.schema`."""

    def __init__(self, frames: dict[str, pd.DataFrame]):
        self._frames = {name: frames.get(name, schema.empty_frame(name)) for name in schema.TABLE_NAMES}

    @property
    def names(self) -> list[str]:
        return list(self._frames)

    def __getitem__(self, name: str) -> pd.DataFrame:
        schema.columns(name)  # a clear KeyError for unknown names
        return self._frames[name]

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name.startswith("_") or name not in schema.TABLES:
            raise AttributeError(name)
        return self._frames[name]

    def __repr__(self) -> str:
        sizes = ", ".join(f"{n}={len(f)}" for n, f in self._frames.items())
        return f"Tables({sizes})"


def _reports(items: Iterable[str | Path], published: date | None,
             options: ReadOptions) -> Iterator[Report]:
    """Reports from a mix of texts and paths: an existing path is read as input,
    anything else is taken as the text of one report (agency layout allowed)."""
    for n, item in enumerate(items):
        if isinstance(item, Path) or (isinstance(item, str) and _names_a_file(item)):
            reports = iter_reports([str(item)], options)
        else:
            reports = [_text_report(f"text-{n}", item, options)]
        for report in reports:
            if report.published is None:
                report.published = published
            yield report


def _names_a_file(item: str) -> bool:
    """Whether a string is a path that exists (else it is a report's text). A one-line
    text of over 255 characters made ``Path.exists`` raise "File name too long"."""
    if "\n" in item or len(item) >= 4096:
        return False
    try:
        return Path(item).exists()
    except (OSError, ValueError):  # too long a name, a NUL byte
        return False


def _text_report(doc_id: str, text: str, options: ReadOptions) -> Report:
    """A report of a text given as a string, checked as a file's would be: a lone
    surrogate (no table can store it: the whole ``analyze`` call failed, the good
    documents with it), no text, more than ``options.max_chars``."""
    if not encodable(text):
        return Report.failed(doc_id, "<text>", "read", "the text holds a lone surrogate (broken UTF-16)")
    if not text.strip():
        return Report.failed(doc_id, "<text>", "read", "document has no text", status="empty")
    report = from_plain_text(Report(doc_id=doc_id, source="<text>", text=unicodedata.normalize("NFC", text)),
                             find_headline=True)
    return finish_report(report, options)


def iter_rows(items: Iterable[str | Path], *, published: str | date | None = None,
              nlp: Language | None = None, model: str | None = None,
              options: ReadOptions | None = None) -> Iterator[dict[str, list[dict]]]:
    """Rows of every table, one document at a time: for inputs too large to hold.

    Yields ``{table name: [row dict, ...]}`` per document, in input order.
    """
    nlp = nlp or load(model)
    anchor = parse_published(published)
    # repeated ids get a suffix ("x", "x#2") as in ``meldung run``: the tables join on
    # doc_id, and the analysis matches each Doc to its report by it (two reports "x" in
    # two files were both given the second one's Doc)
    reports = unique_reports(_reports(items, anchor, options or ReadOptions()), set(), RunSummary(), None)
    for report, doc in analyse(nlp, reports):
        yield checked_rows(report, doc)


def analyze(items: Iterable[str | Path] | str, *, published: str | date | None = None,
            nlp: Language | None = None, model: str | None = None,
            options: ReadOptions | None = None) -> Tables:
    """Analyse texts and/or files and return every table as a DataFrame.

    ``items``: report texts, file or folder paths (any format ``meldung run``
    reads), or one string. ``published``: the publication date for inputs
    without one (relative dates resolve against it). ``model``: a spaCy model
    name or folder (default: the bundled model); or pass a loaded ``nlp``.
    """
    if isinstance(items, (str, Path)):
        items = [items]
    rows: dict[str, list[dict]] = {name: [] for name in schema.TABLE_NAMES}
    for doc_tables in iter_rows(items, published=published, nlp=nlp, model=model, options=options):
        for table, table_rows in doc_tables.items():
            rows[table].extend(table_rows)
    return Tables({name: schema.to_pandas(name, schema.to_arrow(name, r)) for name, r in rows.items()})


def _read_folder(folder: Path, table: str) -> pa.Table:
    parts = [read_part_file(p, table) for p in sorted(folder.iterdir()) if p.name.startswith("part-")]
    return pa.concat_tables(parts) if parts else schema.arrow_schema(table).empty_table()


def read(out_dir: str | Path) -> Tables:
    """The tables of a written run (``meldung run ... --out out_dir``), any format."""
    out = Path(out_dir)
    if (out / DUCKDB_FILE).exists():
        import duckdb

        con = duckdb.connect(str(out / DUCKDB_FILE), read_only=True)
        try:
            return Tables({name: schema.to_pandas(name, con.sql(f'SELECT * FROM "{name}"').to_arrow_table()
                                                  .cast(schema.arrow_schema(name)))
                           for name in schema.TABLE_NAMES})
        finally:
            con.close()
    if not (out / "documents").is_dir():
        raise FileNotFoundError(f"{out} holds no meldung tables (no documents/ folder)")
    return Tables({name: schema.to_pandas(name, _read_folder(out / name, name))
                   for name in schema.TABLE_NAMES if (out / name).is_dir()})
