"""``sorot export`` and ``sorot import`` without the argument parsing: gather, anchor, write, merge.

Export reads a :class:`Store` it is given (the CLI opens the database read-only; the reader
passes its own, which may live in memory) and anchors each document's annotations in the file as it is
now (the file named by ``--doc``, or for every annotated text a file the reader opened it at):
annotations made on an older version are re-anchored first, and those that cannot be found are
exported as orphans and listed in the warnings. A path written in an annotation (an import may
have put any path there) is never opened, nor is anything but a regular file. The output is
built whole before it is written, and files are replaced atomically, so a failed export leaves
no half-written file.

Import validates the whole file before it touches the database, then merges by id in one write
(:meth:`Store.merge`): importing the same file twice adds nothing.
"""

from __future__ import annotations

import io
import os
import shlex
import stat
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

from tui.core.annotations import Annotation, DocumentRef, reanchor
from tui.core.document import MAX_ARTICLE_BYTES, Article, ArticleError, file_kind, inert, load_any, read_input
from tui.core.entities import Entity
from tui.core.formats import (
    DEFAULT_LIMITS,
    MAX_IMPORT_BYTES,
    NO_OPTIONS,
    AnnotationImportError,
    ExportError,
    ExportItem,
    ExportResult,
    Format,
    FormatOptions,
    ImportLimits,
    Labels,
    check_options,
    describe,
    document_item,
    export,
    parse_annotations,
    stored_item,
)
from tui.core.formats.others import HEAD_BYTES, IMPORTED, what_directory_is, what_file_is
from tui.core.formats.w3c import unplaced_sha256
from tui.core.store import Store, StoreError
from tui.core.web.urls import is_web_address

EntityFinder = Callable[[str], Sequence[Entity]]
_QUOTE_CHARS = 60


class ExchangeError(Exception):
    """An export or import failed; the message is one line for stderr (nothing was written)."""


@dataclass
class ExportReport:
    """What ``sorot export`` did; print ``warnings`` then ``summary()`` on stderr."""

    format: str
    destination: str  # a path, or "-" for standard output
    documents: int = 0
    annotations: int = 0
    orphans: int = 0
    moved: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        where = "standard output" if self.destination == "-" else inert(self.destination)
        line = (
            f"exported {self.annotations} annotation{'s' * (self.annotations != 1)} from {self.documents} "
            f"document{'s' * (self.documents != 1)} as {self.format} to {where}"
        )
        extra = [f"{n} {what}" for n, what in ((self.moved, "re-anchored"), (self.orphans, "orphaned")) if n]
        return line + (f" ({', '.join(extra)})" if extra else "")


@dataclass
class ImportReport:
    """What ``sorot import`` did; print ``warnings`` then ``summary()`` on stderr."""

    source: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    documents: int = 0
    warnings: list[str] = field(default_factory=list)
    deleted: int = 0  # deleted in the database after the imported version: left deleted
    older: int = 0  # changed in the database after the imported version: the database's kept

    def summary(self) -> str:
        total = self.added + self.updated + self.unchanged + self.deleted + self.older
        return (
            f"imported {total:,} annotation{'s' * (total != 1)} on {self.documents:,} "
            f"document{'s' * (self.documents != 1)} from {inert(self.source)}: {self.added:,} new, "
            f"{self.updated:,} updated, {self.unchanged:,} already there"
            + (f", {self.older:,} older than the version here (kept)" if self.older else "")
            + (f", {self.deleted:,} deleted here since (left deleted)" if self.deleted else "")
        )


# --- export ---------------------------------------------------------------------------------------


def check_export(fmt: str | Format, out: str | os.PathLike[str] | None, options: FormatOptions = NO_OPTIONS) -> Format:
    """The format ``fmt`` names, if an export in it with ``options`` can be written to ``out``
    (``None``: standard output); raises :class:`ExchangeError` saying why not. :func:`run_export`
    checks it first; a caller that opens the database itself checks it before, so a wrong ``-o``
    or option is named first."""
    try:
        spec = check_options(fmt, options)
    except ExportError as exc:
        raise ExchangeError(str(exc)) from None
    if out is None and spec.output != "text":
        where = "FILE" + spec.suffix if spec.suffix else "DIR"
        raise ExchangeError(f"--format {spec.name} writes {spec.writes}: give -o {where}")
    if out is not None:
        _check_destination(Path(out), spec)
    return spec


