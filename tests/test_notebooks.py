"""The analysis notebooks run from top to bottom against tables made from corpus/,
and each draws at least one chart."""

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from typer.testing import CliRunner

from pipeline.cli import app

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory, corpus_dir):
    out = tmp_path_factory.mktemp("nb") / "out"
    CliRunner().invoke(app, ["run", str(corpus_dir), "--out", str(out), "-q"])
    assert (out / "documents").exists()
    return out


@pytest.mark.parametrize("name", ["quotes.ipynb", "people_places.ipynb", "events_numbers.ipynb"])
def test_notebook_executes_and_draws(run_dir, name, monkeypatch):
    monkeypatch.setenv("MELDUNG_OUT", str(run_dir))
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel draws inline
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), "clear outputs"
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    images = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs
              if "image/png" in o.get("data", {})]
    assert images, f"{name} drew no chart"
