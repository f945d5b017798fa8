"""More hostile input found in review: a gzip "bomb" of blank lines, an HTML list inside a
quote, an HTML page of one enormous paragraph. The test of each fault failed before its
fix; the line-number tests pin what the fix for the bomb had to keep."""

import gzip
import io

import pytest

from pipeline.distributed import _record_lines
from pipeline.ingest import ReadOptions, Source, iter_reports, read_source
from pipeline.ingest.sources import iter_sources


def read(*paths, **kw):
    return [(r.doc_id, r.status, r.error) for r in iter_reports([str(p) for p in paths], ReadOptions(**kw))]


RECORD = b'{"text": "Berlin (dpa) - Ein Satz."}\n'


# --- JSON Lines: blank lines in their millions ---------------------------------------------


class _Counted(io.RawIOBase):
    """A file that counts the calls made to read it and fails past ``budget`` of them."""

    def __init__(self, handle, budget):
        self.handle, self.budget, self.calls = handle, budget, 0

    def _call(self):
        self.calls += 1
        assert self.calls <= self.budget, f"more than {self.budget:,} reads"

    def read(self, size=-1):
        self._call()
        return self.handle.read(size)

    def readline(self, size=-1):
        self._call()
        return self.handle.readline(size)

    def seek(self, offset, whence=0):
        return self.handle.seek(offset, whence)

    def readable(self):
        return True

    def seekable(self):
        return True

    def close(self):
        self.handle.close()
        super().close()


def test_a_gzip_bomb_of_blank_lines_is_read_a_chunk_at_a_time(write, monkeypatch):
    # 50 MB of newlines pack into 50 KB; read a line at a time, 10 GB of them took hours
    # (a readline and a turn of the reader's loop for each blank line)
    blank = 50_000_000
    f = write("feed.jsonl.gz", gzip.compress(b"\n" * blank + RECORD, compresslevel=1))
    opened = []
    real_open = Source.open

    def counted_open(source):
        opened.append(_Counted(real_open(source), budget=10_000))
        return opened[-1]

    monkeypatch.setattr(Source, "open", counted_open)
    assert read(f) == [(f"feed.jsonl.gz:{blank + 1}", "ok", None)]  # still numbered exactly
    assert opened[0].calls < 10_000


BLANK_LINES = [b"\n", b"   \n", b"\r\n", b" \t\r\n", b"\x0b\x0c\n"]
#: runs around the sizes the reader reads at once (64 KB; 8 KB of UTF-16/32)
RUNS = [0, 1, 2, 8191, 8192, 8193, 65535, 65536, 65537]


@pytest.mark.parametrize("line", BLANK_LINES, ids=repr)
@pytest.mark.parametrize("run", RUNS)
def test_blank_lines_in_a_row_keep_the_line_numbers(write, line, run):
    # a record's id is file:LINE, so blank lines are counted, however many in a row
    f = write("f.jsonl", RECORD + line * run + RECORD + line * run + b"  " + line + RECORD)
    got = read(f)
    assert [doc_id for doc_id, _, _ in got] == ["f.jsonl:1", f"f.jsonl:{run + 2}", f"f.jsonl:{2 * run + 4}"]
    assert {status for _, status, _ in got} == {"ok"}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
@pytest.mark.parametrize("run", [8191, 8192, 8193, 20000])
def test_blank_lines_in_utf16_or_utf32_keep_the_line_numbers(write, encoding, run):
    text = RECORD.decode() + "\u3000 \n" * run + RECORD.decode()  # U+3000, an ideographic space
    f = write("f.jsonl", text.encode(encoding))
    assert [doc_id for doc_id, _, _ in read(f)] == ["f.jsonl:1", f"f.jsonl:{run + 2}"]


def test_dask_counts_and_partitions_blank_lines_as_the_reader_numbers_them(write):
    # Dask splits a file into line ranges by _record_lines' count; the reader must agree
    f = write("f.jsonl.gz", gzip.compress(RECORD + b" \n" * 70_000 + RECORD + b"\r\n" * 3))
    (source,) = iter_sources([str(f)])
    assert sum(n for _, n in _record_lines(source)) == 70_005
    tail = Source(source.path, source.name, lines=(70_001, 72_000))
    assert [r.doc_id for r in iter_reports([str(f)])] == ["f.jsonl.gz:1", "f.jsonl.gz:70002"]
    assert [r.doc_id for r in read_source(tail)] == ["f.jsonl.gz:70002"]


