"""Every table meldung writes: its columns, their types and meanings, named once.

The writers (Parquet, CSV, JSON Lines, DuckDB) and the Python API derive their
Arrow schemas, column orders and pandas dtypes from :data:`TABLES`; nothing else
in the package spells a column list. Column names are a contract (DESIGN.md):
other tools and notebooks rely on them. Extra columns go after the contract's.

Types: ``string`` (nullable text), ``int`` (Int64), ``float`` (Float64), ``bool``
(boolean), ``date`` (a calendar date), ``list`` (a list of strings).
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping

import pandas as pd
import pyarrow as pa

_ARROW = {
    "string": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "date": pa.date32(),
    "list": pa.list_(pa.string()),
}
_PANDAS = {
    "string": pd.StringDtype(),
    "int": pd.Int64Dtype(),
    "float": pd.Float64Dtype(),
    "bool": pd.BooleanDtype(),
    "date": pd.ArrowDtype(pa.date32()),
    "list": pd.ArrowDtype(pa.list_(pa.string())),
}
_DUCKDB = {
    "string": "VARCHAR",
    "int": "BIGINT",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
    "date": "DATE",
    "list": "VARCHAR[]",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    doc: str

    @property
    def arrow_type(self) -> pa.DataType:
        return _ARROW[self.type]

    @property
    def pandas_dtype(self):
        return _PANDAS[self.type]

    @property
    def duckdb_type(self) -> str:
        return _DUCKDB[self.type]


def _cols(*specs: tuple[str, str, str]) -> tuple[Column, ...]:
    return tuple(Column(*spec) for spec in specs)


DOC_ID = ("doc_id", "string", "document id: the input's id field, else its path below the input folder")
SENT = ("sent", "int", "sentence index within the document, from 0")
START = ("start", "int", "character offset into documents.text where the span starts")
END = ("end", "int", "character offset into documents.text where the span ends (exclusive)")
TEXT = ("text", "string", "the span's text, exactly documents.text[start:end]")

TABLES: dict[str, tuple[Column, ...]] = {
    "documents": _cols(
        DOC_ID,
        ("source", "string", "input file (and line or row for JSON Lines/CSV) the document came from"),
        ("agency", "string", "news agency, lower case (dpa, afp, reuters, ...)"),
        ("author", "string", "author: initials from the signature (afp/so -> so) or the byline"),
        ("headline", "string", "headline"),
        ("dateline_place", "string", "place(s) of the dateline as written (Moskau/Ankara)"),
        ("published", "date", "publication date (metadata, dateline, or --date)"),
        ("text", "string", "decoded document text; every offset in every table indexes into it"),
        ("n_chars", "int", "length of text in characters"),
        ("n_tokens", "int", "number of spaCy tokens"),
        ("status", "string", "ok, empty or error"),
        ("error", "string", "why the document failed, or null"),
        ("format", "string", "input format: txt, jsonl, csv, nitf, newsml, html"),
        ("url", "string", "the report's URL where the input gives one"),
        ("subheadings", "list", "subheadings (Zwischenzeilen) as written"),
    ),
    "mentions": _cols(
        DOC_ID, SENT, START, END, TEXT,
        ("label", "string", "PER, LOC, ORG or MISC"),
        ("entity", "int", "entity id within the document (joins people/places/organisations)"),
        ("canonical", "string", "the entity's canonical name"),
    ),
    "people": _cols(
        DOC_ID,
        ("entity", "int", "entity id within the document"),
        ("canonical", "string", "full name in its base form (Recep Tayyip Erdogan)"),
        ("person_id", "string", "id of the person, stable across the documents of a run"),
        ("roles", "list", "roles and titles as written (Kreml-Sprecher, türkische Präsident)"),
        ("n_mentions", "int", "number of mentions in the document"),
        ("start", "int", "offset of the first mention"),
    ),
    "places": _cols(
        DOC_ID,
        ("entity", "int", "entity id within the document"),
        ("canonical", "string", "German standard name (Moskau, Türkei)"),
        ("country", "string", "ISO 3166-1 alpha-2 code"),
        ("kind", "string", "country, city, region or other"),
        ("lat", "float", "latitude"),
        ("lon", "float", "longitude"),
        ("n_mentions", "int", "number of mentions (demonyms and the dateline included)"),
        ("start", "int", "offset of the first mention"),
    ),
    "organisations": _cols(
        DOC_ID,
        ("entity", "int", "entity id within the document"),
        ("canonical", "string", "canonical name (Europäische Union)"),
        ("n_mentions", "int", "number of mentions"),
        ("start", "int", "offset of the first mention"),
    ),
    "numbers": _cols(
        DOC_ID, SENT, START, END, TEXT,
        ("value", "float", "numeric value (36.000 -> 36000.0)"),
        ("approx", "string", "qualifier: knapp, rund, etwa, mehr als, mindestens, bis zu, ..."),
        ("unit", "string", "unit: Prozent, Euro, Dollar, km, ..."),
        ("what", "string", "the counted noun (Soldaten)"),
        ("value_max", "float", "upper bound of a range (zwischen 10 und 20 -> 20.0), else null"),
    ),
    "dates": _cols(
        DOC_ID, SENT, START, END, TEXT,
        ("value", "string", "ISO 8601 / TIMEX3 value (2020-03-05, 2019-12, 2020-W10, P3D)"),
        ("kind", "string", "date, time, duration or set"),
        ("anchor", "date", "the date relative expressions were resolved against"),
        ("mod", "string", "TIMEX3 modifier: START (Anfang), END (Ende), MID (Mitte), APPROX, ..."),
    ),
    "quotes": _cols(
        DOC_ID, SENT, START, END, TEXT,
        ("kind", "string", "direct, indirect or mixed; reported: speech without a content clause"),
        ("speaker", "string", "canonical name of the speaker"),
        ("speaker_entity", "int", "entity id of the speaker in people/organisations"),
        ("speaker_text", "string", "the speaker as written"),
        ("speaker_start", "int", "offset of speaker_text"),
        ("speaker_end", "int", "end offset of speaker_text"),
        ("cue", "string", "reporting verb or phrase (sagte, nach Angaben)"),
        ("cue_start", "int", "offset of the cue"),
        ("cue_end", "int", "end offset of the cue"),
    ),
    "events": _cols(
        DOC_ID, SENT, START, END,
        ("type", "string", "event type from the taxonomy (meet, visit, attack, kill, ...)"),
        ("trigger", "string", "the word(s) that signal the event"),
        ("actor", "string", "who acts (canonical where an entity)"),
        ("target", "string", "who or what is acted upon"),
        ("place", "string", "where"),
        ("date", "string", "when (ISO 8601 value)"),
        ("quantity", "float", "how many"),
        ("quantity_what", "string", "of what"),
        ("negated", "bool", "the text says it did not happen"),
        ("modality", "string", "asserted, planned (wollen, sollen, future), reported, or negated"),
        ("quote_start", "int", "for a statement event: start offset of its row in quotes"),
    ),
    "errors": _cols(
        DOC_ID,
        ("source", "string", "input file the problem came from"),
        ("stage", "string", "where it happened: read, decode, parse, nlp, rows, write"),
        ("message", "string", "what went wrong"),
    ),
}

TABLE_NAMES: tuple[str, ...] = tuple(TABLES)


def columns(table: str) -> tuple[Column, ...]:
    """The columns of ``table`` in order; KeyError names the known tables."""
    try:
        return TABLES[table]
    except KeyError:
        raise KeyError(f"unknown table {table!r}; known: {', '.join(TABLE_NAMES)}") from None


def column_names(table: str) -> list[str]:
    return [c.name for c in columns(table)]


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([pa.field(c.name, c.arrow_type, nullable=True) for c in columns(table)])


class RowError(ValueError):
    """A row value that does not fit its column's type."""


