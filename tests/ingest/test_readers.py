"""Every input format, and every kind of bad input: an error row, never a crash."""

import gzip
import json
from datetime import date

import pytest

from pipeline.ingest import Fields, ReadOptions, iter_reports

NITF = """<?xml version="1.0" encoding="UTF-8"?>
<nitf version="-//IPTC//DTD NITF 3.6//EN">
 <head><title>Titel im Kopf</title>
  <docdata><doc-id id-string="dpa-123"/><date.issue norm="20230523T101500+0200"/></docdata></head>
 <body>
  <body.head><hedline><hl1>Scholz reist nach Paris</hl1></hedline>
   <byline>Von <person>Anna Beispiel</person></byline>
   <dateline><location><city>Berlin</city></location></dateline>
   <distributor>dpa</distributor></body.head>
  <body.content>
   <p>Berlin (dpa) - Bundeskanzler Olaf Scholz reist am Freitag nach Paris.</p>
   <hl2>Gespräche über die Ukraine</hl2>
   <p>Es gehe um viel, sagte ein Sprecher. (dpa/abc)</p>
  </body.content>
 </body>
</nitf>"""

NEWSML = """<?xml version="1.0" encoding="UTF-8"?>
<newsItem xmlns="http://iptc.org/std/nxml/2008/02/" guid="urn:x" version="1" standard="NewsML-G2" standardversion="2.29">
 <itemMeta><itemClass qcode="ninat:text"/><versionCreated>2022-03-02T08:00:00+01:00</versionCreated></itemMeta>
 <contentMeta><headline>Angriff auf Kiew</headline><located><name>Kiew</name></located>
  <creditline>AFP</creditline><by>so</by></contentMeta>
 <contentSet><inlineXML contenttype="application/xhtml+xml">
  <html xmlns="http://www.w3.org/1999/xhtml"><body><h1>Angriff auf Kiew</h1>
   <p>Kiew (AFP) - In der Nacht gab es Explosionen.</p><h2>Flucht nach Westen</h2><p>Tausende flohen.</p>
  </body></html></inlineXML></contentSet>
</newsItem>"""

HTML = """<!DOCTYPE html><html><head><title>Scholz in Paris | Zeitung</title>
<meta property="article:published_time" content="2023-05-23T10:00:00+02:00"><meta name="author" content="Anna Schmidt"></head>
<body><nav><a href="/">Start</a></nav><div class="cookie">Wir verwenden Cookies.</div>
<article><h1>Scholz in Paris</h1><p>Berlin (dpa) - Bundeskanzler Olaf Scholz reist am Freitag nach Paris. Dort trifft er Emmanuel Macron, wie ein Sprecher mitteilte.</p>
<h2>Neue Hilfen</h2><p>Scholz sagte, er erwarte schwierige Gespräche mit dem Partner in Paris. (dpa/abc)</p>
<script>alert("x")</script></article><footer>Impressum</footer></body></html>"""


def read(folder, **kw):
    return list(iter_reports([str(folder)], ReadOptions(**kw)))


def by_id(reports):
    return {r.doc_id: r for r in reports}


def test_readers_txt(write):
    write("a.txt", "Titel\n\nBerlin (dpa) - Text hier. Mehr.\n\nZwischentitel\n\nSchluss. (dpa/abc)\n")
    (r,) = read(write.folder)
    assert (r.doc_id, r.format, r.headline, r.agency, r.author) == ("a.txt", "txt", "Titel", "dpa", "abc")
    assert r.subheadings == ["Zwischentitel"]
    assert r.text.startswith("Titel\n\nBerlin")


def test_readers_jsonl_fields_and_offsets(write):
    record = {"id": "x1", "text": "Paris (AFP) - Hallo Welt.", "headline": "H", "published": "2023-05-23T23:30:00+02:00",
              "url": "https://example.org/1"}
    write("f.jsonl", json.dumps(record) + "\n")
    (r,) = read(write.folder)
    assert r.text == record["text"]  # text exactly as given: offsets index into it
    assert (r.doc_id, r.headline, r.agency, r.published, r.url) == ("x1", "H", "afp", date(2023, 5, 23), record["url"])


def test_readers_jsonl_remapped_fields(write):
    write("f.jsonl", json.dumps({"guid": "g1", "body": "Ein Text."}) + "\n")
    (r,) = read(write.folder, fields=Fields(id="guid", text="body"))
    assert (r.doc_id, r.text, r.status) == ("g1", "Ein Text.", "ok")


def test_readers_jsonl_gz(write):
    lines = [json.dumps({"id": f"d{i}", "text": f"Text {i}."}) for i in range(3)]
    write("f.jsonl.gz", gzip.compress("\n".join(lines).encode()))
    assert [r.doc_id for r in read(write.folder)] == ["d0", "d1", "d2"]


def test_readers_csv_with_quoted_newlines(write):
    write("f.csv", 'id,headline,text,published\n1,"Kopf, mit Komma","Zeile eins.\nZeile zwei.",2023-05-23\n')
    (r,) = read(write.folder)
    assert (r.doc_id, r.headline, r.text, r.published) == ("1", "Kopf, mit Komma", "Zeile eins.\nZeile zwei.", date(2023, 5, 23))


def test_readers_nitf(write):
    write("n.xml", NITF)
    (r,) = read(write.folder)
    assert (r.format, r.headline, r.author, r.dateline_place, r.agency, r.published) == (
        "nitf", "Scholz reist nach Paris", "Anna Beispiel", "Berlin", "dpa", date(2023, 5, 23))
    assert r.subheadings == ["Gespräche über die Ukraine"]
    assert r.text.startswith("Scholz reist nach Paris\n\nBerlin (dpa) - ")


