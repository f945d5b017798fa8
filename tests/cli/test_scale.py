"""Batch runs: several processes, Dask, resume after kill -9, determinism, crashes."""

import gc
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.util import minibatch
from typer.testing import CliRunner

import pipeline
from pipeline.cli import app
from pipeline.run import GC_THRESHOLD, RunOptions, collecting_garbage_for_a_run, release_free_memory, run
from pipeline.tables import schema
from pipeline.tables.writers import committed_documents

runner = CliRunner()
MELDUNG = [sys.executable, "-m", "pipeline.cli"]


def frames(out: Path) -> dict[str, pd.DataFrame]:
    """Every table of a run, rows sorted, as strings (order-free comparison)."""
    tables = pipeline.read(out)
    result = {}
    for name in tables.names:
        frame = tables[name].astype(str)
        result[name] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    return result


def assert_same_tables(a: Path, b: Path) -> None:
    fa, fb = frames(a), frames(b)
    for name in schema.TABLE_NAMES:
        pd.testing.assert_frame_equal(fa[name], fb[name], obj=name)


@pytest.fixture(scope="module")
def feed(tmp_path_factory) -> Path:
    """A feed of 240 short reports in JSON Lines, plus a few .txt files."""
    folder = tmp_path_factory.mktemp("feed")
    rng = random.Random(7)
    places = ["Berlin", "Paris", "Moskau", "Kiew", "Ankara", "Rom"]
    with open(folder / "feed.jsonl", "w", encoding="utf-8") as handle:
        for i in range(240):
            place = rng.choice(places)
            text = (f"{place} (dpa) - Am Montag kamen mindestens {rng.randint(2, 900)} Menschen zusammen. "
                    f"Rund {rng.randint(1, 90)}.000 Euro wurden gesammelt, sagte ein Sprecher am Dienstag.")
            handle.write(json.dumps({"id": f"r{i:04d}", "text": text, "published": "2023-05-23"}) + "\n")
    for i in range(3):
        (folder / f"t{i}.txt").write_text(f"Titel {i}\n\nBerlin (AFP) - Bericht {i} mit 14 Toten. (afp/so)\n")
    return folder


@pytest.fixture(scope="module")
def reference(feed, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ref") / "out"
    result = runner.invoke(app, ["run", str(feed), "--out", str(out), "--model", "blank", "-q", "--part-size", "25"])
    assert result.exit_code == 0, result.output
    return out


def test_scale_n_process_gives_the_same_tables(feed, reference, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(feed), "--out", str(out), "--model", "blank", "-q", "--n-process", "2"])
    assert result.exit_code == 0, result.output
    assert_same_tables(reference, out)


def test_scale_dask_local_cluster_gives_the_same_tables(feed, reference, tmp_path, monkeypatch):
    monkeypatch.setattr("pipeline.distributed.LINES_PER_PARTITION", 100)
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(feed), "--out", str(out), "--model", "blank", "-q",
                                 "--scheduler", "local", "--n-process", "2"])
    assert result.exit_code == 0, result.output
    assert_same_tables(reference, out)
    assert len(list((out / "documents").glob("part-*.parquet"))) >= 4  # 3 line ranges + 3 files


def test_scale_same_input_gives_byte_identical_files(feed, reference, tmp_path):
    out = tmp_path / "out"
    runner.invoke(app, ["run", str(feed), "--out", str(out), "--model", "blank", "-q", "--part-size", "25"])
    for table in schema.TABLE_NAMES:
        for part in sorted((reference / table).glob("part-*")):
            assert part.read_bytes() == (out / table / part.name).read_bytes(), part


