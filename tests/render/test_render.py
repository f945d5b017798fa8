"""`meldung show` and `meldung report`: readable, escaped, self-contained HTML."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import pipeline
from pipeline.cli import app
from pipeline.render import _marked_text, document_html, report_html

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "Titel <script>alert('x')</script>\n\nBerlin (dpa) - Am Freitag kamen 14 Menschen <b>nicht</b>. (dpa/abc)\n"


@pytest.fixture(scope="module")
def nlp():
    return pipeline.load("blank")


def test_render_escapes_document_text(nlp):
    tables = pipeline.analyze([HOSTILE], published="2023-05-23", nlp=nlp)
    page = document_html(tables)
    assert "<script" not in page and "&lt;script&gt;" in page and "<b>" not in page


def test_render_marks_numbers_and_dates_with_values(nlp):
    # "Am Freitag kamen ...": past tense, so the Friday before the Tuesday 2023-05-23
    tables = pipeline.analyze([HOSTILE], published="2023-05-23", nlp=nlp)
    page = document_html(tables)
    assert re.search(r'<mark class="date" title="2023-05-19">Freitag</mark>', page)
    assert 'class="num"' in page and "14" in page


@pytest.mark.parametrize(
    "spans,expected",
    [
        ([(0, 4, "a", "A")], '<mark class="a" title="A">Olaf</mark><sup class="lab">A</sup> Scholz'),
        ([(0, 11, "q", ""), (5, 11, "p", "")], '<mark class="q" title="">Olaf </mark>'
         '<mark class="q" title=""><mark class="p" title="">Scholz</mark></mark>'),
    ],
)
def test_render_marked_text_is_well_formed(spans, expected):
    assert _marked_text("Olaf Scholz", spans) == expected


def test_render_report_counts(nlp, tmp_path):
    tables = pipeline.analyze([HOSTILE, "Ein zweiter Text."], published="2023-05-23", nlp=nlp)
    page = report_html(tables)
    assert "2 Dokumente" in page and "<script" not in page


def test_render_cli_show_and_report(write, tmp_path):
    path = write("a.txt", HOSTILE)
    shown = runner.invoke(app, ["show", str(path), "--model", "blank", "--out", str(tmp_path / "a.html")])
    assert shown.exit_code == 0, shown.output
    assert (tmp_path / "a.html").read_text().startswith("<!DOCTYPE html>")
    out = tmp_path / "out"
    runner.invoke(app, ["run", str(write.folder), "--out", str(out), "--model", "blank", "-q"])
    reported = runner.invoke(app, ["report", str(out), "--html", str(tmp_path / "r.html")])
    assert reported.exit_code == 0 and "meldung: Überblick" in (tmp_path / "r.html").read_text()


def test_render_cli_show_unknown_doc_id_is_exit_2(write):
    path = write("a.txt", HOSTILE)
    result = runner.invoke(app, ["show", str(path), "--model", "blank", "--doc-id", "nope"])
    assert result.exit_code == 2 and "no document" in result.output


@pytest.mark.skipif(not any(__import__("shutil").which(b) for b in ("chromium", "chromium-browser")),
                    reason="no Chromium installed (apt-get install chromium)")
def test_render_pages_draw_in_a_real_browser(nlp, tmp_path):
    tables = pipeline.analyze([HOSTILE], published="2023-05-23", nlp=nlp)
    (tmp_path / "show.html").write_text(document_html(tables), encoding="utf-8")
    (tmp_path / "report.html").write_text(report_html(tables), encoding="utf-8")
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "screenshot.py"), str(tmp_path / "show.html"),
                           str(tmp_path / "report.html")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "show.png").stat().st_size > 5000