def test_readers_newsml(write):
    write("g.xml", NEWSML)
    (r,) = read(write.folder)
    assert (r.format, r.headline, r.dateline_place, r.agency, r.author, r.published) == (
        "newsml", "Angriff auf Kiew", "Kiew", "afp", "so", date(2022, 3, 2))
    assert r.subheadings == ["Flucht nach Westen"]
    assert r.text.count("Angriff auf Kiew") == 1


def test_readers_html_main_text_only(write):
    write("p.html", HTML)
    (r,) = read(write.folder)
    assert (r.headline, r.author, r.published, r.agency) == ("Scholz in Paris", "Anna Schmidt", date(2023, 5, 23), "dpa")
    assert "Cookies" not in r.text and "Impressum" not in r.text and "alert" not in r.text
    assert r.subheadings == ["Neue Hilfen"]


def test_readers_skip_underscore_folders_and_unknown_endings(write):
    write("a.txt", "Ein Text.")
    write("_gold/x.jsonl", '{"id": "g", "text": "gold"}')
    write("notes.md", "# notes")
    assert [r.doc_id for r in read(write.folder)] == ["a.txt"]


# --- bad input ---------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]><nitf>&lol2;</nitf>"""
XXE = """<?xml version="1.0"?><!DOCTYPE nitf [<!ENTITY x SYSTEM "file:///etc/passwd">]><nitf><body>&x;</body></nitf>"""


@pytest.mark.parametrize(
    "name,content,status,stage",
    [
        ("empty.txt", b"", "empty", "read"),
        ("blank.txt", b"  \n\t\n  ", "empty", "read"),
        ("junk.txt", bytes(range(256)) * 8, "error", "decode"),
        ("junk.html", b"\x00\xff\x13" * 500, "error", "decode"),
        ("broken.xml", b"<nitf><body><p>Abgebrochen", "error", "parse"),
        ("bomb.xml", BILLION_LAUGHS.encode(), "error", "parse"),
        ("xxe.xml", XXE.encode(), "error", "parse"),
        ("other.xml", b"<rss><channel/></rss>", "error", "parse"),
        ("notext.csv", b"id,headline\n1,Kopf\n", "error", "parse"),
        ("header_only.csv", b"id,text\n", "empty", "read"),
    ],
)
def test_readers_bad_input_gives_one_failed_report(write, name, content, status, stage):
    write(name, content)
    (r,) = read(write.folder)
    assert (r.doc_id, r.status, r.stage) == (name, status, stage)
    assert r.error


def test_readers_xxe_never_reads_the_file(write):
    write("xxe.xml", XXE)
    (r,) = read(write.folder)
    assert "root:" not in (r.text + (r.error or ""))


def test_readers_jsonl_bad_lines_do_not_stop_the_file(write):
    write("f.jsonl", '{"id": "a", "text": "Gut."}\nkein json\n[1, 2]\n{"id": "b", "text": "Auch gut."}\n{"id": "c"}\n')
    got = [(r.doc_id, r.status) for r in read(write.folder)]
    assert got == [("a", "ok"), ("f.jsonl:2", "error"), ("f.jsonl:3", "error"), ("b", "ok"), ("c", "error")]


def test_readers_too_long_document_is_an_error(write):
    write("long.txt", "Wort " * 1000)
    (r,) = read(write.folder, max_chars=1000)
    assert r.status == "error" and "too long" in r.error and r.text == ""


def test_readers_too_large_file_is_not_read_whole(write):
    write("big.txt", b"a" * 5000)
    (r,) = read(write.folder, max_bytes=1000)
    assert (r.status, r.stage) == ("error", "read") and "larger than" in r.error


def test_readers_huge_single_report_is_an_error_row_and_the_run_goes_on(write):
    big = write("huge.txt", b"")
    with open(big, "wb") as handle:  # 50 MB of plausible text, generated, never committed
        line = "Berlin (dpa) - Ein sehr langer Bericht mit vielen Wörtern. " * 100 + "\n"
        while handle.tell() < 50 * 1024 * 1024:
            handle.write(line.encode("utf-8"))
    write("small.txt", "Ein kleiner Bericht.")
    got = {r.doc_id: r for r in read(write.folder)}
    assert got["huge.txt"].status == "error" and "too long" in got["huge.txt"].error
    assert got["small.txt"].status == "ok"


@pytest.mark.parametrize("newline", [True, False], ids=["then a newline", "to the end"])
def test_readers_a_jsonl_line_longer_than_max_bytes_is_an_error_row_and_never_held_whole(write, newline):
    import tracemalloc

    long_line = b'{"id": "x", "text": "' + b"Wort " * 2_000_000 + b'"}'  # 10 MB
    write("f.jsonl", b'{"id": "a", "text": "Gut."}\n' + long_line + (b'\n{"id": "b", "text": "Auch gut."}\n'
                                                                       if newline else b""))
    tracemalloc.start()
    try:
        got = [(r.doc_id, r.status, r.error) for r in read(write.folder, max_bytes=100_000)]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    expected = [("a", "ok", None), ("f.jsonl:2", "error", "line longer than --max-bytes")]
    assert got == expected + ([("b", "ok", None)] if newline else [])
    assert peak < 5_000_000  # a megabyte of the line at a time, not its 10 MB
