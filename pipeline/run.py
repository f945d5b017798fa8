"""A whole run: inputs -> reports -> Docs -> rows -> table part files.

Data flows one way and streams: reports are read lazily, analysed in batches by
``nlp.pipe`` (in ``n_process`` forked workers), turned into rows, and written as one part
per ``part_size`` documents, so memory stays flat however many documents come.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import re
import sys
import time
from collections import Counter, deque
from contextlib import ExitStack, contextmanager
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Container, Iterable, Iterator
from weakref import WeakKeyDictionary

from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from . import extensions  # noqa: F401 - registers Doc extensions
from .ingest import ReadOptions, Report, iter_reports
from .nlp import load
from .tables import schema
from .tables.rows import doc_rows
from .tables.writers import DatasetWriter, OutputExists

#: Documents per written part (a part is the unit that --resume keeps or redoes).
DEFAULT_PART_SIZE = 500
#: Python's cyclic garbage collector during a run looks for cycles once this many more
#: container objects were made than freed (its default is 700). A run makes hundreds of
#: thousands that live for a batch or a part (the Docs' span values, the rows) and that
#: their reference counts free; with the default, over 1,000 benchmark reports the
#: collector ran 555 times, twice of them over everything, 90 ms each (see
#: :func:`collecting_garbage_for_a_run`).
GC_THRESHOLD = 10_000
#: Characters of text per nlp.pipe batch at most (a single longer document is a batch of
#: its own). Peak memory follows the words in the batch at hand, not the number of
#: documents: 64 documents of a feed held 6,600 words in one batch and 28,000 in another
#: (510 vs 990 MB). Capping the characters keeps a long archive's peak where a short
#: run's is.
DEFAULT_BATCH_CHARS = 60_000
#: Characters of text analysed inside one ``nlp.memory_zone()`` (whole batches; the last
#: one may pass it). Leaving a zone forgets the words first seen in it, and the next zone
#: builds their lexemes again: a zone per 60,000-character batch spent 0.45 CPU s more
#: per 1,000 benchmark reports on tokenising than no zone at all, one per eight batches
#: about half that, while the string store still stops growing.
DEFAULT_ZONE_CHARS = 480_000
#: Characters at the start of a run analysed outside any memory zone. Their words stay
#: in the vocabulary and in the tokenizer's cache for the whole run (spaCy caches no
#: tokenisation made inside a zone), so the common words of the feed are built and
#: split once: making the Docs of 1,000 benchmark reports in a run took 2.6 CPU s with
#: every batch in a zone and 1.35 s with this warm-up. Memory stays bounded: the warm-up
#: does not grow with the run.
DEFAULT_WARM_CHARS = 480_000
#: Tokenisation chunks spaCy's tokenizer may cache (its default is 10,000; the warm-up
#: of a news feed has about 30,000 distinct words).
TOKENIZER_CACHE = 50_000


@dataclass
class RunOptions:
    fmt: str = "parquet"
    model: str | None = None
    published: date | None = None  # --date: publication date where the input has none
    n_process: int = 1
    batch_size: int = 64
    batch_chars: int = DEFAULT_BATCH_CHARS
    part_size: int = DEFAULT_PART_SIZE
    resume: bool = False
    overwrite: bool = False
    read: ReadOptions = field(default_factory=ReadOptions)


@dataclass
class RunSummary:
    documents: Counter = field(default_factory=Counter)  # status -> count
    rows: dict[str, int] = field(default_factory=dict)
    words: int = 0
    seconds: float = 0.0
    skipped: int = 0  # already done in a resumed run
    #: documents a resumed run analysed in a worker process of their own: those the run
    #: before was analysing when it died
    apart: int = 0
    #: documents by status of the parts a resumed run found done (not in ``documents``)
    earlier: Counter = field(default_factory=Counter)

    @property
    def failed(self) -> int:
        """Documents that failed in this run (a resumed run's earlier parts: ``earlier``)."""
        return self.documents.get("error", 0)

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0


Progress = Callable[[int, int, int], None]  # (documents done, words, documents failed)


#: a single line break between two lines of text (not part of a blank line)
_WRAPPED_LINE = re.compile(r"(?<=\S)[ \t]*\n(?=[ \t]*\S)")


def unwrap_lines(text: str) -> str:
    r"""``text`` with the line breaks of wrapped prose as spaces, same length.

    Agency copy often arrives hard-wrapped ("... Emmanuel Macron\nkommen am Freitag
    ..."); spaCy keeps each "\n" as a token, which the tagger and parser read as a
    word (PROPN, the subject of the next sentence) and which then breaks coordination
    and roles. Each such "\n" becomes one " ", so every character offset stays valid
    in the original text; blank lines stay. Headlines, subheadings and signatures
    keep their own sentences through the layout blocks, which are found on the
    original text.

    >>> unwrap_lines("Macron\nkommen am\nFreitag.\nNeu\n\nAb")
    'Macron kommen am Freitag. Neu\n\nAb'
    """
    return _WRAPPED_LINE.sub(lambda m: m.group(0).replace("\n", " "), text)


#: A run of more characters than this without white space is cut into tokens of
#: :data:`LONG_RUN_PIECE` characters before the tokenizer sees it: spaCy's tokenizer takes
#: time quadratic in the length of a run of punctuation (``((((``, ``====``, ``""""``:
#: 8,000 ``(`` took 13 s, 16,000 ``=`` 116 s), and a document may hold 1,000,000
#: characters. Long URLs stay below it. A run of this length still costs the tokenizer
#: 0.1-0.25 s at worst (of ``=``, ``/``), a bounded cost per run.
LONG_RUN = 1_000
#: Characters per token of a run longer than :data:`LONG_RUN` (the last may be shorter).
LONG_RUN_PIECE = 100
#: a run of more than LONG_RUN non-space characters (tried at the start of each run only:
#: without the look-behind the search would be quadratic in a run's length)
_LONG_RUN = re.compile(r"(?<!\S)\S{%d,}" % (LONG_RUN + 1))


#: the token attributes :func:`tokenize` copies from the pieces of a text into its Doc
_JOINED_ATTRS = [attr for attr in Doc._get_array_attrs() if attr != SENT_START]


def tokenize(nlp: Language, text: str) -> Doc:
    """``nlp.make_doc(text)``, but each run of more than :data:`LONG_RUN` characters
    without white space is cut into tokens of :data:`LONG_RUN_PIECE` characters (no
    space between them) rather than tokenised; ``doc.text == text`` all the same. Text
    without such a run is tokenised as it is, in one piece."""
    if len(text) <= LONG_RUN or len(text) > nlp.max_length:
        return nlp.make_doc(text)  # (over max_length: make_doc's own error)
    run = _LONG_RUN.search(text)
    if run is None:
        return nlp.make_doc(text)
    docs = []
    at = 0
    while run is not None:
        start, end = run.span()
        if start > at:
            docs.append(nlp.make_doc(text[at:start]))
        words = [text[k:min(k + LONG_RUN_PIECE, end)] for k in range(start, end, LONG_RUN_PIECE)]
        spaces = [False] * len(words)
        if text[end:end + 1] == " ":  # the space after the run: the last piece's, as the
            spaces[-1] = True         # tokenizer would give it
            end += 1
        docs.append(Doc(nlp.vocab, words=words, spaces=spaces))
        at = end
        run = _LONG_RUN.search(text, at)
    if at < len(text):
        docs.append(nlp.make_doc(text[at:]))
    # (each piece's first token has SENT_START set, as a Doc's first token has: not copied,
    # or every piece would start a sentence; the joined Doc's first token has it)
    doc = (Doc.from_docs(docs, ensure_whitespace=False, attrs=_JOINED_ATTRS, exclude=["tensor"])
           if len(docs) > 1 else docs[0])
    if doc.text != text:  # (cannot happen: every offset of the tables depends on it)
        raise ValueError("tokenize: the pieces of a text with a long run do not add up to it")
    return doc


def make_doc(nlp: Language, report: Report) -> Doc:
    """The report's text as a Doc carrying its metadata and layout blocks (the text
    as the model reads it: :func:`unwrap_lines`; offsets are those of ``report.text``;
    tokens as :func:`tokenize` makes them)."""
    doc = tokenize(nlp, unwrap_lines(report.text))
    doc._.doc_id = report.doc_id
    doc._.published = report.published.isoformat() if report.published else None
    doc._.dateline_place = report.dateline_place
    spans = []
    for block in report.blocks:
        span = doc.char_span(block.start, block.end, label=block.kind, alignment_mode="expand")
        if span is not None and len(span):
            spans.append(span)
    doc.spans["layout"] = spans
    return doc


_FAILURES: dict[str, str] = {}


def _record_failure(proc_name, proc, docs, error) -> None:
    """spaCy error handler: remember why a component failed on a document.

    spaCy's trained components (tagger, morphologizer, lemmatizer) hand over their whole
    minibatch when one document breaks them: recorded, every document of the minibatch
    was an error row. Given more than one document, the error goes on up, and
    :func:`analyse` runs the batch again document by document."""
    if len(docs) > 1:
        raise error
    for doc in docs:
        _FAILURES[doc._.doc_id] = f"{proc_name}: {type(error).__name__}: {error}"


def _set_error_handler(nlp: Language) -> None:
    """Route component errors to :func:`_record_failure` where a pipe accepts it.

    spaCy's Cython pipes (the parser) take no error handler (setting one raises
    AttributeError); an error there is caught per batch by :func:`analyse`."""
    nlp.default_error_handler = _record_failure
    for _, pipe in nlp.pipeline:
        if hasattr(pipe, "set_error_handler"):
            try:
                pipe.set_error_handler(_record_failure)
            except AttributeError:
                pass


def _chunks(items: Iterable[Report], size: int,
            max_chars: int = DEFAULT_BATCH_CHARS) -> Iterator[list[Report]]:
    """Batches of at most ``size`` reports and ``max_chars`` characters of text (a report
    longer than that alone), in input order."""
    chunk: list[Report] = []
    chars = 0
    for item in items:
        length = len(item.text or "")
        if chunk and chars + length > max_chars:
            yield chunk
            chunk, chars = [], 0
        chunk.append(item)
        chars += length
        if len(chunk) >= size:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


def _docs(nlp: Language, chunk: list[Report]) -> list[Doc]:
    docs = []
    for report in chunk:
        if report.status == "ok":
            try:
                docs.append(make_doc(nlp, report))
            except Exception as err:  # noqa: BLE001 - tokenizer failure on odd text
                _fail(report, "tokenize", err)
    return docs


def _settle(chunk: list[Report], done: dict[str, Doc]) -> Iterator[tuple[Report, Doc | None]]:
    """Each report of a chunk with its Doc; a report sent to the pipeline whose Doc
    did not come back failed in a component. So did one whose Doc came back after a
    component's error handler caught an exception (the Doc then lacks that component's
    work): it is reported as failed too, never half-annotated."""
    for report in chunk:
        doc = done.get(report.doc_id)
        failure = _FAILURES.pop(report.doc_id, None)
        if (doc is None or failure is not None) and report.status == "ok":
            report.status, report.stage = "error", "nlp"
            report.error = failure or "a pipeline component failed"
            doc = None
        yield report, doc


def analyse(nlp: Language, reports: Iterable[Report], *, batch_size: int = 64,
            batch_chars: int = DEFAULT_BATCH_CHARS,
            zone_chars: int = DEFAULT_ZONE_CHARS,
            warm_chars: int = DEFAULT_WARM_CHARS,
            on_batch: Callable[[list[str]], None] | None = None) -> Iterator[tuple[Report, Doc | None]]:
    """Each report with its analysed Doc (None for failed or empty reports), in order.
    The reports' doc_ids must be unique (:func:`unique_reports` makes them so): a Doc
    finds its report by it.

    A document on which a component raises is reported with status ``error`` and
    stage ``nlp``; the other documents go on. Documents go through the pipeline a
    batch at a time. The first ``warm_chars`` characters that ``nlp`` analyses in this
    process (over all calls; 0: none) go outside any memory zone; after them, batches
    go inside ``nlp.memory_zone()`` of about ``zone_chars`` characters each (so the
    string store does not grow with the run; a Doc is valid until the next one is asked
    for). A batch that raises is redone document by document. ``on_batch`` is told the
    doc_ids of each batch before it goes into the pipeline.
    """
    _set_error_handler(nlp)
    _widen_tokenizer_cache(nlp)
    with ExitStack() as zone:
        in_zone, zone_used = False, 0
        for chunk in _chunks(reports, batch_size, batch_chars):
            chars = sum(len(report.text or "") for report in chunk) or 1
            warm_left = min(warm_chars, _WARM_LEFT.get(nlp, warm_chars))
            if warm_left > 0:
                _WARM_LEFT[nlp] = warm_left - chars  # no zone: these words stay for the run
            elif not in_zone:
                zone.enter_context(nlp.memory_zone())
                in_zone = True
            if on_batch is not None:
                on_batch([report.doc_id for report in chunk])
            docs = _docs(nlp, chunk)
            try:
                done = {d._.doc_id: d for d in nlp.pipe(docs, batch_size=batch_size)}
            except Exception:  # noqa: BLE001 - find the document(s) that broke the batch
                done = {}
                for report in chunk:  # (what the batch's run recorded is for its own run)
                    _FAILURES.pop(report.doc_id, None)
                for doc in _docs(nlp, [r for r in chunk if r.status == "ok"]):
                    try:
                        done[doc._.doc_id] = nlp(doc)
                    except Exception as err:  # noqa: BLE001 - the handler's cause comes first
                        _FAILURES.setdefault(doc._.doc_id, f"{type(err).__name__}: {err}")
            yield from _settle(chunk, done)
            if in_zone:
                zone_used += chars
                if zone_used >= zone_chars:
                    zone.close()  # the Docs of the zone are done with: their strings may go
                    in_zone, zone_used = False, 0


#: characters each pipeline may still analyse outside a memory zone in this process
_WARM_LEFT: WeakKeyDictionary[Language, int] = WeakKeyDictionary()


def _widen_tokenizer_cache(nlp: Language) -> None:
    """Let the tokenizer cache the warm-up's words (see :data:`TOKENIZER_CACHE`)."""
    tokenizer = nlp.tokenizer
    if getattr(tokenizer, "max_cache_size", TOKENIZER_CACHE) < TOKENIZER_CACHE:
        tokenizer.max_cache_size = TOKENIZER_CACHE


#: the pipeline a forked worker of :func:`_rows_from_pool` inherits (set only while a pool runs)
_POOL_NLP: Language | None = None

Analysed = tuple[Report, dict[str, list[dict]], int]  # a report, its rows per table, its words


def analysed_rows(nlp: Language, reports: Iterable[Report], *, n_process: int = 1,
                  batch_size: int = 64, batch_chars: int = DEFAULT_BATCH_CHARS, apart: bool = False,
                  on_batch: Callable[[list[str]], None] | None = None) -> Iterator[Analysed]:
    """Each report with its checked rows and word count, in input order.

    ``apart``: in worker processes even with one (``n_process`` 1), so that a document
    that kills its process costs only itself. ``on_batch``: see :func:`analyse` (one
    process only).

    With ``n_process`` > 1 the work goes to forked worker processes a batch at a time,
    and each worker builds the rows itself: only reports and rows travel back, never
    Docs. (spaCy's own ``nlp.pipe(n_process=...)`` sends every Doc to a worker and
    back as bytes and left the rows to the parent; on two cores the parent was the
    bottleneck.)
    """
    if n_process <= 1 and not apart:
        for report, doc in analyse(nlp, reports, batch_size=batch_size, batch_chars=batch_chars,
                                   on_batch=on_batch):
            yield report, checked_rows(report, doc), len(doc) if doc is not None else 0
        return
    yield from _rows_from_pool(nlp, reports, n_process=max(n_process, 1), batch_size=batch_size,
                               batch_chars=batch_chars)


def _pool_work(chunk: list[Report]) -> list[Analysed]:
    """In a worker: one batch of reports through the inherited pipeline, rows included."""
    assert _POOL_NLP is not None, "the pool's pipeline was not set before forking"
    return [(report, checked_rows(report, doc), len(doc) if doc is not None else 0)
            for report, doc in analyse(_POOL_NLP, chunk, batch_size=max(len(chunk), 1),
                                       batch_chars=sys.maxsize)]  # the parent made the batch


def _rows_from_pool(nlp: Language, reports: Iterable[Report], *, n_process: int,
                    batch_size: int, batch_chars: int) -> Iterator[Analysed]:
    """:func:`analysed_rows` over ``n_process`` forked workers that share the loaded model.

    At most two batches per worker are in flight, so memory stays flat. A worker that
    dies (a crash inside compiled code) breaks the pool: the batches in flight are
    redone one at a time in pools of their own, a batch that kills its worker again
    document by document, and the document that does is recorded as failed (stage
    ``nlp``); the run goes on.
    """
    global _POOL_NLP
    context = multiprocessing.get_context("fork")  # workers inherit the model: no reload
    _set_error_handler(nlp)
    _POOL_NLP = nlp
    pool = _pool(n_process, context)
    window: deque[tuple[list[Report], Future]] = deque()
    try:
        for chunk in _chunks(reports, batch_size, batch_chars):
            try:
                window.append((chunk, pool.submit(_pool_work, chunk)))
            except BrokenProcessPool:  # a worker died since the last collect: redo what was in flight
                window.append((chunk, _broken_future()))
            while len(window) >= 2 * n_process:
                results, pool = _collect(window, pool, n_process, context)
                yield from results
        while window:
            results, pool = _collect(window, pool, n_process, context)
            yield from results
    finally:
        pool.shutdown(cancel_futures=True)
        _POOL_NLP = None


def _pool(n_process: int, context) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(n_process, mp_context=context, initializer=_die_with_parent)


def _broken_future() -> Future:
    """A future that failed as a broken pool's do: :func:`_collect` then redoes its batch."""
    future: Future = Future()
    future.set_exception(BrokenProcessPool("the pool broke before this batch was sent"))
    return future


def _die_with_parent() -> None:
    """In a worker: end when the parent process ends, even by kill -9 (Linux), instead
    of living on as an orphan holding a model's memory. The signal handlers a command
    put in place for itself (``meldung run`` stops cleanly on SIGTERM) go back to
    Python's defaults: a worker the pool terminates ends at once."""
    import signal

    for signum, default in ((signal.SIGINT, signal.default_int_handler), (signal.SIGTERM, signal.SIG_DFL)):
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, default)
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def _collect(window: deque, pool: ProcessPoolExecutor, n_process: int,
             context) -> tuple[list[Analysed], ProcessPoolExecutor]:
    """The results of the oldest batch in flight (and the pool to go on with)."""
    chunk, future = window.popleft()
    try:
        return future.result(), pool
    except BrokenProcessPool:
        pass
    pending = [chunk] + [c for c, _ in window]
    window.clear()
    pool.shutdown(cancel_futures=True)
    results: list[Analysed] = []
    for item in pending:
        results += _redo_alone(item, context)
    return results, _pool(n_process, context)


