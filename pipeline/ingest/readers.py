"""One reader per input format. Each turns a :class:`Source` into Reports.

Readers never raise for bad content: a file that cannot be read, decoded or
parsed becomes one Report with status ``error`` (and the reason), so a run goes
on and the documents and errors tables say what happened.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import re
import warnings
import zlib
from dataclasses import dataclass
from typing import IO, Callable, Iterable, Iterator, NamedTuple

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
        report.error = _too_long(options.max_chars, len(report.text))
        report.text = ""
    return report


def _too_long(max_chars: int, chars: int | None = None) -> str:
    if chars is None:  # counted only as far as the limit
        return f"document too long: more than {max_chars:,} characters (raise --max-chars)"
    return f"document too long: {chars:,} characters (limit {max_chars:,}; raise --max-chars)"


def _load_text(source: Source, options: ReadOptions, fmt: str,
               one_document: bool = False) -> tuple[str | None, Report | None]:
    # one document cannot be longer than max_chars, and a character takes at most
    # four bytes: read no more than that, so a 50 MB report never sits in memory
    limit = min(options.max_bytes, 4 * options.max_chars + 4) if one_document else options.max_bytes
    try:
        data = source.read_bytes(limit)
    except TooLarge as err:
        if one_document and limit < options.max_bytes:
            err = _too_long(options.max_chars)
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


#: How much of a file is read at a time (bytes, or characters from a text file)
CHUNK = 1 << 16
#: ... and of a UTF-16/32 file, decoded a chunk at a time: as much as TextIOWrapper
#: read, so one that cannot be decoded to its end keeps as many lines as then
DECODED_CHUNK = 8192
_BLANK = {bytes: re.compile(rb"\s*").match, str: re.compile(r"\s*").match}


class BlankLines(NamedTuple):
    """Lines in a row that hold nothing but whitespace (as ``strip`` sees it): ``count``
    of them, ``text`` all of them, each with its newline."""

    count: int
    text: bytes | str


def line_runs(chunks: Iterable[bytes | str], limit: int) -> Iterator[bytes | str | None | BlankLines]:
    """The lines of a file read as ``chunks`` (bytes, or text), split at ``\\n`` only, as
    ``readline`` splits them: each line with its newline, None for one longer than
    ``limit`` (never held whole: a file's lines read as ``for line in handle`` held a 300
    MB line without a newline in memory whole, peak RSS 180 -> 808 MB, before it was found
    too long), and :class:`BlankLines` for blank lines in a row, found at C speed within a
    chunk. A line at a time, a gzipped file of 10 GB of newlines (10 MB packed) took hours:
    a ``readline`` and a turn of the reader's loop each."""
    pieces: list = []  # the line so far, while it goes on past the end of a chunk
    size = 0  # its length, pieces dropped once it is longer than the limit
    for buf in chunks:
        if not buf:
            continue
        newline, blank = ("\n", _BLANK[str]) if isinstance(buf, str) else (b"\n", _BLANK[bytes])
        n, pos = len(buf), 0
        while pos < n:
            if not size:
                # a line starts here: the blank lines from here, as far as no line in
                # them can be longer than the limit, at once
                last = buf.rfind(newline, pos, blank(buf, pos, min(n, pos + limit)).end())
                if last >= 0:
                    text = buf[pos:last + 1]
                    yield BlankLines(text.count(newline), text)
                    pos = last + 1
                    continue
            end = buf.find(newline, pos)
            if not size and 0 <= end < pos + limit:  # a whole line in this chunk
                yield buf[pos:end + 1]
                pos = end + 1
                continue
            stop = n if end < 0 else end + 1
            size += stop - pos
            if size <= limit:
                pieces.append(buf[pos:stop])
            else:
                pieces.clear()
            pos = stop
            if end >= 0:
                yield buf[:0].join(pieces) if size <= limit else None
                pieces, size = [], 0
    if size:  # the last line, without a newline
        yield pieces[0][:0].join(pieces) if size <= limit else None


def _chunks(handle: IO, head: bytes | str = b"", size: int = CHUNK) -> Iterator[bytes | str]:
    if head:
        yield head
    while chunk := handle.read(size):
        yield chunk


