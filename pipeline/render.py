"""HTML views a person can read: one document with everything meldung found marked
(``meldung show``), and an overview of a whole run (``meldung report``).

Both are built from the tables (the same rows ``meldung run`` writes), so they show
exactly what the tables say. Every piece of document text is escaped: a report may
contain ``<script>``. Pages are self-contained (inline CSS, no scripts, no fonts or
images fetched), so they open offline and can be mailed around.
"""

from __future__ import annotations

import html
from collections import Counter
from typing import Iterable

import pandas as pd

from .api import Tables

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:980px;color:#222;line-height:1.6}
h1{font-size:1.5rem;margin-bottom:.2rem} h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
.meta{color:#666;font-size:.9rem} .text{white-space:pre-wrap;font-size:1.05rem;background:#fafafa;padding:1rem;border:1px solid #eee}
mark{border-radius:3px;padding:0 2px;background:none} .ent-PER{background:#ffd7a8}.ent-LOC{background:#c6ecc6}
.ent-ORG{background:#c9ddff}.ent-MISC{background:#e8d5ff} .num{border-bottom:3px solid #e0a100}
.date{border-bottom:3px solid #0a9396} .quote{background:#fff3b0} .event{outline:2px dotted #c1121f}
sup.lab{font-size:.65rem;color:#555;margin-left:1px} table{border-collapse:collapse;font-size:.9rem;width:100%}
td,th{border-bottom:1px solid #eee;padding:.25rem .5rem;text-align:left;vertical-align:top}
.legend span{margin-right:1rem} .bar{background:#4f6d7a;height:.9rem;display:inline-block}
.chart td{border:none;padding:.1rem .5rem} .err{color:#b00020}
"""

_LAYERS = [  # table, css class, label of a span
    ("quotes", "quote", lambda r: f"Zitat: {r.get('speaker') or '?'}"),
    ("mentions", None, lambda r: r.get("label")),
    ("numbers", "num", lambda r: _fmt_number(r)),
    ("dates", "date", lambda r: r.get("value") or "?"),
    ("events", "event", lambda r: r.get("type")),
]


def _fmt_number(row: dict) -> str:
    value = row.get("value")
    text = "?" if value is None or pd.isna(value) else f"{value:,.10g}"
    return " ".join(str(x) for x in (row.get("approx"), text, row.get("unit")) if x and not pd.isna(x))


def _e(value) -> str:
    """Escaped text of a cell; empty for null."""
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return ""
    if isinstance(value, (list, tuple)):
        return html.escape(", ".join(str(v) for v in value))
    return html.escape(str(value))


def _records(frame: pd.DataFrame, doc_id: str) -> list[dict]:
    if frame.empty:
        return []
    rows = frame[frame["doc_id"] == doc_id]
    return [{k: (None if not isinstance(v, (list, tuple)) and pd.isna(v) else v) for k, v in r.items()}
            for r in rows.to_dict("records")]


def _marked_text(text: str, spans: list[tuple[int, int, str, str]]) -> str:
    """The text with nested <mark>s; spans are (start, end, css class, label).

    Spans that cross each other are cut at the crossing, so the HTML stays well
    formed; each piece keeps its class, and the label goes after the last piece.
    """
    points = sorted({0, len(text), *(s for s, _, _, _ in spans), *(e for _, e, _, _ in spans)})
    out = []
    for a, b in zip(points, points[1:]):
        covering = [sp for sp in spans if sp[0] <= a and b <= sp[1]]
        piece = html.escape(text[a:b])
        for start, end, css, label in sorted(covering, key=lambda sp: sp[1] - sp[0]):  # innermost first
            tip = html.escape(label or "")
            piece = f'<mark class="{css}" title="{tip}">{piece}</mark>'
            if end == b and label:
                piece += f'<sup class="lab">{tip}</sup>'
        out.append(piece)
    return "".join(out)


def document_html(tables: Tables, doc_id: str | None = None) -> str:
    """One document as a self-contained HTML page (the first document if no id)."""
    docs = tables.documents
    if docs.empty:
        raise ValueError("no documents to show")
    if doc_id is None:
        doc_id = docs["doc_id"].iloc[0]
    match = docs[docs["doc_id"] == doc_id]
    if match.empty:
        raise KeyError(f"no document {doc_id!r}; known: {', '.join(docs['doc_id'].astype(str)[:10])}")
    doc = _records(docs, doc_id)[0]
    text = doc.get("text") or ""
    spans = []
    for table, css, label in _LAYERS:
        for row in _records(tables[table], doc_id):
            if row.get("start") is None or row.get("end") is None:
                continue
            cls = css or f"ent-{row.get('label')}"
            spans.append((int(row["start"]), int(row["end"]), cls, label(row)))
    meta = " · ".join(_e(doc.get(k)) for k in ("agency", "author", "dateline_place", "published")
                      if doc.get(k) is not None)
    parts = [f"<h1>{_e(doc.get('headline') or doc_id)}</h1>",
             f'<div class="meta">{_e(doc_id)} · {meta} · status {_e(doc.get("status"))}</div>']
    if doc.get("error"):
        parts.append(f'<p class="err">{_e(doc["error"])}</p>')
    parts.append('<p class="legend"><span><mark class="ent-PER">Person</mark></span>'
                 '<span><mark class="ent-LOC">Ort</mark></span><span><mark class="ent-ORG">Organisation</mark></span>'
                 '<span><mark class="quote">Zitat</mark></span><span><mark class="num">Zahl</mark></span>'
                 '<span><mark class="date">Datum</mark></span><span><mark class="event">Ereignis</mark></span></p>')
    parts.append(f'<div class="text">{_marked_text(text, spans)}</div>')
    parts += _detail_tables(tables, doc_id)
    return _page(f"meldung: {doc.get('headline') or doc_id}", "\n".join(parts))


def _table(title: str, rows: list[dict], columns: list[str]) -> str:
    if not rows:
        return ""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_e(r.get(c))}</td>" for c in columns) + "</tr>" for r in rows)
    return f"<h2>{html.escape(title)}</h2><table><tr>{head}</tr>{body}</table>"


def _detail_tables(tables: Tables, doc_id: str) -> list[str]:
    return [
        _table("Personen", _records(tables.people, doc_id), ["canonical", "roles", "n_mentions"]),
        _table("Orte", _records(tables.places, doc_id), ["canonical", "country", "kind", "n_mentions"]),
        _table("Organisationen", _records(tables.organisations, doc_id), ["canonical", "n_mentions"]),
        _table("Zitate", _records(tables.quotes, doc_id), ["kind", "speaker", "cue", "text"]),
        _table("Zahlen", _records(tables.numbers, doc_id), ["text", "value", "approx", "unit", "what"]),
        _table("Zeitangaben", _records(tables.dates, doc_id), ["text", "value", "kind", "anchor"]),
        _table("Ereignisse", _records(tables.events, doc_id),
               ["type", "trigger", "actor", "target", "place", "date", "quantity", "quantity_what"]),
        _table("Fehler", _records(tables.errors, doc_id), ["stage", "message"]),
    ]


def _bars(title: str, counts: Iterable[tuple[str, int]]) -> str:
    counts = [(k, n) for k, n in counts if k is not None]
    if not counts:
        return f"<h2>{html.escape(title)}</h2><p class='meta'>none</p>"
    top = max(n for _, n in counts) or 1
    rows = "".join(f"<tr><td>{_e(k)}</td><td><span class='bar' style='width:{int(300 * n / top)}px'></span> {n}</td></tr>"
                   for k, n in counts)
    return f"<h2>{html.escape(title)}</h2><table class='chart'>{rows}</table>"


def report_html(tables: Tables, *, top: int = 15) -> str:
    """An overview of a run: documents, top people/places/speakers, quotes per
    speaker, events per type, errors; bar charts in plain HTML/CSS."""
    docs = tables.documents
    status = Counter(docs["status"].dropna()) if not docs.empty else Counter()

    def top_counts(frame: pd.DataFrame, column: str, weight: str | None = None):
        if frame.empty:
            return []
        series = frame.groupby(column)[weight].sum() if weight else frame[column].value_counts()
        return [(k, int(v)) for k, v in series.sort_values(ascending=False).head(top).items()]

    parts = [
        "<h1>meldung: Überblick</h1>",
        f"<p class='meta'>{len(docs)} Dokumente: " + ", ".join(f"{n} {s}" for s, n in sorted(status.items()))
        + f" · {len(tables.quotes)} Zitate · {len(tables.events)} Ereignisse · {len(tables.mentions)} Nennungen</p>",
        _bars("Dokumente nach Agentur", top_counts(docs, "agency")),
        _bars("Meistgenannte Personen", top_counts(tables.people, "canonical", "n_mentions")),
        _bars("Meistgenannte Orte", top_counts(tables.places, "canonical", "n_mentions")),
        _bars("Meistgenannte Organisationen", top_counts(tables.organisations, "canonical", "n_mentions")),
        _bars("Zitate nach Sprecher", top_counts(tables.quotes, "speaker")),
        _bars("Zitate nach Art", top_counts(tables.quotes, "kind")),
        _bars("Ereignisse nach Typ", top_counts(tables.events, "type")),
        _table("Fehler", tables.errors.to_dict("records"), ["doc_id", "source", "stage", "message"]),
    ]
    return _page("meldung: Überblick", "\n".join(parts))


def _page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html>\n<html lang='de'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{html.escape(title)}</title><style>{CSS}</style></head>\n<body>\n{body}\n</body></html>\n")