def _redo_alone(chunk: list[Report], context) -> list[Analysed]:
    """A batch redone in a pool of its own; if a worker dies again, each document alone,
    and the one that kills its worker is an error row."""
    with _pool(1, context) as pool:
        try:
            return pool.submit(_pool_work, chunk).result()
        except BrokenProcessPool:
            pass
    if len(chunk) > 1:
        return [row for report in chunk for row in _redo_alone([report], context)]
    report = chunk[0]
    if report.status == "ok":
        report.status, report.stage = "error", "nlp"
        report.error = "the worker process analysing this document died"
    return [(report, checked_rows(report, None), 0)]


def _fail(report: Report, stage: str, err: Exception) -> None:
    report.status, report.stage, report.error = "error", stage, f"{type(err).__name__}: {err}"


def checked_rows(report: Report, doc: Doc | None) -> dict[str, list[dict]]:
    """The document's rows, each value checked against its column type; a document
    whose rows cannot be made keeps its documents row and gets an error row."""
    try:
        tables = doc_rows(report, doc)
        for table, rows in tables.items():
            schema.check_rows(table, rows)
        return tables
    except Exception as err:  # noqa: BLE001 - one bad document must not stop the run
        _fail(report, "rows", err)
        return doc_rows(report, None)


def unique_reports(reports: Iterable[Report], done: Container[str], summary: RunSummary,
            published: date | None) -> Iterator[Report]:
    """Give repeated doc_ids a suffix ("x", "x#2", ...), then skip the documents a resumed
    run finished before (``done``). Suffixes first, so that a resumed run names the
    repeats as the first run did, and a repeat long after its first is never taken for a
    finished document.

    ``done`` may map each doc_id to the source it was read from (the writer's manifest):
    a finished id that now comes from another source means the inputs changed order (a
    new file sorted before the old ones, with an id of theirs), and the run is refused.
    Skipped, the new file's "x" was lost and the old "x", now "x#2", written twice."""
    seen: set[str] = set()
    recorded = getattr(done, "get", None)
    for report in reports:
        base, n = report.doc_id, 1
        while report.doc_id in seen:
            n += 1
            report.doc_id = f"{base}#{n}"
        seen.add(report.doc_id)
        if report.doc_id in done:
            source = recorded(report.doc_id) if recorded else None
            if source is not None and source != report.source:
                raise OutputExists(
                    f"document {report.doc_id!r} of the run being resumed came from {source}, and "
                    f"now {report.source} comes first with that id: resume with the inputs of the "
                    f"run, in their order (new files may come after them), or start again with --overwrite")
            summary.skipped += 1
            continue
        if report.published is None and published is not None:
            report.published = published
        yield report


