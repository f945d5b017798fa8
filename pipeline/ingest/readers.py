"""One reader per input format. Each turns a :class:`Source` into Reports.

Readers never raise for bad content: a file that cannot be read, decoded or
parsed becomes one Report with status ``error`` (and the reason), so a run goes
on and the documents and errors tables say what happened.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import warnings
import zlib
from dataclasses import dataclass
from typing import IO, Callable, Iterator

import defusedxml.ElementTree as safe_et
from defusedxml import DefusedXmlException

from .assemble import from_blocks, from_plain_text, parse_published
from .decode import DecodeError, decode
from .report import Report, encodable, readable
from .sources import DEFAULT_MAX_BYTES, Source, TooLarge

#: Default cap on a document's length in characters (spaCy's default max_length).
DEFAULT_MAX_CHARS = 1_000_000
#: What reading a (possibly gzipped) file can raise: a cut-off .gz raises EOFError, one
#: that is no gzip BadGzipFile (an OSError), a corrupt one zlib.error
READ_ERRORS = (OSError, EOFError, zlib.error)


@dataclass(frozen=True)
class Fields:
    """Names of the fields in JSON Lines / CSV input (remappable on the command line)."""

    id: str = "id"
    text: str = "text"
    headline: str = "headline"
    published: str = "published"
    agency: str = "agency"
    url: str = "url"
    author: str = "author"


@dataclass(frozen=True)
class ReadOptions:
    fields: Fields = Fields()
    max_bytes: int = DEFAULT_MAX_BYTES
    max_chars: int = DEFAULT_MAX_CHARS


def _finish(report: Report, options: ReadOptions) -> Report:
    """Status checks every reader applies last: empty text, over-long text."""
    if report.status != "ok":
        return report
    if not report.text.strip():
        report.status, report.stage, report.error = "empty", "read", "document has no text"
    elif len(report.text) > options.max_chars:
        report.status, report.stage = "error", "read"
        report.error = (f"document too long: {len(report.text):,} characters "
                        f"(limit {options.max_chars:,}; raise --max-chars)")
        report.text = ""
    return report


def _load_text(source: Source, options: ReadOptions, fmt: str,
               one_document: bool = False) -> tuple[str | None, Report | None]:
    # one document cannot be longer than max_chars, and a character takes at most
    # four bytes: read no more than that, so a 50 MB report never sits in memory
    limit = min(options.max_bytes, 4 * options.max_chars + 4) if one_document else options.max_bytes
    try:
        data = source.read_bytes(limit)
    except TooLarge as err:
        if one_document and limit < options.max_bytes:
            err = f"document too long: more than {options.max_chars:,} characters (raise --max-chars)"
        return None, Report.failed(source.name, source.name, "read", str(err), fmt=fmt)
    except READ_ERRORS as err:
        return None, Report.failed(source.name, source.name, "read", f"cannot read: {err}", fmt=fmt)
    try:
        text, _ = decode(data)
    except DecodeError as err:
        return None, Report.failed(source.name, source.name, "decode", str(err), fmt=fmt)
    return text, None


def read_txt(source: Source, options: ReadOptions) -> Iterator[Report]:
    """A plain-text report: the whole file is the text; layout from agency conventions."""
    text, failed = _load_text(source, options, "txt", one_document=True)
    if failed:
        yield failed
        return
    report = Report(doc_id=source.name, source=source.name, text=text, format="txt")
    if len(text) <= options.max_chars:
        from_plain_text(report, find_headline=True)
    yield _finish(report, options)


def _record_report(record: dict, doc_id: str, source: str, fmt: str, options: ReadOptions) -> Report:
    f = options.fields
    doc_id = readable(doc_id)
    text = record.get(f.text)
    if text is None:
        return Report.failed(doc_id, source, "parse", f"no {f.text!r} field", fmt=fmt)
    if not isinstance(text, str):
        return Report.failed(doc_id, source, "parse", f"field {f.text!r} is not text", fmt=fmt)

    if not encodable(text):
        return Report.failed(doc_id, source, "parse",
                             f"field {f.text!r} holds a lone surrogate (broken UTF-16 escape)", fmt=fmt)

    def field(name: str) -> str | None:
        value = record.get(name)
        return None if value is None or str(value).strip() == "" else readable(str(value).strip())

    import unicodedata

    report = Report(
        doc_id=doc_id, source=source, format=fmt, text=unicodedata.normalize("NFC", text),
        headline=field(f.headline), agency=field(f.agency), url=field(f.url), author=field(f.author),
        published=parse_published(field(f.published)),
    )
    if len(report.text) <= options.max_chars:
        from_plain_text(report, find_headline=False)
    return _finish(report, options)


def read_jsonl(source: Source, options: ReadOptions) -> Iterator[Report]:
    """JSON Lines: one report a line, streamed; a bad line is an error row, the rest go on.
    A file that breaks off (a cut .gz) keeps the reports before the break and gets an
    error row for the rest; a file without a record gets an ``empty`` row."""
    records = 0
    try:
        for report in _jsonl_reports(source, options):
            records += 1
            yield report
    except READ_ERRORS as err:
        records += 1
        yield Report.failed(source.name, source.name, "read", f"cannot read: {err}", fmt="jsonl")
    except _BrokenEncoding as err:
        records += 1
        yield Report.failed(source.name, source.name, "decode", str(err)[:300], fmt="jsonl")
    if not records:
        yield Report.failed(source.name, source.name, "read", "no records", fmt="jsonl", status="empty")


def bounded_lines(handle: IO, limit: int) -> Iterator[bytes | str | None]:
    """The lines of a binary (or text) file, None for each longer than ``limit`` bytes
    (characters), none of them held whole when longer: a file's lines read as ``for line
    in handle`` held a 300 MB line without a newline in memory whole (peak RSS 180 -> 808
    MB) before it was found too long."""
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit:
            yield line
            continue
        newline = "\n" if isinstance(line, str) else b"\n"
        while not line.endswith(newline):  # the rest of the long line, a megabyte at a time
            line = handle.readline(1 << 20)
            if not line:
                break
        yield None


def jsonl_lines(handle: IO[bytes], max_bytes: int) -> Iterator[bytes | str | None]:
    """The lines of a JSON Lines file (see :func:`bounded_lines`): bytes for UTF-8, text
    for UTF-16 and UTF-32, whose encoding JSON's own rule tells from the first four bytes
    (a byte order mark, else where the zero bytes are). Split as bytes, a UTF-16 file
    gave every line a confusing parse error."""
    encoding = json.detect_encoding(handle.read(4))
    handle.seek(0)
    if encoding in ("utf-8", "utf-8-sig"):
        yield from bounded_lines(handle, max_bytes)
        return
    unit = 4 if encoding.startswith("utf-32") else 2  # bytes a character takes at least
    # a lone surrogate passes through, so its line (only) is an error row, as for JSON's \ud800
    text = io.TextIOWrapper(handle, encoding=encoding, errors="surrogatepass", newline="\n")
    try:
        yield from bounded_lines(text, max_bytes // unit)
    except UnicodeDecodeError as err:
        raise _BrokenEncoding(f"cannot decode as {encoding.upper()}: {err}") from err
    finally:
        text.detach()  # the caller closes the file


class _BrokenEncoding(ValueError):
    """A UTF-16/32 JSON Lines file that breaks off mid-character (or holds no character
    at all): the lines of the last few kilobytes cannot be told apart."""


def _jsonl_text(raw: bytes | str) -> str:
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ValueError(f"JSON Lines must be UTF-8 (or UTF-16 or UTF-32 with a byte order mark): {err}") from err


def _jsonl_reports(source: Source, options: ReadOptions) -> Iterator[Report]:
    id_field = options.fields.id
    # (the lines are closed first: a UTF-16 reader lets go of the file before it is closed)
    with source.open() as handle, contextlib.closing(jsonl_lines(handle, options.max_bytes)) as lines:
        first, last = source.lines or (1, None)
        for lineno, raw in enumerate(lines, start=1):
            if lineno < first:
                continue
            if last is not None and lineno > last:
                break
            where = f"{source.name}:{lineno}"
            if raw is None:
                yield Report.failed(where, where, "read", "line longer than --max-bytes", fmt="jsonl")
                continue
            if not raw.strip():
                continue
            try:
                text = _jsonl_text(raw)
            except ValueError as err:
                yield Report.failed(where, where, "decode", str(err)[:300], fmt="jsonl")
                continue
            try:
                record = json.loads(text)
            except json.JSONDecodeError as err:
                yield Report.failed(where, where, "parse", f"not a JSON line: {err}"[:300], fmt="jsonl")
                continue
            except RecursionError:  # "[[[[...": nested deeper than the parser goes
                yield Report.failed(where, where, "parse", "not a JSON line: nested too deeply", fmt="jsonl")
                continue
            if not isinstance(record, dict):
                yield Report.failed(where, where, "parse", "JSON line is not an object", fmt="jsonl")
                continue
            doc_id = str(record[id_field]) if record.get(id_field) not in (None, "") else where
            yield _record_report(record, doc_id, where, "jsonl", options)


def read_csv(source: Source, options: ReadOptions) -> Iterator[Report]:
    """CSV (or TSV): one report a row; a header row names the fields."""
    text, failed = _load_text(source, options, "csv")
    if failed:
        yield failed
        return
    # Only the delimiter is sniffed, from the header line; quoting stays Excel's (the
    # sniffer took 'a,"Merkel sagte: ""Wir schaffen das."""' for doublequote=False and
    # kept the quotes: 14 of 200 files csv.writer wrote were read wrongly).
    delimiter = "\t" if source.suffix == ".tsv" else _sniff_delimiter(text)
    # a text may be as long as --max-chars, and csv's own field limit is 131,072
    # characters: no field is longer than the file, so one over --max-chars is read
    # whole and _finish flags that row (a csv.Error ended the loop and lost the rows after)
    csv.field_size_limit(max(csv.field_size_limit(), options.max_chars + 1, len(text) + 1))
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect="excel", delimiter=delimiter)
    fields = options.fields
    if not reader.fieldnames or fields.text not in reader.fieldnames:
        columns = _shortened(", ".join(reader.fieldnames or []), 200)
        yield Report.failed(source.name, source.name, "parse",
                            f"CSV has no {fields.text!r} column (columns: {columns}; "
                            f"name another with --text-field)", fmt="csv")
        return
    rows = 0
    try:
        for rowno, row in enumerate(reader, start=2):
            where = f"{source.name}:{rowno}"
            doc_id = row.get(fields.id) or where
            rows += 1
            yield _record_report(row, doc_id, where, "csv", options)
    except csv.Error as err:
        rows += 1
        yield Report.failed(source.name, source.name, "parse", f"broken CSV: {err}", fmt="csv")
    if not rows:  # a header and nothing else: a row that says so, as for JSON Lines
        yield Report.failed(source.name, source.name, "read", "no records", fmt="csv", status="empty")


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


