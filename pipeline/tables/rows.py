"""Doc -> rows: one function per table, each returning plain dicts keyed by column.

Components put their findings on the Doc (``doc.ents``, ``doc.spans[<table>]`` with
one ``Span._.<singular>_<column>`` extension per extra column, e.g.
``span._.number_value``, ``span._.quote_speaker``); these functions only read them.
The prefix is needed because spaCy keys span extension values by character offsets
alone: a number span and a date span on "35 Stunden" would share one ``value``.
Every offset is a character offset into the document text.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from datetime import date
from typing import Iterable

from spacy.tokens import Doc, Span

from ..components._tokens import extension_values, sentence_bounds
from ..ingest.report import Report
from . import schema

#: Columns every span row starts with; the rest come from ``Span._`` extensions.
SPAN_BASE = ("doc_id", "sent", "start", "end", "text")
ENTITY_TABLES = {"PER": "people", "LOC": "places", "ORG": "organisations"}
#: Prefix of the Span extensions of each span table.
SPAN_PREFIX = {"numbers": "number", "dates": "date", "quotes": "quote", "events": "event"}


def documents_row(report: Report, doc: Doc | None) -> dict:
    return {
        "doc_id": report.doc_id,
        "source": report.source,
        "agency": report.agency,
        "author": report.author,
        "headline": report.headline,
        "dateline_place": report.dateline_place,
        "published": report.published,
        "text": report.text,
        "n_chars": len(report.text),
        "n_tokens": len(doc) if doc is not None else None,
        "status": report.status,
        "error": report.error,
        "format": report.format,
        "url": report.url,
        "subheadings": report.subheadings,
    }


def error_rows(report: Report, doc: Doc | None = None) -> list[dict]:
    rows = []
    if report.status != "ok" and report.error:
        rows.append({"doc_id": report.doc_id, "source": report.source,
                     "stage": report.stage or "read", "message": report.error})
    if doc is not None and doc._.meldung_errors:
        for stage, message in doc._.meldung_errors:
            rows.append({"doc_id": report.doc_id, "source": report.source,
                         "stage": stage, "message": message})
    return rows


class SentenceIndex:
    """Sentence number of a token, in O(log n), for docs with or without sentences."""

    def __init__(self, doc: Doc):
        # sentence_bounds reads SENT_START as one array: doc.sents built a Token per token
        self.starts = [start for start, _ in sentence_bounds(doc)] if doc.has_annotation("SENT_START") else [0]

    def __call__(self, token_i: int) -> int:
        return max(bisect_right(self.starts, token_i) - 1, 0)


def mention_spans(doc: Doc) -> list[Span]:
    """The entity mentions: ``doc.spans["mentions"]`` when a resolver wrote it (it may
    add mentions the NER does not have: demonyms, the dateline place), else ``doc.ents``."""
    return list(doc.spans["mentions"]) if "mentions" in doc.spans else list(doc.ents)


def mentions_rows(doc: Doc, sents: SentenceIndex | None = None, text: str | None = None) -> list[dict]:
    """One row per mention; ``entity``/``canonical`` from the Span extensions
    ``mention_entity``/``mention_canonical`` where a resolver set them. ``text``: the
    text the offsets index, for the text column (default: the Doc's own)."""
    sents = sents or SentenceIndex(doc)
    # (None where no resolver registered them)
    values = extension_values(doc, ["mention_entity", "mention_canonical"], optional=True)
    ids: dict[str, int] = {}
    rows = []
    doc_id = doc._.doc_id
    for span in mention_spans(doc):
        start, end, label = span.start_char, span.end_char, span.label_
        entity, canonical = values(span)
        canonical = canonical or span.text  # (most mentions have one)
        if entity is None:  # no resolver: mentions of one label and name are one entity
            entity = ids.setdefault(f"{label}:{canonical}", len(ids))
        rows.append({
            "doc_id": doc_id, "sent": sents(span.start), "start": start, "end": end,
            "text": span.text if text is None else text[start:end], "label": label,
            "entity": entity, "canonical": canonical,
        })
    return rows


def person_id(canonical: str) -> str:
    """A person id that is the same for the same canonical name in every run."""
    return "P" + hashlib.sha1(canonical.casefold().encode("utf-8")).hexdigest()[:12]


def resolved_entity_rows(doc: Doc) -> dict[str, list[dict]] | None:
    """People, places and organisations rows from a resolver's ``doc._.entities``
    (a list of plain dicts: entity, label, canonical, n_mentions, start, and per
    label roles / country, kind, lat, lon), or None when no resolver ran."""
    records = doc._.entities if Doc.has_extension("entities") else None
    if records is None:
        return None
    out: dict[str, list[dict]] = {t: [] for t in ENTITY_TABLES.values()}
    doc_id = doc._.doc_id  # (each doc._ is a new object)
    for record in records:
        table = ENTITY_TABLES.get(record.get("label"))
        if table is None:
            continue
        row = {name: record.get(name) for name in schema.column_names(table)}
        row["doc_id"] = doc_id
        if table == "people":
            row["person_id"] = record.get("person_id") or person_id(record["canonical"])
            row["roles"] = list(record.get("roles") or [])
        out[table].append(row)
    return out


def entity_rows(mentions: list[dict]) -> dict[str, list[dict]]:
    """Aggregate mention rows into people, places and organisations rows (when no
    resolver ran: mentions with the same text are one entity)."""
    grouped: dict[tuple[str, int], list[dict]] = {}
    for m in mentions:
        grouped.setdefault((m["label"], m["entity"]), []).append(m)
    out: dict[str, list[dict]] = {t: [] for t in ENTITY_TABLES.values()}
    for (label, entity), group in grouped.items():
        table = ENTITY_TABLES.get(label)
        if table is None:
            continue
        first = min(group, key=lambda m: m["start"])
        canonical = max((m["canonical"] for m in group), key=len)
        row = {"doc_id": first["doc_id"], "entity": entity, "canonical": canonical,
               "n_mentions": len(group), "start": first["start"]}
        if table == "people":
            row.update(person_id=person_id(canonical), roles=[])
        out[table].append(row)
    return out


def span_rows(doc: Doc, table: str, sents: SentenceIndex | None = None,
              text: str | None = None) -> list[dict]:
    """Rows of a span table (numbers, dates, quotes, events) from ``doc.spans[table]``;
    ``text``: the text the offsets index, for the text column (default: the Doc's own)."""
    if table not in doc.spans:
        return []
    sents = sents or SentenceIndex(doc)
    extra = [c.name for c in schema.columns(table) if c.name not in SPAN_BASE]
    # (None for a column whose component is not loaded)
    values = extension_values(doc, [f"{SPAN_PREFIX[table]}_{name}" for name in extra], optional=True)
    doc_id = doc._.doc_id
    rows = []
    for span in doc.spans[table]:
        start, end = span.start_char, span.end_char
        row = {"doc_id": doc_id, "sent": sents(span.start), "start": start, "end": end,
               "text": span.text if text is None else text[start:end]}
        row.update(zip(extra, values(span)))
        rows.append(row)
    return rows


def doc_rows(report: Report, doc: Doc | None) -> dict[str, list[dict]]:
    """Every table's rows for one document (failed documents: documents and errors only)."""
    tables: dict[str, list[dict]] = {name: [] for name in schema.TABLE_NAMES}
    tables["documents"].append(documents_row(report, doc))
    tables["errors"].extend(error_rows(report, doc))
    if doc is None:
        return tables
    sents = SentenceIndex(doc)
    # the text columns as written (see as_written), cut from the report's text: span.text
    # would read the unwrapped lines and make a Token per word
    tables["mentions"] = mentions_rows(doc, sents, report.text)
    tables.update(resolved_entity_rows(doc) or entity_rows(tables["mentions"]))
    for table in ("numbers", "dates", "quotes", "events"):
        tables[table] = span_rows(doc, table, sents, report.text)
    as_written(tables, report.text)
    return tables


#: (table, text column, start column, end column) of text taken from the document
#: text columns besides each row's own ``text`` (which :func:`mentions_rows` and
#: :func:`span_rows` already cut from the document's text), with their offset columns
_OTHER_TEXT_COLUMNS = [("quotes", "speaker_text", "speaker_start", "speaker_end")]


def as_written(tables: dict[str, list[dict]], text: str) -> None:
    """The other text columns as the document has them: the model may have read wrapped
    lines with a space for each line break (``pipeline.run.unwrap_lines``); the offsets
    are the same."""
    for table, column, start, end in _OTHER_TEXT_COLUMNS:
        for row in tables[table]:
            if row.get(column) is not None and row.get(start) is not None:
                row[column] = text[row[start]:row[end]]


def iso_date(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def merge(into: dict[str, list[dict]], more: Iterable[tuple[str, list[dict]]]) -> None:
    for table, rows in more:
        into.setdefault(table, []).extend(rows)