def link_people_parts(writer: DatasetWriter) -> int:
    """Give each person one ``person_id`` across the run: "Erdogan" alone in one report
    joins "Recep Tayyip Erdogan" of another when that is the only such full name
    (:func:`pipeline.link.link_people`). Rewrites the people part files that change
    (atomically); returns how many. Runs again after every --resume, from all parts.

    Reads the names and ids column by column and a whole part only when it changes, one
    at a time: all people rows of a run as Python dicts grew with the run (about 12 MB per
    10,000 reports)."""
    from .link import link_people, person_id
    from .tables.writers import read_part_columns, read_part_file, write_table_file

    folder = writer.part_root / "people"
    files = sorted(p for p in folder.iterdir() if p.name.startswith("part-")) if folder.exists() else []
    mapping = link_people(name for f in files for name in read_part_columns(f, "people", ["canonical"])[0])
    changed = 0
    for file in files:
        canonicals, ids = read_part_columns(file, "people", ["canonical", "person_id"])
        new_ids = [person_id(mapping.get(name, name)) if name else old for name, old in zip(canonicals, ids)]
        if new_ids != ids:
            rows = read_part_file(file, "people").to_pylist()
            for row, new_id in zip(rows, new_ids):
                row["person_id"] = new_id
            write_table_file(file, "people", rows, file.suffix.lstrip("."))  # the part's own format
            changed += 1
    return changed


