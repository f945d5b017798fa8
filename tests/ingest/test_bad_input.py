"""Bad input found in review: each becomes an error (or empty) row and the run goes on,
in bounded time and memory. Each test failed before its fix."""

import codecs
import csv
import gzip
import io
import json
import os
import sys
import tracemalloc

import pytest

from pipeline.ingest import InputNotFound, ReadOptions, check_inputs, iter_reports
from pipeline.ingest.readers import READERS


def read(*paths, **kw):
    return [(r.doc_id, r.status, r.error) for r in iter_reports([str(p) for p in paths], ReadOptions(**kw))]


# --- a broken .gz of unknown format, and the safety net ------------------------------

def _cut_gzip() -> bytes:
    return gzip.compress(("Ein Text über Berlin. " * 2000).encode("utf-8"), mtime=0)[:20]  # cut before 512 bytes


def _corrupt_gzip() -> bytes:
    data = bytearray(gzip.compress(("Ein Text über Berlin. " * 200).encode("utf-8"), mtime=0))
    for i in range(20, 40):
        data[i] ^= 0xFF
    return bytes(data)


@pytest.mark.parametrize("content", [_cut_gzip(), _corrupt_gzip()], ids=["cut off", "corrupt"])
def test_bad_input_broken_gz_without_a_known_ending_is_an_error_row(write, content):
    # data.gz: no format ending, so its first bytes are sniffed (EOFError, zlib.error)
    a, broken, z = write("a.txt", "Eins."), write("data.gz", content), write("z.txt", "Zwei.")
    got = read(a, broken, z)
    assert [(doc_id, status) for doc_id, status, _ in got] == [("a.txt", "ok"), ("data.gz", "error"), ("z.txt", "ok")]
    assert got[1][2].startswith("cannot read")


def test_bad_input_an_unforeseen_exception_costs_only_the_rest_of_its_file(write, monkeypatch):
    def half_a_reader(source, options):
        yield from READERS[".jsonl"](source, options)
        raise RuntimeError("reader bug")

    monkeypatch.setitem(READERS, ".csv", half_a_reader)  # a .csv read as JSON Lines, then a crash
    f = write("f.csv", '{"id": "r1", "text": "Gut."}\n')
    z = write("z.txt", "Zwei.")
    assert read(f, z) == [("r1", "ok", None), ("f.csv", "error", "cannot read: RuntimeError: reader bug"),
                          ("z.txt", "ok", None)]


# --- inputs that are no file or folder ------------------------------------------------

@pytest.fixture
def odd_inputs(write):
    fifo = write.folder / "pipe.txt"
    os.mkfifo(fifo)
    link = write.folder / "link.txt"
    link.symlink_to(write.folder / "nowhere.txt")
    return fifo, link


def test_bad_input_a_pipe_or_a_broken_link_is_refused_before_the_run(odd_inputs):
    fifo, link = odd_inputs
    with pytest.raises(InputNotFound, match="not a file or folder"):
        check_inputs([str(fifo)])
    with pytest.raises(InputNotFound, match="broken link"):
        check_inputs([str(link)])
    with pytest.raises(InputNotFound, match="no file or folder matches"):
        check_inputs([str(fifo.parent / "pipe*")])


def test_bad_input_a_pipe_or_a_missing_file_met_mid_run_is_an_error_row(write, odd_inputs):
    fifo, link = odd_inputs
    a = write("a.txt", "Eins.")
    got = read(a, fifo, link, write.folder / "gone.txt", write.folder / "gone*.txt", a)
    assert [status for _, status, _ in got] == ["ok", "error", "error", "error", "error", "ok"]
    assert "gone.txt" in got[3][2]


def test_bad_input_a_glob_walks_the_folders_it_matches(write):
    write("sub1/a.txt", "Eins.")
    write("sub2/deeper/b.jsonl", '{"id": "b", "text": "Zwei."}\n')
    write("sub2/notes.md", "# not read in a folder")
    write("_gold/g.txt", "Gold.")
    pattern = str(write.folder / "*")
    check_inputs([pattern])
    assert [doc_id.removeprefix(str(write.folder) + "/") for doc_id, _, _ in read(pattern)] == ["sub1/a.txt", "b"]


def test_bad_input_a_recursive_glob_reads_each_file_once(write):
    write("a.txt", "Eins.")
    write("sub/b.txt", "Zwei.")
    got = read(write.folder / "**")
    assert [doc_id.removeprefix(str(write.folder) + "/") for doc_id, _, _ in got] == ["a.txt", "sub/b.txt"]


# --- standard input ----------------------------------------------------------------------

