"""Many articles at once (``sorot extract PATH... --jsonl``): one JSON record per article and line.

The sources (files, directories walked for articles, URLs) are listed lazily and extracted by
workers that load the spaCy pipeline once each: this process (one job), a pool of processes (the
cores of this machine), or a Dask cluster (:mod:`tui.core.cluster`). Whatever the archive's size,
memory stays bounded: at most ``window`` partitions are in flight, and in input order the results
waiting for an earlier one are at most those of the window. A record carries what ``--resume``
needs: the source as listed (``document.input``) and the SHA-256 of the bytes read
(``document.input_sha256``), so a run that stopped continues where it did.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import signal
import stat
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

from tui.core.document import (
    ARTICLE_SUFFIXES,
    STDIN,
    Article,
    ArticleError,
    file_kind,
    inert_name,
    load_any,
    read_input,
)

if TYPE_CHECKING:
    from spacy.language import Language

_READ_CHUNK = 1024 * 1024


class BatchError(Exception):
    """The run cannot go on (an output that is not one to resume, a pipeline that cannot load): one line."""


@dataclass(frozen=True)
class Options:
    """How each article is extracted: the pipeline, the largest article read, and whether the text goes along."""

    model: str | None = None
    max_bytes: int = 64 * 1024 * 1024
    with_text: bool = False


@dataclass(frozen=True)
class Outcome:
    """One source's result: its JSON record (one line, no line end), or a one-line reason it failed."""

    source: str
    record: str | None = None
    error: str | None = None
    warnings: tuple[str, ...] = ()


Item = tuple[int, str]
"""A source to extract and its place in the input."""


# -- listing the sources ------------------------------------------------------------------------


def is_url(source: str) -> bool:
    from tui.core.web.urls import is_web_address

    return is_web_address(source)


FileId = tuple[int, int]
"""A file's device and inode: the same file whatever the path naming it."""


def file_id(path: str | os.PathLike[str]) -> FileId | None:
    """The :data:`FileId` of ``path`` (links followed), None when it cannot be reached."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


def list_sources(arguments: Iterable[str], output: FileId | None = None) -> Iterator[str | Outcome]:
    """The sources named by ``arguments``, lazily and in order: a URL or a file as it is, a
    directory as the articles (``.txt``, ``.md``, ``.html``) under it, recursively and by name
    (hidden entries and symbolic links to directories left out, so a link cannot loop). A
    directory that cannot be listed, or holds no article, is an :class:`Outcome` that failed; so
    is a listed path that is not a regular file (a FIFO would be waited on, a device read forever)
    or that is ``output``, the file the records go to; a walk passes ``output`` by."""
    for argument in arguments:
        if is_url(argument):
            yield argument
            continue
        path = os.path.normpath(argument)
        try:
            info = os.stat(path)
        except (OSError, ValueError):
            yield path  # a missing or unreadable file is reported when it is read
            continue
        if stat.S_ISDIR(info.st_mode):
            found = False
            for item in _walk(path, output):
                found = found or isinstance(item, str)
                yield item
            if not found:
                yield Outcome(path, error=f"{path}: no articles here (looked for .txt, .md and .html files)")
        elif (info.st_dev, info.st_ino) == output:
            yield Outcome(path, error=f"{path}: is the output file (-o OUT) too; skipped")
        elif not stat.S_ISREG(info.st_mode):
            yield Outcome(path, error=f"{path}: not a regular file ({file_kind(info.st_mode)})")
        else:
            yield path


def _walk(directory: str, output: FileId | None = None) -> Iterator[str | Outcome]:
    try:
        with os.scandir(directory) as scan:
            entries = sorted((entry for entry in scan if not entry.name.startswith(".")), key=lambda e: e.name)
    except OSError as exc:
        yield Outcome(directory, error=f"{directory}: cannot list ({exc.strerror or exc})")
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(entry.path, output)
            elif entry.is_file() and Path(entry.name).suffix.lower() in ARTICLE_SUFFIXES:
                if output is not None and (entry.stat().st_dev, entry.stat().st_ino) == output:
                    continue  # the records being written: never an article of their own run
                yield entry.path
        except OSError:  # vanished or unreadable while listed: skipped as the listing skips it
            continue


def read_paths(lines: Iterable[str]) -> Iterator[str]:
    """The paths of a list (``--paths-from``): one a line, blank lines skipped, read as they come."""
    for line in lines:
        name = line.rstrip("\r\n")
        if name.strip():
            yield name


# -- extracting one article (in a worker) -------------------------------------------------------

_worker_nlp: Language | None = None
_worker_model: str | None = None
_worker_error: str | None = None


def load_worker_pipeline(model: str | None, quiet: bool = False) -> None:
    """Load the pipeline of this worker process once (a pool's initializer, a Dask worker plugin's
    setup). ``quiet``: the worker's stdout and stderr go nowhere, since standard output carries
    the records and a library's chatter would break them. A failure is kept and raised, as a
    :class:`BatchError`, by each :func:`extract_partition` call, so the caller hears of it."""
    global _worker_nlp, _worker_model, _worker_error
    if quiet:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.close(devnull)
    if _worker_nlp is not None and _worker_model == model:
        return
    from tui.core.nlp import load_pipeline

    try:
        _worker_nlp, _worker_model, _worker_error = load_pipeline(model), model, None
    except Exception as exc:  # noqa: BLE001 - any failure is one line for the caller
        _worker_error = f"cannot load the NLP pipeline: {_one_line(exc)}"


def _pool_initializer(model: str | None, parent: int) -> None:
    # A ctrl+c reaches the whole process group: the parent stops the pool itself, after the
    # articles in hand, rather than each worker dying with a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    load_worker_pipeline(model, quiet=True)
    threading.Thread(target=_exit_with_parent, args=(parent,), name="sorot-orphan", daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """A worker whose parent was killed (``kill -9``, a crash) ends too instead of waiting forever."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def _one_line(exc: BaseException) -> str:
    from tui.core.nlp import error_line

    return error_line(exc, ArticleError)