#: How much of the header line the delimiter is sniffed from: csv.Sniffer takes time
#: quadratic in its sample (a 96 KB header line took 44 s)
SNIFF_CHARS = 4096


def _sniff_delimiter(text: str) -> str:
    header = text[:SNIFF_CHARS].split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(header, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


# --- XML ---------------------------------------------------------------------------

NEWSML_NS = "http://iptc.org/std/nxml/2008/02/"
XHTML_NS = "http://www.w3.org/1999/xhtml"


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def _find(root, *names):
    """First descendant whose local name is one of ``names``, in document order."""
    for el in root.iter():
        if _local(el.tag) in names:
            return el
    return None


def read_xml(source: Source, options: ReadOptions) -> Iterator[Report]:
    """IPTC NITF or NewsML-G2, parsed with defusedxml (no entity expansion, no
    external entities, no network); anything else is an error row."""
    data = None
    try:
        data = source.read_bytes(options.max_bytes)
    except (TooLarge, *READ_ERRORS) as err:
        yield Report.failed(source.name, source.name, "read", str(err), fmt="xml")
        return
    if _looks_like_html(data):
        yield from _html_report(source, data, options)
        return
    try:
        root = safe_et.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as err:
        yield Report.failed(source.name, source.name, "parse",
                            f"unsafe XML refused ({type(err).__name__}: {err})", fmt="xml")
        return
    except Exception as err:  # noqa: BLE001 - ParseError, ValueError for encodings, ...
        yield Report.failed(source.name, source.name, "parse", f"broken XML: {err}", fmt="xml")
        return
    kind = _local(root.tag)
    if kind == "nitf":
        report = _nitf(root, source, options.max_chars)
    elif kind in ("newsItem", "newsMessage"):
        report = _newsml(root, source, options.max_chars)
    else:
        yield Report.failed(source.name, source.name, "parse",
                            f"XML root <{kind}> is neither NITF nor NewsML-G2", fmt="xml")
        return
    yield _finish(report, options)


def _nitf(root, source: Source, max_chars: int = DEFAULT_MAX_CHARS) -> Report:
    report = Report(doc_id=source.name, source=source.name, format="nitf")
    hl1 = _find(root, "hl1")
    title = _find(root, "title")
    headline = _text(hl1) or _text(title) or None
    date_el = _find(root, "date.issue")
    if date_el is None:
        date_el = _find(root, "date.release")
    if date_el is not None:
        report.published = parse_published(date_el.get("norm") or _text(date_el))
    byline = _find(root, "byline")
    if byline is not None:
        person = _find(byline, "person")
        author = _text(person) or _text(byline)
        report.author = author.removeprefix("Von ").removeprefix("von ").strip() or None
    dateline = _find(root, "dateline")
    if dateline is not None:
        place = _find(dateline, "city")
        if place is None:
            place = _find(dateline, "location")
        report.dateline_place = _text(place) or _text(dateline).split("(")[0].strip(" ,-") or None
    distributor = _find(root, "distributor")
    report.agency = _text(distributor) or None
    content = _find(root, "body.content")
    parts: list[tuple[str, str]] = [("headline", headline)] if headline else []
    if content is not None:
        parts += _xml_blocks(content, paragraph=("p",), subheading=("hl2", "hl1"), max_chars=max_chars)
    return from_blocks(report, parts)


def _newsml(root, source: Source, max_chars: int = DEFAULT_MAX_CHARS) -> Report:
    report = Report(doc_id=source.name, source=source.name, format="newsml")
    item = root if _local(root.tag) == "newsItem" else _find(root, "newsItem")
    if item is None:
        report.status, report.stage, report.error = "error", "parse", "newsMessage without newsItem"
        return report
    created = _find(item, "versionCreated", "firstCreated")
    report.published = parse_published(_text(created))
    meta = _find(item, "contentMeta")
    headline = None
    if meta is not None:
        headline = _text(_find(meta, "headline")) or None
        located = _find(meta, "located")
        if located is not None:
            report.dateline_place = _text(_find(located, "name")) or _text(located) or None
        report.agency = _text(_find(meta, "creditline")) or None
        by = _find(meta, "by")
        report.author = (_text(by).removeprefix("Von ").strip() or None) if by is not None else None
    body = _find(item, "body")
    parts: list[tuple[str, str]] = []
    if body is not None:
        blocks = _xml_blocks(body, paragraph=("p",), subheading=("h2", "h3", "h4", "h1"), max_chars=max_chars)
        if headline is None:
            headline = next((t for k, t in blocks if k == "subheading"), None)
        # an <h1> that repeats the headline is the headline, not a subheading
        blocks = [(k, t) for k, t in blocks if not (k == "subheading" and t == headline)]
        parts = blocks
    if headline:
        parts = [("headline", headline)] + parts
    return from_blocks(report, parts)


def _xml_blocks(container, *, paragraph: tuple[str, ...], subheading: tuple[str, ...],
                max_chars: int = DEFAULT_MAX_CHARS) -> list[tuple[str, str]]:
    """Paragraphs and subheadings of a body, in document order. A block inside a block
    is part of its text, not a block again, and collecting stops once the text is longer
    than ``max_chars`` (the report is too long then): each <p> of 192 KB of nested <p>s
    took the text of all inside it, 2.26 GB and 27 s."""
    parts: list[tuple[str, str]] = []
    chars = 0
    for el in _outer_blocks(container, (*paragraph, *subheading)):
        parts.append(("paragraph" if _local(el.tag) in paragraph else "subheading", _text(el)))
        chars += len(parts[-1][1])
        if chars > max_chars:
            break
    return parts


def _outer_blocks(container, names: tuple[str, ...]):
    """The elements named ``names`` below ``container`` that are not inside another one,
    in document order (a stack, not recursion: XML may nest deeper than Python recurses)."""
    stack = list(reversed(container))
    while stack:
        el = stack.pop()
        if _local(el.tag) in names:
            yield el
        else:
            stack.extend(reversed(el))


# --- HTML --------------------------------------------------------------------------

def _looks_like_html(data: bytes) -> bool:
    """True when the first element (after XML declaration, comments, doctype) is <html>."""
    head = data[:4096].lstrip().lower()
    if head.startswith(b"<!doctype html"):
        return True
    head = re.sub(rb"^(\s*(<\?.*?\?>|<!--.*?-->|<!doctype[^>]*>))*\s*", b"", head, flags=re.S)
    return head.startswith(b"<html")


def read_html(source: Source, options: ReadOptions) -> Iterator[Report]:
    """An HTML page: trafilatura finds the article (not menus, cookie banners, footers)."""
    try:
        data = source.read_bytes(options.max_bytes)
    except (TooLarge, *READ_ERRORS) as err:
        yield Report.failed(source.name, source.name, "read", str(err), fmt="html")
        return
    yield from _html_report(source, data, options)


def _html_report(source: Source, data: bytes, options: ReadOptions) -> Iterator[Report]:
    import trafilatura
    from lxml import etree

    try:
        html, _ = decode(data)
    except DecodeError as err:
        yield Report.failed(source.name, source.name, "decode", str(err), fmt="html")
        return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PendingDeprecationWarning)  # with_metadata's rename
            extracted = trafilatura.extract(html, output_format="xml", with_metadata=True,
                                            include_comments=False, favor_recall=True)
    except Exception as err:  # noqa: BLE001 - trafilatura raises many kinds on junk
        yield Report.failed(source.name, source.name, "parse", f"HTML extraction failed: {err}", fmt="html")
        return
    if not extracted:
        yield _finish(Report(doc_id=source.name, source=source.name, format="html"), options)
        return
    doc = etree.fromstring(extracted.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    report = Report(doc_id=source.name, source=source.name, format="html",
                    headline=doc.get("title") or None, author=doc.get("author") or None,
                    url=doc.get("url") or None, published=parse_published(doc.get("date")))
    parts: list[tuple[str, str]] = []
    for el in doc.iter("head", "p", "list", "quote"):
        text = _text(el)
        if el.tag == "head":
            if text == report.headline:
                continue
            parts.append(("subheading", text))
        elif el.tag == "p" and el.getparent() is not None and el.getparent().tag in ("main", "doc"):
            parts.append(("paragraph", text))
        elif el.tag in ("list", "quote"):
            parts.append(("paragraph", text))
    if report.headline:
        parts = [("headline", report.headline)] + parts
    yield _finish(from_blocks(report, parts), options)


READERS: dict[str, Callable[[Source, ReadOptions], Iterator[Report]]] = {
    ".txt": read_txt,
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".json": read_jsonl,
    ".csv": read_csv,
    ".tsv": read_csv,
    ".xml": read_xml,
    ".nitf": read_xml,
    ".html": read_html,
    ".htm": read_html,
}