#: The Python type a value of each column type has once coerced; a value of exactly that
#: type is returned as it is (most are: the rows are checked once in ``pipeline.run`` and
#: again by the writers, about a million values per 1,000 reports).
_PYTHON = {"string": str, "int": int, "float": float, "bool": bool, "date": date}
#: The types a value of each column type keeps as it is when checked: null and the Python
#: type; for a list column only null (a list is always coerced: its items may need turning
#: into strings). What :func:`check_rows` and :func:`to_arrow` leave alone.
_KEPT = {name: frozenset({python, type(None)}) for name, python in _PYTHON.items()}
_KEPT_NULL_ONLY = frozenset({type(None)})


def coerce(column: Column, value):
    """``value`` as the column's Python type: ISO strings to dates, ints to floats,
    an empty string to null; RowError if it cannot be."""
    if value is None or type(value) is _PYTHON.get(column.type):
        return value
    if isinstance(value, str) and value == "" and column.type != "string":
        return None
    try:
        if column.type == "date":
            return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        if column.type == "int":
            return int(value)
        if column.type == "float":
            return float(value)
        if column.type == "bool":
            return bool(value)
        if column.type == "list":
            return [str(v) for v in value]
        return str(value)
    except (TypeError, ValueError) as err:
        raise RowError(f"column {column.name!r} ({column.type}) cannot hold {value!r}: {err}") from None