def article_document(article: Article, language: str, with_text: bool) -> dict[str, object]:
    """The ``document`` object of ``sorot extract --json``: where the article came from and what it is."""
    web = article.web
    document: dict[str, object] = {
        "path": str(article.path) if article.path is not None else STDIN if web is None else web.url,
        "sha256": article.sha256,
        "chars": len(article.text),
        "language": language,
        "title": article.title,
    }
    if web is not None:
        document.update(url=web.url, published=web.published, site=web.site, author=web.author)
        document = {key: value for key, value in document.items() if value != "" or key in ("path", "title")}
    if web is not None or with_text:
        document["text"] = article.text
    return document


def load_web_article(url: str, max_bytes: int, *, annotated: Callable[[str], bool] | None = None) -> Fetched:
    """The article at ``url``: fetched, or its kept copy when the server cannot be reached or says
    it is unchanged (with a warning saying so). Raises :class:`ArticleError` with one line."""
    from tui.core.web.fetch import MAX_PAGE_BYTES, Fetcher, FetchError, normalise_url
    from tui.core.web.kept import KeptPages
    from tui.core.web.reading import fetch_article, kept_article

    kept = KeptPages()
    with Fetcher(max_bytes=min(max_bytes, MAX_PAGE_BYTES)) as fetcher:
        try:
            fetched = fetch_article(url, fetcher, kept, annotated=annotated)
        except FetchError as exc:
            article = kept_article(url, kept)
            if article is None:
                raise ArticleError(str(exc)) from None
            return Fetched(article, (f"{exc}; using the copy kept earlier",))
    if fetched.article is not None:
        return Fetched(fetched.article)
    article = kept_article(normalise_url(url), kept)  # 304: the kept copy is current
    if article is None:
        raise ArticleError(f"{url}: the server says the page is unchanged, but no copy is kept")
    return Fetched(article)