def run_export(
    store: Store,
    fmt: str | Format,
    doc_path: str | os.PathLike[str] | None = None,
    out: str | os.PathLike[str] | None = None,
    *,
    model: str | None = None,
    labels: Labels = None,
    find: EntityFinder | None = None,
    stdout: IO[bytes] | None = None,
    max_bytes: int = MAX_ARTICLE_BYTES,
    options: FormatOptions = NO_OPTIONS,
) -> ExportReport:
    """Export ``store``'s annotations (or ``doc_path``'s only) in ``fmt`` to ``out``.

    ``store`` is only read: a database opened read-only, or the reader's own store, in memory
    when its database takes no saves. Without ``out`` the text formats go to ``stdout`` (default:
    the process's standard output, as UTF-8); ``spacy`` needs a file and ``brat`` a directory.
    ``find`` gives the model's entities of a text (default: the ``model`` pipeline, through the
    entity cache); ``labels`` keeps only those entity labels in the training formats and brat;
    ``options`` are the format's own (``{"delimiter": ";"}`` for csv: :attr:`Format.options`);
    article files over ``max_bytes`` are not read. The report's warnings start with the
    store's own. Raises :class:`ExchangeError` with a one-line message.
    """
    spec = check_export(fmt, out, options)
    written = _file_id(out)  # an -o already there: never one of the inputs
    if written is not None and out is not None:
        _not_an_input(written, out, store.path, "the database being exported")
        _not_an_input(written, out, store.lock_path, "the lock file of the database being exported")
        _not_an_input(written, out, doc_path, "the article being exported")
    warnings: list[str] = []
    try:
        if doc_path is not None:
            items = [_document_bundle(store, _load(doc_path, max_bytes), os.fspath(doc_path))]
            if not items[0].annotations:
                warnings.append(f"{inert(str(doc_path))}: no annotations for this document in the database")
        else:
            items = _all_bundles(store, max_bytes)
            if not items:
                where = f"{inert(str(store.path))}: " if store.path is not None else ""
                warnings.append(f"{where}no annotations to export")
    except StoreError as exc:
        raise ExchangeError(str(exc)) from None
    warnings[:0] = store.warnings  # the store's own first (a damaged bucket is found when read)
    if written is not None and out is not None:
        for item in items:
            if item.text is not None and item.document.path:
                _not_an_input(written, out, item.document.path, "an article being exported")
    items = _with_entities(spec, items, model, find)
    for item in spec.usable(items)[0]:
        for ann in item.orphans:
            warnings.append(
                f"{inert(describe(item.document))}: orphaned {ann.kind} {_quoted(ann)}: not found in the text"
            )
    try:
        result = _write(spec, items, out, labels, stdout, options)
    except ExportError as exc:
        raise ExchangeError(str(exc)) from None
    except OSError as exc:
        raise ExchangeError(f"cannot write {inert(str(out))}: {exc.strerror or exc}") from None
    warnings += [inert(w) for w in result.warnings]
    return ExportReport(
        spec.name,
        "-" if out is None else str(out),
        result.documents,
        result.annotations,
        result.orphans,
        result.moved,
        warnings,
    )


def _file_id(path: str | os.PathLike[str] | None) -> tuple[int, int] | None:
    """The file ``path`` names (through links), as device and inode; None if there is none."""
    try:
        st = os.stat(path) if path is not None else None
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if st is not None else None


def _not_an_input(
    written: tuple[int, int], out: str | os.PathLike[str], source: str | os.PathLike[str] | None, what: str
) -> None:
    """Refuse to write the export (``out``, the file ``written``) over what it is read from (``-o``
    naming the database, through a link or not, would replace the annotations by their CSV)."""
    if _file_id(source) == written:
        raise ExchangeError(f"-o {inert(str(out))} is {what}: give another file")


def _check_destination(out: Path, spec: Format) -> None:
    output = spec.output
    if output == "directory":
        if out.exists() and not out.is_dir():
            raise ExchangeError(f"{inert(str(out))} is a file: {spec.name} writes a directory")
    elif out.is_dir():
        raise ExchangeError(f"{inert(str(out))} is a directory: give a file name")
    elif out.exists() and not out.is_file():  # a FIFO or a device is written into (write_output)
        return
    parent = out.parent if output != "directory" or not out.exists() else out
    if parent.exists() and not os.access(parent, os.W_OK | os.X_OK):
        raise ExchangeError(f"cannot write in {inert(str(parent))}: the directory is not writable")