def test_scale_resume_after_kill_9(feed, reference, tmp_path):
    out = tmp_path / "out"
    cmd = MELDUNG + ["run", str(feed), "--out", str(out), "--model", "blank", "-q", "--part-size", "5",
                     "--batch-size", "4"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    manifest = out / "_meldung" / "manifest.jsonl"
    deadline = time.time() + 60
    target = random.Random().randint(2, 20)  # kill after a random number of committed parts
    while time.time() < deadline and proc.poll() is None:
        if manifest.exists() and len(manifest.read_text().splitlines()) >= target:
            break
        time.sleep(0.01)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    again = subprocess.run(cmd + ["--resume"], capture_output=True, timeout=120)
    assert again.returncode == 0, again.stderr.decode()
    docs = pipeline.read(out).documents
    assert docs["doc_id"].is_unique and len(docs) == 243
    assert_same_tables(reference, out)


@Language.component("explodes_on_zwei")
def explodes_on_zwei(doc):
    if "zwei" in doc.text:
        raise RuntimeError("boom")
    return doc


class _CatchesItsOwnErrors(Pipe):
    """Like meldung's components: an exception goes to the error handler and the Doc
    comes back without this component's work."""

    def __init__(self, nlp, name):
        self.name = name

    def __call__(self, doc):
        try:
            if "zwei" in doc.text:
                raise RuntimeError("boom")
            return doc
        except Exception as err:
            self.get_error_handler()(self.name, self, [doc], err)
            return doc


@Language.factory("catches_its_own_errors")
def make_catches_its_own_errors(nlp, name):
    return _CatchesItsOwnErrors(nlp, name)


class _FailsItsMinibatch(Pipe):
    """Like spaCy's trained components (tagger, morphologizer, lemmatizer): documents go
    through in minibatches, and one document that breaks the model hands the error
    handler its whole minibatch, none of whose Docs come back."""

    def __init__(self, nlp, name):
        self.name = name

    def __call__(self, doc):
        return next(iter(self.pipe([doc])), doc)

    def pipe(self, stream, *, batch_size=128):
        for docs in minibatch(stream, size=batch_size):
            try:
                if any("zwei" in doc.text for doc in docs):
                    raise RuntimeError("boom")
                yield from docs
            except Exception as err:
                self.get_error_handler()(self.name, self, docs, err)


@Language.factory("fails_its_minibatch")
def make_fails_its_minibatch(nlp, name):
    return _FailsItsMinibatch(nlp, name)


@pytest.mark.parametrize("component", ["explodes_on_zwei", "catches_its_own_errors", "fails_its_minibatch"])
def test_scale_component_crash_is_an_error_row_and_the_run_goes_on(write, tmp_path, component):
    write("a.txt", "Eins ist gut.")
    write("b.txt", "Hier steht zwei.")
    write("c.txt", "Drei ist auch gut.")
    nlp = pipeline.load("blank")
    nlp.add_pipe(component)
    summary = run([str(write.folder)], tmp_path / "out", RunOptions(), nlp=nlp)
    assert summary.documents["ok"] == 2 and summary.failed == 1
    tables = pipeline.read(tmp_path / "out")
    errors = tables.errors
    assert errors["doc_id"].tolist() == ["b.txt"] and errors["stage"].tolist() == ["nlp"]
    assert component in errors["message"].iloc[0] and "boom" in errors["message"].iloc[0]


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_scale_people_linked_across_documents(tmp_path, fmt):
    from pipeline.run import link_people_parts
    from pipeline.tables.rows import person_id
    from pipeline.tables.writers import DatasetWriter

    writer = DatasetWriter(tmp_path / "out", fmt)
    writer.write_part({"people": [{"doc_id": "a", "entity": 0, "canonical": "Recep Tayyip Erdogan",
                                   "person_id": person_id("Recep Tayyip Erdogan")}]}, ["a"])
    writer.write_part({"people": [{"doc_id": "b", "entity": 0, "canonical": "Erdogan", "person_id": person_id("Erdogan")},
                                  {"doc_id": "b", "entity": 1, "canonical": "Putin", "person_id": person_id("Putin")}]}, ["b"])
    assert link_people_parts(writer) == 1
    people = pipeline.read(tmp_path / "out").people.set_index("canonical")["person_id"]
    assert people["Erdogan"] == people["Recep Tayyip Erdogan"] != people["Putin"]


@pytest.mark.parametrize("component", ["explodes_on_zwei", "catches_its_own_errors", "fails_its_minibatch"])
def test_scale_component_crash_in_a_worker_process_is_an_error_row(write, tmp_path, component):
    for i in range(5):
        write(f"{i}.txt", f"Bericht {i} ist gut.")
    write("z.txt", "Hier steht zwei.")  # in a batch with 4.txt
    nlp = pipeline.load("blank")
    nlp.add_pipe(component)
    summary = run([str(write.folder)], tmp_path / "out", RunOptions(n_process=2, batch_size=2), nlp=nlp)
    assert summary.documents["ok"] == 5 and summary.failed == 1
    errors = pipeline.read(tmp_path / "out").errors
    assert errors["doc_id"].tolist() == ["z.txt"] and "boom" in errors["message"].iloc[0]


@Language.component("dies_on_sterben")
def dies_on_sterben(doc):
    """A crash no Python code can catch, like a segfault in compiled code."""
    if "sterben" in doc.text and os.getpid() != MAIN_PID:
        os._exit(1)
    return doc


MAIN_PID = os.getpid()


def test_scale_a_worker_that_dies_costs_only_its_document(write, tmp_path):
    for i in range(9):
        write(f"{i}.txt", f"Bericht {i} ist gut.")
    write("4s.txt", "Hier muss ein Prozess sterben.")  # in the middle of a batch
    nlp = pipeline.load("blank")
    nlp.add_pipe("dies_on_sterben")
    summary = run([str(write.folder)], tmp_path / "out", RunOptions(n_process=2, batch_size=3), nlp=nlp)
    assert summary.documents["ok"] == 9 and summary.failed == 1
    tables = pipeline.read(tmp_path / "out")
    assert tables.errors["doc_id"].tolist() == ["4s.txt"]
    assert "died" in tables.errors["message"].iloc[0]
    assert sorted(tables.documents["doc_id"]) == sorted([f"{i}.txt" for i in range(9)] + ["4s.txt"])


def _report(doc_id: str, text: str):
    from pipeline.ingest import Report

    return Report(doc_id=doc_id, source="test", text=text)


def test_scale_batches_are_capped_by_documents_and_by_characters():
    from pipeline.run import _chunks

    reports = [_report(str(i), "x" * n) for i, n in enumerate([10, 10, 10, 50, 10, 10])]
    sizes = [[r.doc_id for r in chunk] for chunk in _chunks(reports, size=3, max_chars=30)]
    # three short ones fill a batch; the long one goes alone; the rest follow
    assert sizes == [["0", "1", "2"], ["3"], ["4", "5"]]
    assert [len(c) for c in _chunks(reports, size=2, max_chars=10_000)] == [2, 2, 2]


def test_scale_batch_boundaries_do_not_change_the_tables(corpus_dir, tmp_path):
    """The bundled model's results for a report do not depend on what else is in its batch."""
    if not (Path(pipeline.nlp.BUNDLED_MODEL) / "config.cfg").exists():
        pytest.skip("models/de_meldung has not been built")
    inputs = [str(corpus_dir / "jsonl"), str(corpus_dir / "txt")]
    wide, narrow = tmp_path / "wide", tmp_path / "narrow"
    nlp = pipeline.load()
    run(inputs, wide, RunOptions(batch_size=64, batch_chars=1_000_000), nlp=nlp)
    run(inputs, narrow, RunOptions(batch_size=3, batch_chars=1_500), nlp=nlp)
    assert_same_tables(wide, narrow)


def test_scale_memory_zones_span_batches_and_keep_the_string_store_flat(corpus_dir):
    """A memory zone per batch or one over many batches: the same analyses, and the
    string store is where it started once the zones are left."""
    from pipeline.ingest import iter_reports
    from pipeline.run import analyse

    if not (Path(pipeline.nlp.BUNDLED_MODEL) / "config.cfg").exists():
        pytest.skip("models/de_meldung has not been built")
    reports = list(iter_reports([str(corpus_dir / "jsonl"), str(corpus_dir / "txt")]))
    nlp = pipeline.load()

    def analyses(zone_chars):
        return [[(t.text, t.lemma_, t.tag_, t.dep_, t.ent_type_) for t in doc] if doc is not None else None
                for _, doc in analyse(nlp, reports, batch_size=2, zone_chars=zone_chars, warm_chars=0)]

    one_zone = analyses(10**9)  # the components load their data at first use, for good
    strings = len(nlp.vocab.strings)
    assert analyses(1) == one_zone
    novel = _report("novel", "Der Quorxbauer Vlindemann quorxte am Montag in Zwibbelstadt. (dpa)")
    list(analyse(nlp, [novel], warm_chars=0))
    assert len(nlp.vocab.strings) == strings


def test_scale_the_first_characters_of_a_run_stay_in_the_vocabulary_then_zones_begin():
    """The warm-up: the words of the first ``warm_chars`` characters a pipeline reads stay
    for the run (and in the tokenizer's cache); later words go with their zone, in later
    calls too, so memory stays bounded."""
    from pipeline.run import analyse

    nlp = pipeline.load("blank")
    first = _report("first", "Der Quorxbauer quorxte in Zwibbelstadt.")
    later = _report("later", "Die Vlindemännin knaxte in Plümmelhausen.")
    assert [doc is not None for _, doc in analyse(nlp, [first, later], batch_size=1,
                                                  warm_chars=len(first.text))] == [True, True]
    assert "Quorxbauer" in nlp.vocab.strings
    assert "Vlindemännin" not in nlp.vocab.strings
    strings = len(nlp.vocab.strings)
    list(analyse(nlp, [_report("next", "Ein Trümmelbrauer wurxte.")]))  # the budget is spent
    assert len(nlp.vocab.strings) == strings
    assert nlp.tokenizer.max_cache_size >= 50_000


def _feed_with_repeats(folder: Path) -> Path:
    """Agency feeds repeat ids (an update sent under the id of the first version)."""
    path = folder / "repeats.jsonl"
    texts = ["Berlin (dpa) - Der Bundestag hat getagt.", "Paris (AFP) - Macron reist nach Rom.",
             "Hamburg (dpa) - Der Hafen wächst.", "Kiew (dpa) - Neue Angriffe.", "Rom (AFP) - Streik."]
    ids = ["x", "y", "x", "z", "x"]
    path.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in zip(ids, texts)), encoding="utf-8")
    return path