@dataclass(frozen=True)
class Fetched:
    """A web article and the warnings of reading it (a kept copy used instead)."""

    article: Article
    warnings: tuple[str, ...] = ()


def extract_one(source: str, options: Options, base: str | None = None) -> Outcome:
    """The record of ``source`` with this worker's pipeline (loaded by :func:`load_worker_pipeline`);
    a relative path is read from the directory ``base`` when given (a cluster's worker runs
    elsewhere), while the record names it as listed, as a local run does."""
    if _worker_nlp is None or _worker_model != options.model:
        load_worker_pipeline(options.model)
    if _worker_nlp is None:
        raise BatchError(_worker_error or "cannot load the NLP pipeline")
    from tui.core.facts import extract_facts
    from tui.core.formats import json_text
    from tui.core.nlp import find_entities

    warnings: tuple[str, ...] = ()
    try:
        if is_url(source):
            fetched = load_web_article(source, options.max_bytes)
            article, warnings = fetched.article, fetched.warnings
            digest = article.sha256  # the page's bytes are the kept copy's business; its text stands for them
        else:
            # Read once: the hash and the text are of the same bytes (a file written meanwhile
            # cannot give one version's hash to another's text), and a FIFO is not read twice.
            data = read_input(os.path.join(base, source) if base else source, options.max_bytes)
            digest = hashlib.sha256(data).hexdigest()
            article = load_any(source, options.max_bytes, data=data)
        entities = find_entities(_worker_nlp, article.text)
        web = article.web
        facts = extract_facts(article.text, entities, web.published_date if web is not None else None)
        document = article_document(article, str(_worker_nlp.lang), options.with_text)
        document.update(input=source, input_sha256=digest)
        record = {
            "document": document,
            "entities": [entity.to_json() for entity in entities],
            "facts": [fact.to_json() for fact in facts.all()],
        }
        return Outcome(source, record=json_text(record), warnings=warnings)
    except Exception as exc:  # noqa: BLE001 - one bad article is one line, and the run goes on
        problem = _one_line(exc)
        if base and not is_url(source):
            problem = problem.replace(os.path.join(base, source), source)
        if not problem.startswith(source):
            problem = f"{source}: {problem}"
        # A newline in a file name is shown as a symbol: the line stays one, and reads as it is.
        problem = problem.replace(source, inert_name(source))
        return Outcome(source, error=problem, warnings=warnings)


def extract_partition(items: list[Item], options: Options, base: str | None = None) -> list[tuple[int, Outcome]]:
    """The outcomes of a partition of sources, in its order (what a worker is given at a time)."""
    return [(index, extract_one(source, options, base)) for index, source in items]


# -- where the partitions run -------------------------------------------------------------------


class Workers(Protocol):
    """Where partitions are extracted: :class:`InProcess`, :class:`ProcessPool`, or a cluster."""

    window: int
    """How many partitions may be in flight at once."""
    partition: int
    """How many articles go in one partition."""

    def submit(self, items: list[Item]) -> None: ...

    def finished(self) -> list[tuple[int, Outcome]]:
        """The outcomes of one partition that finished, waiting for one when none has."""
        ...

    def close(self) -> None: ...


class InProcess:
    """One job: the partitions are extracted here, one by one, with this process's pipeline."""

    window = 1
    partition = 1

    def __init__(self, options: Options) -> None:
        self.options = options
        self._done: list[tuple[int, Outcome]] = []
        load_worker_pipeline(options.model)

    def submit(self, items: list[Item]) -> None:
        self._done.extend(extract_partition(items, self.options))

    def finished(self) -> list[tuple[int, Outcome]]:
        done, self._done = self._done, []
        return done

    def close(self) -> None:
        pass