def _load(doc_path: str | os.PathLike[str], max_bytes: int) -> Article:
    if is_web_address(os.fspath(doc_path)):
        article = _kept_copy(os.fspath(doc_path))
        if article is None:
            raise ExchangeError(f"{inert(os.fspath(doc_path))}: no copy of this web article is kept (open it first)")
        return article
    try:
        return load_any(os.fspath(doc_path), max_bytes)
    except ArticleError as exc:
        raise ExchangeError(str(exc)) from None


def _kept_copy(url: str) -> Article | None:
    """The copy of the web article at ``url`` kept when it was read (``$SOROT_WEB_DIR``), if any."""
    from tui.core.web.kept import KeptPages
    from tui.core.web.reading import kept_article

    try:
        return kept_article(url, KeptPages())
    except OSError:
        return None


def _document_bundle(store: Store, article: Article, path: Path | str) -> ExportItem:
    """``article``'s annotations, from this version of its text or any other version of its file
    (of its URL, for a web article)."""
    if article.web is not None and article.path is None:
        url = article.web.url
        anns = store.annotations_for(article.sha256, path=url)
        return document_item(article.text, DocumentRef(article.sha256, url, _title(article, anns)), anns)
    path = Path(path)
    resolved = str(path.resolve())
    found: dict[str, Annotation] = {}
    for name in dict.fromkeys((resolved, str(path))):
        for ann in store.annotations_for(article.sha256, path=name):
            found.setdefault(ann.id, ann)
    anns = list(found.values())
    return document_item(article.text, DocumentRef(article.sha256, resolved, _title(article, anns)), anns)


def _title(article: Article, annotations: list[Annotation]) -> str:
    """The title the reader saw: stored with this version, else with another, else the file's."""
    same = [a.document.title for a in annotations if a.document.sha256 == article.sha256 and a.document.title]
    return (same or [a.document.title for a in annotations if a.document.title] or [article.title])[0]


def _all_bundles(store: Store, max_bytes: int = MAX_ARTICLE_BYTES) -> list[ExportItem]:
    """Every annotated document: anchored in a file the reader opened its text at (the one where
    it was found last first) when one can still be read, else as stored."""
    by_text: dict[str, list[Annotation]] = {}
    for ann in store.all_annotations():
        by_text.setdefault(ann.document.sha256, []).append(ann)
    by_file: dict[str, list[Annotation]] = {}
    by_sha: dict[str, list[Annotation]] = {}
    articles: dict[str, Article | None] = {}
    for sha, anns in by_text.items():
        for path in store.paths_of(sha):
            if path not in articles:
                articles[path] = _read_known(path, max_bytes)
            if articles[path] is not None:
                by_file.setdefault(path, []).extend(anns)
                break
        else:
            by_sha[sha] = anns
    items = []
    for path, anns in by_file.items():
        article = articles[path]
        assert article is not None
        items.append(document_item(article.text, DocumentRef(article.sha256, path, _title(article, anns)), anns))
    for anns in by_sha.values():
        items.append(stored_item(anns[0].document, anns))
    return sorted(items, key=lambda i: (i.document.title, i.document.path, i.document.sha256))


def _read_known(path: str, max_bytes: int) -> Article | None:
    """The article at a path the reader opened, if it is still a regular file that reads; for a
    web article (its URL stands for its path), the copy kept when it was read."""
    if is_web_address(path):
        return _kept_copy(path)
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None  # a FIFO would block, a device never end
        return load_any(path, max_bytes)
    except (OSError, ArticleError):
        return None


def _with_entities(
    spec: Format, items: list[ExportItem], model: str | None, find: EntityFinder | None
) -> list[ExportItem]:
    """Run the NLP on the documents ``spec`` needs entities of (the pipeline loads only then)."""
    needed = [i for i, item in enumerate(items) if spec.wants_entities(item)]
    if not needed:
        return items
    if find is not None:
        return _found(items, needed, find)
    from tui.core.analysis.cache import EntityCache, default_cache_dir
    from tui.core.analysis.engine import NlpEngine
    from tui.core.nlp import PipelineError

    directory = default_cache_dir()
    engine = NlpEngine(model, in_process=True, cache=EntityCache(directory) if directory is not None else None)
    try:
        return _found(items, needed, engine.find_entities)
    except PipelineError as exc:
        raise ExchangeError(str(exc)) from None
    finally:
        engine.close()


def _found(items: list[ExportItem], needed: list[int], find: EntityFinder) -> list[ExportItem]:
    items = list(items)
    for i in needed:
        text = items[i].text
        assert text is not None
        items[i] = items[i].with_entities(find(text))
    return items