def _column_values(column: Column, rows: list[Mapping]) -> list:
    """The column's value in each row, coerced. One pass over the values' types first: in
    most columns every value has its type already (the rows of a run were checked by
    :func:`check_rows`) and none needs a :func:`coerce` call."""
    try:  # (a look-up per row in C: the rows of a run have every column, see check_rows)
        values = list(map(operator.itemgetter(column.name), rows))
    except KeyError:  # a row without the column: null there
        values = [row.get(column.name) for row in rows]
    if not _typed(column, values):
        values = [coerce(column, value) for value in values]
    return values


def _typed(column: Column, values: list) -> bool:
    """Whether every value is of a type the column keeps as it is (:data:`_KEPT`)."""
    return set(map(type, values)) <= _KEPT.get(column.type, _KEPT_NULL_ONLY)


def check_rows(table: str, rows: list[dict]) -> list[dict]:
    """Each row of ``table`` with every column (missing ones null) and each value as its
    column's Python type (:func:`coerce`), in place; RowError for a value that cannot be.
    Only a value of another type goes through :func:`coerce` (the rows of a Doc are
    few per table, and most values have their type already)."""
    checks = _checks(table)
    for row in rows:
        for name, fits, column in checks:
            value = row.get(name)
            if type(value) not in fits:
                row[name] = coerce(column, value)
            elif value is None:
                row[name] = None  # the column is there, if empty
    return rows


@functools.cache
def _checks(table: str) -> tuple[tuple[str, frozenset, Column], ...]:
    """(name, the types a value keeps as it is (:data:`_KEPT`), column) of each column of
    ``table``."""
    return tuple((c.name, _KEPT.get(c.type, _KEPT_NULL_ONLY), c) for c in columns(table))


def to_arrow(table: str, rows: Iterable[Mapping]) -> pa.Table:
    """Rows (dicts keyed by column name; missing keys are null) as an Arrow table."""
    rows = rows if isinstance(rows, list) else list(rows)
    data = {c.name: _column_values(c, rows) for c in columns(table)}
    return pa.table(data, schema=arrow_schema(table))


def to_pandas(table: str, arrow: pa.Table) -> pd.DataFrame:
    """An Arrow table as a DataFrame with meldung's nullable dtypes."""
    frame = arrow.to_pandas(types_mapper=None, date_as_object=True)
    for col in columns(table):
        if col.name in frame.columns:
            if col.type in ("date", "list"):
                frame[col.name] = pd.Series(
                    pd.array(arrow.column(col.name).combine_chunks(), dtype=col.pandas_dtype),
                    index=frame.index,
                )
            else:
                frame[col.name] = frame[col.name].astype(col.pandas_dtype)
    return frame


def empty_frame(table: str) -> pd.DataFrame:
    return to_pandas(table, arrow_schema(table).empty_table())