def release_free_memory() -> bool:
    """Hand the heap memory the process has freed back to the system (glibc's
    ``malloc_trim``); False where the C library has no such call (macOS, musl).

    glibc keeps what Python and spaCy free for later use, so a process's resident memory
    is about the most its heap ever held, and what a run does after its reports (reading
    every people part to link the names) could come on top of that: in three of four runs
    of 10,000 benchmark reports the linking raised the peak RSS by 10-19 MB (to 683-697
    MB). Called once the reports are done, it took a traced run from 662 to 492 MB and
    the linking then stayed below the peak of the reports (675-680 MB in four runs).
    Called after every memory zone as well, it cost ~2.7% more CPU in page faults for no
    lower peak. No library wraps this one C call; hence ctypes."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError, TypeError):  # (TypeError: Windows has no CDLL(None))
        return False
    trim(0)
    return True


@contextmanager
def collecting_garbage_for_a_run() -> Iterator[None]:
    """Python's cyclic garbage collector set for a long run, and as it was after it.

    The objects alive when a run starts (the loaded pipeline, its lexicons and models)
    live as long as it does: ``gc.freeze()`` takes them out of the collector's full passes,
    which visit every container object (and forked workers then share their memory pages
    longer). The collector's first generation waits for :data:`GC_THRESHOLD` new
    containers. Over 1,000 benchmark reports the collector's time went from 0.25 CPU s
    (0.18 s of it two full passes) to 0.06 s; the model alone spends 0.004 s.
    Where the caller has frozen objects already, they stay frozen: nothing is frozen or
    thawed then."""
    threshold = gc.get_threshold()
    freezing = gc.get_freeze_count() == 0
    if freezing:
        gc.freeze()
    gc.set_threshold(max(threshold[0], GC_THRESHOLD), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        if freezing:
            gc.unfreeze()


def run(inputs: list[str], out: str | Path, options: RunOptions | None = None, *,
        nlp: Language | None = None, progress: Progress | None = None) -> RunSummary:
    """Analyse ``inputs`` and write every table under ``out``; return what happened."""
    options = options or RunOptions()
    started = time.perf_counter()
    writer = DatasetWriter(out, options.fmt, resume=options.resume, overwrite=options.overwrite)
    try:
        on_dask = sorted(p for p in writer.committed_parts if p.startswith("d"))
        if on_dask:  # (its repeated ids have no suffixes: resumed here, they were analysed again)
            raise OutputExists(f"output folder {out} holds a run made with --scheduler (part {on_dask[0]}); "
                               f"resume it with --scheduler")
        nlp = nlp or load(options.model)
        summary = RunSummary(earlier=Counter(writer.documents_before))
        reports = unique_reports(iter_reports(inputs, options.read), writer.done, summary, options.published)
        apart: list[Report] = []
        if writer.suspects:
            reports = _set_apart(reports, writer.suspects, apart)
        with collecting_garbage_for_a_run():
            _analyse_and_write(nlp, reports, writer, options, summary, progress)
            if apart:  # last, in a worker process: one may be what ended the run before
                summary.apart = len(apart)
                _analyse_and_write(nlp, apart, writer, options, summary, progress, apart=True)
        release_free_memory()
        link_people_parts(writer)
        writer.close()
    finally:
        writer.release()  # (a run that failed: the folder may be resumed at once)
    summary.rows = dict(writer.rows_written)
    summary.seconds = time.perf_counter() - started
    return summary


def _set_apart(reports: Iterable[Report], suspects: Container[str], apart: list[Report]) -> Iterator[Report]:
    """``reports`` without those in ``suspects``, which go to ``apart``: the batch a
    one-process run was analysing when it died. A crash in compiled code (a segfault)
    ends the whole process, and a resumed run that met the same document in the same
    place died again, every time."""
    for report in reports:
        if report.doc_id in suspects:
            apart.append(report)
        else:
            yield report


def _analyse_and_write(nlp: Language, reports: Iterable[Report], writer: DatasetWriter,
                       options: RunOptions, summary: RunSummary, progress: Progress | None,
                       apart: bool = False) -> None:
    """The rows of ``reports``, written a part per ``options.part_size`` documents. A run
    stopped by Ctrl-C (KeyboardInterrupt) first writes the documents it has analysed
    since its last part: an hour's run stopped just before a part was full lost up to
    ``part_size`` documents of work, which ``--resume`` then did again."""
    finished: list[tuple[Report, dict[str, list[dict]]]] = []
    try:
        for report, doc_tables, words in analysed_rows(nlp, reports, n_process=options.n_process,
                                                       batch_size=options.batch_size,
                                                       batch_chars=options.batch_chars, apart=apart,
                                                       on_batch=writer.mark_in_flight):
            finished.append((report, doc_tables))  # one step: a Ctrl-C comes before or after it
            summary.documents[report.status] += 1
            summary.words += words
            if progress:
                progress(sum(summary.documents.values()), summary.words, summary.failed)
            if len(finished) >= options.part_size:
                _write_finished(writer, finished)
    except KeyboardInterrupt:
        _write_finished(writer, finished)
        raise
    _write_finished(writer, finished)


def _write_finished(writer: DatasetWriter, finished: list[tuple[Report, dict[str, list[dict]]]]) -> None:
    """Write the documents of ``finished`` as one part and empty the list. The list is
    emptied first: a part a second Ctrl-C cuts off is not committed (``--resume`` does
    its documents again), and one committed is never written a second time."""
    if not finished:
        return
    documents = finished[:]
    finished.clear()
    tables: dict[str, list[dict]] = {name: [] for name in schema.TABLE_NAMES}
    for _, doc_tables in documents:
        for table, rows in doc_tables.items():
            tables[table].extend(rows)
    reports = [report for report, _ in documents]
    writer.write_part(tables, [r.doc_id for r in reports],
                      {"sources": [r.source for r in reports], "status": dict(Counter(r.status for r in reports))})