def test_scale_repeated_ids_get_a_suffix_however_far_apart(tmp_path):
    # one document per batch and per part: the first "x" is committed before the repeats come
    path = _feed_with_repeats(tmp_path)
    nlp = pipeline.load("blank")
    summary = run([str(path)], tmp_path / "out", RunOptions(part_size=1, batch_size=1), nlp=nlp)
    assert summary.documents["ok"] == 5 and summary.skipped == 0
    assert pipeline.read(tmp_path / "out").documents["doc_id"].tolist() == ["x", "y", "x#2", "z", "x#3"]


def test_scale_resume_names_repeats_as_the_first_run_did(tmp_path):
    path = _feed_with_repeats(tmp_path)
    nlp = pipeline.load("blank")
    options = RunOptions(part_size=1, batch_size=1)
    whole = tmp_path / "whole"
    run([str(path)], whole, options, nlp=nlp)
    # a run that stopped after three documents (parts): as if the feed had only those yet
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:3]), encoding="utf-8")
    resumed = tmp_path / "resumed"
    run([str(path)], resumed, options, nlp=nlp)
    path.write_text("".join(lines), encoding="utf-8")
    summary = run([str(path)], resumed, RunOptions(part_size=1, batch_size=1, resume=True), nlp=nlp)
    assert summary.skipped == 3 and summary.documents["ok"] == 2
    assert_same_tables(whole, resumed)