def jsonl_line_runs(handle: IO[bytes], max_bytes: int) -> Iterator[bytes | str | None | BlankLines]:
    """The lines of a JSON Lines file as :func:`line_runs` gives them (None for one longer
    than ``max_bytes``, blank lines in a row as one :class:`BlankLines`): bytes for UTF-8,
    text for UTF-16 and UTF-32, whose encoding JSON's own rule tells from the first four
    bytes (a byte order mark, else where the zero bytes are). Split as bytes, a UTF-16
    file gave every line a confusing parse error."""
    head = handle.read(4)
    encoding = json.detect_encoding(head)
    if encoding in ("utf-8", "utf-8-sig"):
        yield from line_runs(_chunks(handle, head), max_bytes)
        return
    unit = 4 if encoding.startswith("utf-32") else 2  # bytes a character takes at least
    try:
        yield from line_runs(_decoded(_chunks(handle, head, DECODED_CHUNK), encoding),
                             max_bytes // unit)
    except UnicodeDecodeError as err:
        raise _BrokenEncoding(f"cannot decode as {encoding.upper()}: {err}") from err


def _decoded(chunks: Iterable[bytes], encoding: str) -> Iterator[str]:
    # a lone surrogate passes through, so its line (only) is an error row, as for JSON's \ud800
    decoder = codecs.getincrementaldecoder(encoding)(errors="surrogatepass")
    for chunk in chunks:
        yield decoder.decode(chunk)
    yield decoder.decode(b"", final=True)


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
    with source.open() as handle, contextlib.closing(jsonl_line_runs(handle, options.max_bytes)) as lines:
        first, last = source.lines or (1, None)
        lineno = 0
        for raw in lines:
            if isinstance(raw, BlankLines):  # nothing to read, but numbered
                lineno += raw.count
                if last is not None and lineno > last:
                    break
                continue
            lineno += 1
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
                cut = "" if text.endswith("\n") else " (the file's last line, without a line break: cut off, " \
                                                     "or was the file still being written?)"
                yield Report.failed(where, where, "parse", f"not a JSON line{cut}: {err}"[:300], fmt="jsonl")
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
        yield _no_article(Report(doc_id=source.name, source=source.name, format="html"), html, options)
        return
    doc = etree.fromstring(extracted.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    report = Report(doc_id=source.name, source=source.name, format="html",
                    headline=doc.get("title") or None, author=doc.get("author") or None,
                    url=doc.get("url") or None, published=parse_published(doc.get("date")))
    parts: list[tuple[str, str]] = []
    # a list or quote is one block, and what is in it (a list in a quote, a quote in a
    # list, a paragraph) part of its text: each block of the page's text was taken twice
    for el in _outer_blocks(doc, ("head", "p", "list", "quote")):
        text = _text(el)
        if el.tag == "head":
            if text == report.headline:
                continue
            parts.append(("subheading", text))
        elif el.tag == "p" and el.getparent() is not None and el.getparent().tag in ("main", "doc"):
            parts.append(("paragraph", text))
        elif el.tag in ("list", "quote"):
            parts.append(("paragraph", text))
    if not report.headline and not any(text.strip() for _, text in parts):
        # no block of text either (a footer's text loose in <main>, say)
        yield _no_article(report, html, options)
        return
    if report.headline:
        parts = [("headline", report.headline)] + parts
    yield _finish(from_blocks(report, parts), options)


def _no_article(report: Report, html: str, options: ReadOptions) -> Report:
    """``report`` for a page trafilatura found no article in: ``empty``, saying so when
    the page has text of its own (menus, a page too odd for it), or "document too long"
    when that text is longer than --max-chars (one paragraph of 12 MB, too much for
    trafilatura, was an empty row "document has no text")."""
    chars = _visible_chars(html, options.max_chars)
    if chars > options.max_chars:
        report.status, report.stage, report.error = "error", "read", _too_long(options.max_chars)
    elif chars:
        report.status, report.stage = "empty", "read"
        report.error = f"no article text found in the HTML page ({chars:,} characters of other text)"
    return _finish(report, options)


def _visible_chars(html: str, limit: int) -> int:
    """How many characters of text an HTML page shows (spaces collapsed; no scripts,
    styles or title), counted as far as ``limit`` + 1. Parsed by lxml with text nodes
    longer than libxml2's usual 10 MB: the page is read whole, and no longer than
    --max-bytes, already."""
    import lxml.html
    from lxml import etree

    try:
        page = lxml.html.document_fromstring(  # as UTF-8: a str with an encoding declaration is refused
            html.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8", huge_tree=True))
    except (etree.LxmlError, ValueError):  # nothing to parse
        return 0
    etree.strip_elements(page, etree.Comment, "head", "script", "style", "noscript", "template",
                         with_tail=False)
    chars = 0
    for text in page.itertext():
        chars += _collapsed_len(text, limit - chars)
        if chars > limit:
            break
    return chars


def _collapsed_len(text: str, limit: int, step: int = 1 << 16) -> int:
    """``len(" ".join(text.split()))``, or more than ``limit`` once that is clear, split
    a piece at a time (split whole, 12 MB of text took 0.8 s and a word object for
    each of its 2 million words)."""
    chars = words = 0
    for start in range(0, len(text), step):
        part = text[start:start + step].split()
        chars += sum(map(len, part))
        words += len(part)
        if start and part and not text[start - 1].isspace() and not text[start].isspace():
            words -= 1  # a word cut in two by the step
        if chars > limit:
            break
    return chars + max(words - 1, 0)


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