def _write(
    spec: Format,
    items: list[ExportItem],
    out: str | os.PathLike[str] | None,
    labels: Labels,
    stdout: IO[bytes] | None,
    options: FormatOptions = NO_OPTIONS,
) -> ExportResult:
    """Build the whole output in memory, then put it in place (a directory format writes its own)."""
    if spec.output == "directory":
        assert out is not None
        return export(spec, items, Path(out), labels=labels, options=options)
    if spec.output == "binary":
        binary = io.BytesIO()
        result = export(spec, items, binary, labels=labels, options=options)
        data = binary.getvalue()
    else:
        text = io.StringIO(newline="")
        result = export(spec, items, text, labels=labels, options=options)
        bom = "\ufeff" if spec.file_bom and out is not None else ""
        data = (bom + text.getvalue()).encode("utf-8", "replace")
    if out is not None:
        write_output(Path(out), data)
        return result
    sink = stdout if stdout is not None else sys.stdout.buffer
    sys.stdout.flush()
    sink.write(data)
    sink.flush()
    return result


def write_output(path: Path, data: bytes) -> None:
    """Write an export to ``path``. A regular file (or a new one) is replaced atomically, through a
    symbolic link (the link stays); a FIFO or a character device (``/dev/stdout``, a terminal,
    ``/dev/null``) is written into as it is, never replaced by a file; anything else is refused."""
    try:
        mode = os.stat(path).st_mode  # through links
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise ExchangeError(f"cannot write {inert(str(path))}: {exc.strerror or exc}") from None
    if mode is not None and not stat.S_ISREG(mode):
        if not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
            raise ExchangeError(f"cannot write {inert(str(path))}: not a regular file ({file_kind(mode)})")
        with open(path, "wb") as handle:
            handle.write(data)
        return
    write_atomic(Path(os.path.realpath(path)) if os.path.islink(path) else path, data)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one rename: readers see the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _quoted(ann: Annotation) -> str:
    exact = inert(ann.quote.exact)
    return f"“{exact[:_QUOTE_CHARS]}{'…' if len(exact) > _QUOTE_CHARS else ''}” ({ann.id[:8]})"


# --- import ---------------------------------------------------------------------------------------


def run_import(
    source: str | os.PathLike[str],
    db_path: str | os.PathLike[str] | None = None,
    *,
    stdin: IO[bytes] | None = None,
    max_bytes: int = MAX_IMPORT_BYTES,
    limits: ImportLimits = DEFAULT_LIMITS,
    doc_path: str | os.PathLike[str] | None = None,
    max_article_bytes: int = MAX_ARTICLE_BYTES,
) -> ImportReport:
    """Import ``w3c`` or ``jsonl`` from the file ``source`` (``"-"``: standard input) of at most
    ``max_bytes`` into the database. Nothing is written unless the whole input is valid and within
    ``limits``; raises :class:`ExchangeError` with a one-line message naming the bad lines or
    items, or the limit. ``doc_path`` (``--doc``) is the document that the annotations without a
    place are on (a quote and no position, or a URL and no sha256, as Hypothesis writes them):
    they are anchored in its text by their quote before they are stored."""
    name = "standard input" if str(source) == "-" else str(source)
    try:
        raw = read_input(source, max_bytes, stdin=stdin)
    except ArticleError as exc:
        what = what_directory_is(source) if str(source) != "-" and os.path.isdir(source) else None
        raise ExchangeError(inert(f"{name} is {what}: {IMPORTED}" if what else str(exc))) from None
    head, text = raw[:HEAD_BYTES], ""
    try:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise AnnotationImportError([f"not UTF-8 text (byte {exc.start})"]) from None
        del raw  # the text is all that is needed from here: do not hold the file twice
        annotations = parse_annotations(text, limits)
    except AnnotationImportError as exc:
        raise ExchangeError(inert(_not_imported(name, str(source), exc, head, text))) from None
    warnings: list[str] = []
    if doc_path is not None:
        annotations = _placed_in(annotations, doc_path, max_article_bytes, warnings)
    elif unplaced := sum(_without_place(a) for a in annotations):
        s = "s" * (unplaced != 1)
        warnings.append(
            f"{name}: {unplaced:,} annotation{s} without a place in a known text (a quote only, or a "
            f"page's address and no sha256): each is anchored by its quote when its document is opened "
            "in the reader or exported with --doc; import with --doc ARTICLE to anchor them now"
        )
    try:
        with Store.open(db_path) as store:
            result = store.merge(annotations)
            warnings[:0] = store.warnings  # after the merge: a damaged bucket is found when read
    except StoreError as exc:
        raise ExchangeError(str(exc)) from None
    documents = len({a.document.sha256 for a in annotations})
    if result.repeated:
        warnings.append(
            f"{name}: {result.repeated:,} annotation{'s' * (result.repeated != 1)} given again under an id "
            "used before in the file: only the most recently updated version of each is imported"
        )
    return ImportReport(
        name, result.added, result.updated, result.unchanged, documents, warnings, result.deleted, result.older
    )