def test_scale_dask_partition_suffixes_repeated_ids_as_a_local_run(tmp_path):
    from pipeline.distributed import Partition, process_partition
    from pipeline.ingest import ReadOptions
    from pipeline.ingest.sources import iter_sources

    path = _feed_with_repeats(tmp_path)
    (source,) = iter_sources([str(path)])
    result = process_partition(Partition(source), str(tmp_path / "parts"), "parquet", "blank", None, ReadOptions())
    assert result["doc_ids"] == ["x", "y", "x#2", "z", "x#3"]


class _SeesTheCollector(Pipe):
    """Notes the garbage collector's settings while it analyses a document."""

    seen: list = []

    def __init__(self, nlp, name):
        self.name = name

    def __call__(self, doc):
        _SeesTheCollector.seen.append((gc.get_threshold()[0], gc.get_freeze_count()))
        return doc


@Language.factory("sees_the_collector")
def make_sees_the_collector(nlp, name):
    return _SeesTheCollector(nlp, name)


def test_scale_a_run_collects_garbage_rarely_and_puts_the_collector_back(write, tmp_path):
    write("a.txt", "Eins ist gut.")
    nlp = pipeline.load("blank")
    nlp.add_pipe("sees_the_collector")
    _SeesTheCollector.seen.clear()
    before = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    run([str(write.folder)], tmp_path / "out", RunOptions(), nlp=nlp)
    threshold, frozen = _SeesTheCollector.seen[0]
    assert threshold >= GC_THRESHOLD > before[0] and frozen > 0  # the loaded pipeline among them
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_scale_a_run_leaves_what_its_caller_froze_frozen():
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collecting_garbage_for_a_run():
            assert gc.get_freeze_count() == frozen
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_scale_a_run_puts_the_collector_back_when_it_fails():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), collecting_garbage_for_a_run():
        raise RuntimeError("a run that breaks")
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def _resident_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads resident memory from /proc")
def test_scale_memory_a_run_has_freed_goes_back_to_the_system_before_the_names_are_linked():
    blocks = [bytearray(1000) for _ in range(100_000)]  # ~100 MB of the C heap
    pin = bytearray(1000)  # above them: freeing them cannot shrink the heap from its top
    del blocks
    freed_but_kept = _resident_mb()
    if not release_free_memory():
        pytest.skip("the C library has no malloc_trim")
    assert _resident_mb() < freed_but_kept - 50
    del pin