class _Endless(io.RawIOBase):
    """``size`` bytes of text, made as they are read."""

    def __init__(self, size: int):
        self.left = size

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self.left)
        buffer[:n] = (b"Wort " * (n // 5 + 1))[:n]
        self.left -= n
        return n


def test_bad_input_stdin_is_spooled_a_megabyte_at_a_time(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(_Endless(96 * 1024 * 1024))))
    tracemalloc.start()
    try:
        ((doc_id, status, error),) = read("-")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (doc_id, status) == ("stdin", "error") and "too long" in error
    assert peak < 60_000_000  # the spool's 16 MB in memory (and its copy), never all 96 MB


# --- nested blocks in XML --------------------------------------------------------------------

def test_bad_input_nested_paragraphs_in_nitf_are_taken_once(write):
    n = 3000  # each <p> held the text of all inside it: 22 million characters
    f = write("n.xml", "<nitf><body><body.content>" + "<p>Wort " * n + "</p>" * n + "</body.content></body></nitf>")
    (report,) = iter_reports([str(f)])
    assert report.status == "ok" and report.text.count("Wort") == n


def test_bad_input_xml_blocks_stop_past_max_chars():
    from xml.etree.ElementTree import fromstring

    from pipeline.ingest.readers import _xml_blocks

    body = fromstring("<body>" + ("<p>" + "x" * 99 + "</p>") * 1000 + "</body>")
    parts = _xml_blocks(body, paragraph=("p",), subheading=("h2",), max_chars=1000)
    assert 10 <= len(parts) <= 11  # enough to pass the limit (the report is too long), no more


# --- CSV ---------------------------------------------------------------------------------------

@pytest.fixture
def csv_field_limit():
    """csv's default field size limit (a global the reader raises), restored after."""
    before = csv.field_size_limit(131_072)
    yield
    csv.field_size_limit(before)


def test_bad_input_csv_delimiter_is_sniffed_from_the_start_of_a_long_header(write, monkeypatch):
    samples = []
    sniff = csv.Sniffer.sniff
    monkeypatch.setattr(csv.Sniffer, "sniff", lambda self, sample, *a, **kw: samples.append(len(sample))
                        or sniff(self, sample, *a, **kw))
    f = write("s.csv", 'id,text;"a' * 10_000 + "\n1,Gut.\n")  # 100 KB header: 44 s to sniff whole
    ((doc_id, status, error),) = read(f)
    assert samples and max(samples) <= 4096
    assert status == "error" and "no 'text' column" in error and len(error) < 300 and "\u2026" in error


def test_bad_input_csv_field_longer_than_max_chars_costs_only_its_row(write, csv_field_limit):
    f = write("f.csv", "id,text\n1,Eins.\n2," + "x" * 1_200_000 + "\n3,Drei.\n")
    got = read(f)
    assert [(doc_id, status) for doc_id, status, _ in got] == [("1", "ok"), ("2", "error"), ("3", "ok")]
    assert "too long" in got[1][2]


# --- JSON Lines in UTF-16 and UTF-32 ------------------------------------------------------------

LINES = '{"id": "a", "text": "Köln (dpa) - Grüße."}\n{"id": "b", "text": "Zwei."}\n'


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_bad_input_jsonl_in_utf16_or_utf32_is_read(write, encoding):
    f = write("f.jsonl", LINES.encode(encoding))
    assert read(f) == [("a", "ok", None), ("b", "ok", None)]
    (first, _) = iter_reports([str(f)])
    assert first.text == "Köln (dpa) - Grüße."


def test_bad_input_jsonl_in_utf16_keeps_lines_bounded(write):
    long_line = json.dumps({"id": "x", "text": "Wort " * 1000}) + "\n"
    f = write("f.jsonl.gz", gzip.compress((LINES + long_line + LINES.replace('"a"', '"c"')).encode("utf-16")))
    got = read(f, max_bytes=2000)
    assert [(doc_id, status) for doc_id, status, _ in got] == [
        ("a", "ok"), ("b", "ok"), ("f.jsonl.gz:3", "error"), ("c", "ok"), ("b", "ok")]


def test_bad_input_jsonl_not_in_utf8_says_so(write):
    f = write("f.jsonl", LINES.encode("latin-1"))
    got = read(f)
    assert [(doc_id, status) for doc_id, status, _ in got] == [("f.jsonl:1", "error"), ("b", "ok")]
    assert got[0][2].startswith("JSON Lines must be UTF-8")


def test_bad_input_jsonl_lone_surrogate_in_utf16_costs_only_its_line(write):
    broken = '{"id": "s", "text": "X'.encode("utf-16-le") + b"\x00\xd8" + '"}\n'.encode("utf-16-le")
    f = write("f.jsonl", codecs.BOM_UTF16_LE + broken + LINES.encode("utf-16-le"))
    got = read(f)
    assert [(doc_id, status) for doc_id, status, _ in got] == [("s", "error"), ("a", "ok"), ("b", "ok")]
    assert "lone surrogate" in got[0][2]


def test_bad_input_jsonl_in_utf16_cut_mid_character_keeps_the_lines_before(write):
    lines = "".join(json.dumps({"id": f"r{i}", "text": f"Bericht {i}."}) + "\n" for i in range(500))
    f = write("f.jsonl", lines.encode("utf-16") + b"\x41")  # one byte of a character
    got = read(f)
    assert [status for _, status, _ in got[:400]] == ["ok"] * 400
    assert got[-1][:2] == ("f.jsonl", "error") and "UTF-16" in got[-1][2]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_bad_input_jsonl_on_stdin_in_any_of_jsons_encodings_is_json_lines(monkeypatch, encoding):
    data = '{"id": "a", "text": "Bericht aus Bonn."}\n{"id": "b", "text": "Bericht aus Ulm."}\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.encode(encoding))))
    assert [(doc_id, status) for doc_id, status, _ in read("-")] == [("a", "ok"), ("b", "ok")]