def _not_imported(name: str, source: str, exc: AnnotationImportError, head: bytes, text: str) -> str:
    """The one line saying why a file was not imported: what it is, when it is a file Sorot
    knows (another export, a database); else its problems, and which files import when it is
    not JSON at all."""
    what = what_file_is(head, text[: text.find("\n")] if "\n" in text else text)
    if what == "a database dump":
        return f"{name} is {what}, not exported annotations: make a database of it with `sorot db restore`"
    if what == "an annotation database":
        db = shlex.quote(source) if source != "-" else "FILE"
        return f"{name} is {what}: export its annotations with `sorot export -f jsonl --db {db}`, then import that"
    if what is not None:
        return f"{name} is {what}: {IMPORTED}"
    message = str(exc) if str(exc).startswith(source) else f"{name}: {exc}"
    if not text.lstrip("\ufeff \t\r\n").startswith(("{", "[")):
        message += f"; {IMPORTED}"  # not JSON from its first character, or not text at all
    return message


def _unplaced(ann: Annotation) -> bool:
    """Imported without a place in a known text: only a quote, or a path or URL and no sha256."""
    return ann.status == "orphaned" or ann.document.sha256 == unplaced_sha256(ann.document.path)


def _without_place(ann: Annotation) -> bool:
    """Came with no place at all: a quote only (position 0-0, orphaned), or no sha256 (an
    orphan of a Sorot export keeps the place it had, and is not one)."""
    quote_only = ann.status == "orphaned" and ann.start == ann.end == 0 and bool(ann.quote.exact)
    return quote_only or ann.document.sha256 == unplaced_sha256(ann.document.path)


def _placed_in(
    annotations: list[Annotation], doc_path: str | os.PathLike[str], max_bytes: int, warnings: list[str]
) -> list[Annotation]:
    """``annotations`` with those that have no place anchored by their quote in the text at
    ``doc_path`` and re-pointed at it; those not found there are re-pointed at it too, orphaned
    (the reader lists them under "not found in this text", to re-attach by hand). They must all be
    on one document."""
    unplaced = [a for a in annotations if _unplaced(a)]
    shown = inert(os.fspath(doc_path))
    if not unplaced:
        warnings.append(f"--doc {shown}: every imported annotation already names its text")
        return annotations
    documents = {(a.document.sha256, a.document.path) for a in unplaced}
    if len(documents) > 1:
        raise ExchangeError(
            f"--doc {shown}: the annotations without a place are on {len(documents):,} documents, not one "
            "(import without --doc: each is anchored by its quote when its document is opened)"
        )
    article = _load(doc_path, max_bytes)
    where = article.web.url if article.web is not None and article.path is None else str(Path(doc_path).resolve())
    document = DocumentRef(article.sha256, where, unplaced[0].document.title or article.title)
    placed, missing, moved = {}, 0, 0
    for item in reanchor(unplaced, article.text):
        if item.orphaned:
            missing += 1
            placed[item.annotation.id] = replace(item.annotation, document=document, status="orphaned")
        else:
            placed[item.annotation.id] = item.rebased(article.text, document)
            moved += item.status == "moved" and item.annotation.quote.exact != placed[item.annotation.id].quote.exact
    if missing:
        warnings.append(
            f"--doc {shown}: {missing:,} annotation{'s' * (missing != 1)} not found in its text by "
            f"{'their' if missing != 1 else 'its'} quote, kept on it as orphaned (the reader lists "
            f'{"them" if missing != 1 else "it"} under "not found in this text")'
        )
    if moved:
        warnings.append(
            f"--doc {shown}: {moved:,} annotation{'s' * (moved != 1)} anchored where the text differs a little "
            f"from {'their' if moved != 1 else 'its'} quote (the quote now reads as the text does; status moved)"
        )
    return [placed.get(a.id, a) for a in annotations]