# -- stopping a run ------------------------------------------------------------------

def meldung_with(component: str, name: str) -> list[str]:
    """A ``meldung`` command (arguments to follow) whose pipeline is the blank one plus
    the component ``name``, defined by the code ``component``: what a test cannot put into
    a pipeline folder."""
    return [sys.executable, "-c", f"""
import os, signal, sys, time
from pathlib import Path
from spacy.language import Language
import pipeline.run
from pipeline.cli import app
# Ctrl-C as in a terminal: a test suite run in the background (``bash .ci/run &``)
# passes SIGINT on ignored, and meldung leaves an ignored SIGINT ignored
signal.signal(signal.SIGINT, signal.default_int_handler)
{component}
load = pipeline.run.load
def load_with_component(model=None):
    nlp = load("blank")
    nlp.add_pipe("{name}")
    return nlp
pipeline.run.load = load_with_component
app(sys.argv[1:], prog_name="meldung")
"""]


# slow (50 ms a document), and counts the documents it has seen in the file SEEN: the
# test can stop the run in the middle of a part and know how many were analysed by then
SLOW_COUNTER = """
seen = [0]

@Language.component("slow_counter")
def slow_counter(doc):
    time.sleep(0.05)
    seen[0] += 1
    Path(os.environ["SEEN"]).write_text(str(seen[0]))
    return doc
"""


@pytest.fixture()
def small_feed(tmp_path) -> Path:
    path = tmp_path / "feed.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(60):
            text = f"Berlin (dpa) - Am Montag kamen {i + 2} Menschen zusammen, sagte ein Sprecher."
            handle.write(json.dumps({"id": f"r{i:03d}", "text": text, "published": "2023-05-23"}) + "\n")
    return path