class ProcessPool:
    """``jobs`` processes of this machine, each loading the pipeline once (spawned: forking a
    process with threads is unsafe, and a fresh interpreter holds only what a worker needs)."""

    partition = 1

    def __init__(self, options: Options, jobs: int) -> None:
        self.options = options
        self.window = 2 * jobs  # each worker has one queued behind the one it runs
        self._pool = ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_pool_initializer,
            initargs=(options.model, os.getpid()),
        )
        self._futures: dict[Future[list[tuple[int, Outcome]]], list[Item]] = {}

    def submit(self, items: list[Item]) -> None:
        self._futures[self._pool.submit(extract_partition, items, self.options)] = items

    def finished(self) -> list[tuple[int, Outcome]]:
        done, _ = wait(self._futures, return_when=FIRST_COMPLETED)
        future = min(done, key=lambda f: self._futures[f][0][0])  # one partition a call; the rest wait
        items = self._futures.pop(future)
        try:
            return future.result()
        except BatchError:
            raise
        except Exception as exc:  # noqa: BLE001 - a worker that died: its articles failed
            return [(i, Outcome(s, error=f"{s}: the worker stopped ({_one_line(exc)})")) for i, s in items]

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


# -- the run ------------------------------------------------------------------------------------


def _key(text: str) -> int:
    # 8 bytes of BLAKE2b: a million completed articles take some 60 MB, not the 300 MB of their
    # paths and hashes as strings; two of them collide with odds of about one in 10^7.
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


def file_sha256(path: str) -> str | None:
    """The SHA-256 of a file's bytes, read in pieces; None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(_READ_CHUNK):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


@dataclass
class Completed:
    """The articles an earlier run wrote completely, counted by source and by source and SHA-256
    of its bytes: a source listed twice has two records in a full run, and so after a resume."""

    sources: dict[int, int] = field(default_factory=dict)
    versions: dict[int, int] = field(default_factory=dict)
    count: int = 0
    cut: int = 0
    """The bytes of an unfinished last line cut off (0: none)."""
    changed: int = 0
    """Sources met in this run whose bytes changed since their record (extracted again)."""
    _seen: dict[int, int] = field(default_factory=dict, repr=False)

    def add(self, source: str, sha256: str) -> None:
        for counts, key in ((self.sources, _key(source)), (self.versions, _key(f"{source}\0{sha256}"))):
            counts[key] = counts.get(key, 0) + 1
        self.count += 1

    def has(self, source: str) -> bool:
        """Whether this occurrence of ``source`` is complete: a file unchanged since (its bytes
        hashed again), a URL by its address; the n-th time a source is listed, when at least n
        records of it are."""
        key = _key(source)
        if key not in self.sources:
            return False
        seen = self._seen[key] = self._seen.get(key, 0) + 1
        if is_url(source):
            return seen <= self.sources[key]  # fetching the page again to compare would cost what skipping saves
        sha256 = file_sha256(source)
        records = self.versions.get(_key(f"{source}\0{sha256}"), 0) if sha256 is not None else 0
        if records == 0 and sha256 is not None and seen == 1:
            self.changed += 1
        return seen <= records


RECORD_START = b'{"document"'
"""How every record of ``sorot extract --jsonl`` begins (its first key): an unfinished last line
that begins so was cut short by a stopped run; anything else is not this command's output."""


def completed_in(handle: IO[bytes], name: str) -> Completed:
    """What the JSONL file open as ``handle`` (read and write) holds complete, after cutting off a
    last line that a stopped run left unfinished (it is redone). A complete line that is not a
    record of ``sorot extract --jsonl``, or an unfinished one that does not begin as one, raises
    :class:`BatchError` with the file untouched: it is not this command's output."""
    completed = Completed()
    good = 0
    name = inert_name(name)
    try:
        handle.seek(0)
        for number, line in enumerate(handle, 1):
            if not line.endswith(b"\n"):
                if not (line.startswith(RECORD_START) or RECORD_START.startswith(line)):  # cut even inside it
                    raise BatchError(
                        f"{name}: line {number} is unfinished and not a record of sorot extract --jsonl; not resuming"
                    )
                completed.cut = len(line)
                break
            try:
                document = json.loads(line)["document"]
                source, sha256 = document["input"], document["input_sha256"]
                if not (isinstance(source, str) and isinstance(sha256, str)):
                    raise TypeError
            except (ValueError, TypeError, KeyError):
                raise BatchError(
                    f"{name}: line {number} is not a record of sorot extract --jsonl; not resuming"
                ) from None
            completed.add(source, sha256)
            good += len(line)
        if completed.cut:
            handle.truncate(good)
    except OSError as exc:
        raise BatchError(f"{name}: cannot resume ({exc.strerror or exc})") from None
    return completed