def test_a_blank_line_longer_than_max_bytes_is_still_an_error_row(write):
    # as before: a line too long is reported, whatever it holds
    f = write("f.jsonl", RECORD + b"\n" * 5000 + b" " * 300 + b"\n" + RECORD)
    assert read(f, max_bytes=100) == [("f.jsonl:1", "ok", None),
                                      ("f.jsonl:5002", "error", "line longer than --max-bytes"),
                                      ("f.jsonl:5003", "ok", None)]


# --- HTML --------------------------------------------------------------------------------

QUOTED_LIST = """<html><head><title>Streit um die Bahn</title></head><body>
<article><h1>Streit um die Bahn</h1>
<p>Berlin (dpa) - Die Gewerkschaft hat am Montag neue Forderungen vorgelegt, wie ein Sprecher sagte.</p>
<blockquote><p>Wir fordern drei Dinge:</p>
<ul><li>Mehr Lohn für alle Beschäftigten.</li><li>Kürzere Schichten im Fernverkehr.</li></ul></blockquote>
<p>Die Bahn wies die Forderungen am Abend als überzogen zurück und kündigte Gespräche an.</p>
<ul><li>Erster Punkt der Liste.</li><li><blockquote>Ein Zitat in der Liste.</blockquote></li></ul>
</article></body></html>"""


def test_html_a_list_in_a_quote_or_a_quote_in_a_list_is_taken_once(write):
    # trafilatura gives <quote><p/><list/></quote>: the quote's text, then its list's again
    (report,) = iter_reports([str(write("bahn.html", QUOTED_LIST))])
    assert report.status == "ok"
    for sentence in ["Wir fordern drei Dinge:", "Mehr Lohn für alle Beschäftigten.",
                     "Kürzere Schichten im Fernverkehr.", "Erster Punkt der Liste.", "Ein Zitat in der Liste.",
                     "Die Bahn wies die Forderungen"]:
        assert report.text.count(sentence) == 1, sentence


def test_html_one_paragraph_longer_than_max_chars_is_too_long_not_empty(write):
    # a text of more than 10 MB in one piece is too much for trafilatura (libxml2's limit),
    # which found nothing, and the page was an empty row "document has no text"
    paragraph = "Ein Satz über Berlin. " * 460_000  # 10.6 MB
    f = write("lang.html", f"<html><body><p>{paragraph}</p></body></html>")
    assert read(f) == [("lang.html", "error", "document too long: more than 1,000,000 characters (raise --max-chars)")]


@pytest.mark.parametrize("footer", ["Impressum | Datenschutz", "Impressum | Datenschutz | Kontakt"])
def test_html_a_page_without_an_article_says_so(write, footer):
    # a footer is text, but no article: empty, and why (trafilatura finds nothing in the
    # first, and in the second only text outside any paragraph)
    f = write("fuss.html", f"<html><body><footer>{footer}</footer></body></html>")
    assert read(f) == [("fuss.html", "empty", f"no article text found in the HTML page "
                                              f"({len(footer)} characters of other text)")]


def test_html_a_page_without_text_is_empty_as_before(write):
    f = write("leer.html", "<html><head><title>Leer</title><script>var x = 1;</script></head><body> </body></html>")
    assert read(f) == [("leer.html", "empty", "document has no text")]


def test_a_cut_off_last_line_says_the_file_may_still_be_written(write):
    # a feed file read while its writer is still appending ends in half a record
    f = write("feed.jsonl", RECORD + b'{"id": "x2", "text": "Berlin (dpa) - Ein hal')
    (first, cut) = read(f)
    assert first == ("feed.jsonl:1", "ok", None)
    assert cut[:2] == ("feed.jsonl:2", "error") and "still being written" in cut[2]
    # a broken line with its line break is just broken
    f = write("broken.jsonl", b'{"text": \n' + RECORD)
    assert "still being written" not in read(f)[0][2]