def _stop_after(feed: Path, out: Path, counter: Path, signum: int, documents: int) -> subprocess.CompletedProcess:
    """Start a slow run with parts of 5 documents, and send ``signum`` once it has seen
    ``documents`` documents."""
    args = ["run", str(feed), "--out", str(out), "--part-size", "5", "--batch-size", "1"]
    proc = subprocess.Popen(meldung_with(SLOW_COUNTER, "slow_counter") + args, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ, SEEN=str(counter)))
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if counter.exists() and counter.read_text() and int(counter.read_text()) >= documents:
            break
        time.sleep(0.005)
    assert proc.poll() is None, proc.communicate()
    proc.send_signal(signum)
    stdout, stderr = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_scale_stop_writes_what_was_analysed_and_resume_finishes(small_feed, tmp_path, signum):
    out, counter = tmp_path / "out", tmp_path / "seen"
    stopped = _stop_after(small_feed, out, counter, signum, documents=8)  # 3 documents into the second part

    assert stopped.returncode == 128 + signum
    seen = int(counter.read_text())
    kept = committed_documents(out)
    # the part of 5 and the documents since: a document still between the slow component
    # and its rows when the signal came may be left to --resume
    assert seen - 1 <= kept <= seen and kept >= 7
    assert f"{kept:,} documents are written to {out}" in " ".join(stopped.stderr.split())
    assert "--resume" in stopped.stderr

    resumed = runner.invoke(app, ["run", str(small_feed), "--out", str(out), "--model", "blank", "-q", "--resume",
                                  "--part-size", "5"])
    assert resumed.exit_code == 0, resumed.output
    reference = tmp_path / "reference"
    runner.invoke(app, ["run", str(small_feed), "--out", str(reference), "--model", "blank", "-q"])
    assert_same_tables(reference, out)
    assert pipeline.read(out).documents["doc_id"].is_unique


def test_scale_stop_before_any_part_keeps_nothing_and_says_so(small_feed, tmp_path):
    out, counter = tmp_path / "out", tmp_path / "seen"
    stopped = _stop_after(small_feed, out, counter, signal.SIGINT, documents=1)
    assert stopped.returncode == 130
    assert committed_documents(out) <= 1
    assert "--resume" in stopped.stderr


def test_scale_stop_leaves_a_worker_pool_behind_no_process(small_feed, tmp_path):
    """With --n-process 2 the forked workers end with the run (they do not keep the
    command's own SIGTERM handler)."""
    out = tmp_path / "out"
    big = tmp_path / "big.jsonl"
    big.write_text(small_feed.read_text() * 40)  # repeated ids get suffixes: 2,400 documents
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "run", str(big), "--out", str(out),
                             "--model", "blank", "--n-process", "2", "--part-size", "50"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    manifest = out / "_meldung" / "manifest.jsonl"
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None and not (manifest.exists() and manifest.read_text()):
        time.sleep(0.01)
    children = _children(proc.pid)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode in (0, 143), stderr
    time.sleep(0.5)
    assert not [pid for pid in children if _alive(pid)]


def _children(pid: int) -> list[int]:
    found = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in found.split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split()[2] == "Z")


# ends its process the way a segfault in compiled code does
SEGFAULTS_ON_STERBEN = """
@Language.component("segfaults_on_sterben")
def segfaults_on_sterben(doc):
    if "sterben" in doc.text:
        os.kill(os.getpid(), signal.SIGSEGV)
    return doc
"""


def test_scale_a_crash_that_ends_a_one_process_run_costs_only_its_document_on_resume(tmp_path):
    feed = tmp_path / "feed.jsonl"
    texts = [f"Bericht {i} ist gut." for i in range(30)]
    texts[17] = "Hier muss ein Prozess sterben."
    feed.write_text("".join(json.dumps({"id": f"r{i:02d}", "text": t}) + "\n" for i, t in enumerate(texts)))
    out = tmp_path / "out"
    args = meldung_with(SEGFAULTS_ON_STERBEN, "segfaults_on_sterben") + ["run", str(feed), "--out", str(out), "-q",
            "--part-size", "5", "--batch-size", "4"]

    crashed = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert crashed.returncode == -signal.SIGSEGV  # the whole run, as a crash in spaCy's C code would
    assert committed_documents(out) == 15  # the parts before the crash

    resumed = subprocess.run([a for a in args if a != "-q"] + ["--resume"], capture_output=True, text=True,
                             timeout=120)
    assert resumed.returncode == 1, resumed.stderr  # it finished, with one failed document
    # (the batch in flight, r16 to r19, went to a worker process; r15 was analysed, not written)
    assert "4 that the stopped run was analysing analysed in a process of their own" in " ".join(resumed.stdout.split())
    documents = pipeline.read(out).documents.set_index("doc_id")
    assert sorted(documents.index) == [f"r{i:02d}" for i in range(30)]
    assert documents.loc["r17", "status"] == "error"
    assert (documents.drop(index="r17")["status"] == "ok").all()
    assert "died" in pipeline.read(out).errors.set_index("doc_id").loc["r17", "message"]
