"""Shared fixtures: the sample corpus, its gold, and a blank German pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared" / "corpora"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def gold_documents() -> list[dict]:
    path = CORPUS / "_gold" / "documents.jsonl"
    if not path.exists():
        pytest.skip("corpus gold not present")
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def blank_nlp():
    from pipeline.nlp import load

    return load("blank")


@pytest.fixture
def write(tmp_path):
    """write(name, content) -> path of a file in a fresh input folder (str or bytes)."""
    folder = tmp_path / "in"
    folder.mkdir()

    def _write(name: str, content) -> Path:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    _write.folder = folder
    return _write