def open_output(path: str, *, resume: bool) -> tuple[IO[bytes], Completed | None]:
    """OUT open to append records, locked for this run, with what it holds complete when
    resuming (else emptied). The lock is ``flock`` on OUT itself (POSIX; no lock file beside it,
    released by the system when the process ends, however it ends): a second run writing the
    same OUT is refused, with OUT untouched, rather than both interleaving their lines."""
    name = inert_name(path)
    try:
        handle = open(path, "a+b")  # noqa: SIM115 - returned open; the caller closes it
    except OSError as exc:
        raise BatchError(f"{name}: cannot write ({exc.strerror or exc})") from None
    try:
        _lock(handle, name)
        if not resume:
            handle.truncate(0)
            return handle, None
        return handle, completed_in(handle, path)
    except BaseException:
        handle.close()
        raise


def _lock(handle: IO[bytes], name: str) -> None:
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock (documented)
        return
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise BatchError(f"{name}: another sorot extract is writing it; not starting") from None
    except OSError:  # a file system without locks (some network ones): written unlocked
        return


@dataclass
class Summary:
    written: int = 0
    failed: int = 0
    skipped: int = 0


def run_batch(
    sources: Iterable[str | Outcome],
    workers: Workers,
    write: Callable[[str], None],
    report: Callable[[Outcome], None],
    *,
    ordered: bool = True,
    completed: Completed | None = None,
    progress: Callable[[int], None] = lambda advance: None,
) -> Summary:
    """Extract ``sources`` with ``workers``: ``write`` each record (one line, no line end) and
    ``report`` each outcome that failed or warns, in input order unless not ``ordered``. Sources
    ``completed`` by an earlier run are skipped; ``progress(n)`` counts articles done."""
    summary = Summary()
    waiting: dict[int, Outcome] = {}  # in input order: outcomes behind one still in flight
    partition: list[Item] = []
    state = {"next": 0, "in_flight": 0}  # the next index to write (in order), partitions in flight
    count = 0

    def emit(outcome: Outcome) -> None:
        if outcome.record is not None:
            write(outcome.record)
            summary.written += 1
        else:
            summary.failed += 1
        if outcome.error is not None or outcome.warnings:
            report(outcome)
        progress(1)

    def arrived(outcomes: Iterable[tuple[int, Outcome]]) -> None:
        for index, outcome in outcomes:
            if not ordered:
                emit(outcome)
                continue
            waiting[index] = outcome
            while state["next"] in waiting:
                emit(waiting.pop(state["next"]))
                state["next"] += 1

    def submit() -> None:
        nonlocal partition
        if partition:
            workers.submit(partition)
            state["in_flight"] += 1
            partition = []

    def collect() -> None:
        arrived(workers.finished())
        state["in_flight"] -= 1

    def full() -> bool:
        # In order, the outcomes waiting for an earlier one are bounded too: no more than the
        # window's articles are given out beyond the first still missing.
        return state["in_flight"] >= workers.window or (
            ordered and count - state["next"] >= workers.window * workers.partition
        )

    for source in sources:
        if not isinstance(source, Outcome) and completed is not None and completed.has(source):
            summary.skipped += 1
            progress(1)
            continue
        index, count = count, count + 1
        if isinstance(source, Outcome):
            arrived([(index, source)])  # a directory that cannot be listed: reported in its place
        else:
            partition.append((index, source))
            if len(partition) >= workers.partition:
                submit()
        while full():
            submit()
            if state["in_flight"] == 0:
                break
            collect()
    submit()
    while state["in_flight"]:
        collect()
    return summary
