"""Command line: ``sorot [PATH]`` opens the reader; ``extract``, ``export`` and ``import`` work without it.

``sorot extract PATH --json`` prints entities and facts; ``sorot export --format FORMAT`` writes the
saved annotations for other tools (to standard output unless ``-o`` is given, so it pipes);
``sorot import FILE`` reads a ``w3c`` or ``jsonl`` export back. Data goes to stdout, warnings and
summaries to stderr, and every error is one line on stderr with a non-zero exit.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from importlib.util import find_spec
from pathlib import Path
from typing import IO, TYPE_CHECKING

from tui import __version__
from tui.core.document import (
    MAX_ARTICLE_BYTES,
    STDIN,
    ArticleError,
    format_size,
    inert,
    load_article,
    parse_size,
    sample_article_path,
)
from tui.core.nlp import DEFAULT_MODEL, RULES_MODEL

if TYPE_CHECKING:
    from tui.core.entities import Entity
    from tui.core.facts import Fact
    from tui.core.formats import ImportLimits

COMMANDS = ("extract", "export", "import")

EARLY_START_CHARS = 200_000
"""Up to this length, an article's pipeline starts loading before the interface is drawn. A longer
one takes the NLP many seconds anyway, and its first paint (which the early start slows by about
0.1 s on two cores) comes first: the reader starts the pipeline once the text is on screen."""

DB_HELP = "the annotation database (default: $SOROT_DB, else sorot.json in your user data directory)"
MODEL_HELP = "an installed spaCy pipeline to use instead of the built-in Indonesian one"
SIZE_HELP = "bytes, or K, M, G, T (powers of 1024), e.g. 100M"


def _size(value: str) -> int:
    try:
        return parse_size(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_max_size(parser: argparse.ArgumentParser, what: str = "article", default: int = MAX_ARTICLE_BYTES) -> None:
    parser.add_argument(
        "--max-size",
        type=_size,
        default=default,
        metavar="SIZE",
        help=f"the largest {what} to read (default {format_size(default)}): {SIZE_HELP}",
    )


def _model_error(model: str | None) -> str | None:
    """A one-line reason why ``model`` cannot be a spaCy pipeline, found without loading it."""
    if model is None or model in (DEFAULT_MODEL, RULES_MODEL) or Path(model).exists():
        return None
    try:
        found = find_spec(model.replace("-", "_")) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        return f"--model {model}: no such path and no installed spaCy pipeline by that name"
    return None


def reader_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sorot",
        description="Read a news article in the terminal with its people, organisations, places, "
        "dates and numbers highlighted. Without PATH, opens the bundled sample article.",
        epilog="Headless: sorot extract PATH --json, sorot export --format FORMAT, sorot import FILE "
        "(see sorot COMMAND --help).",
    )
    parser.add_argument(
        "path", nargs="?", help="a .txt or .md article, a directory of them, or - to read one from standard input"
    )
    parser.add_argument("--model", metavar="NAME_OR_PATH", help=MODEL_HELP)
    parser.add_argument("--db", metavar="PATH", help=DB_HELP)
    _add_max_size(parser)
    parser.add_argument("--version", action="version", version=f"sorot {__version__}")
    return parser


def extract_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sorot extract", description="Print an article's entities without starting the reader."
    )
    parser.add_argument("path", help="a .txt or .md article; - reads it from standard input")
    parser.add_argument("--json", action="store_true", help="print JSON (the only format so far; the default)")
    parser.add_argument("--model", metavar="NAME_OR_PATH", help=MODEL_HELP)
    _add_max_size(parser)
    return parser


def _labels(value: str) -> list[str]:
    labels = [label.strip() for label in value.split(",") if label.strip()]
    if not labels:
        raise argparse.ArgumentTypeError("give entity labels separated by commas, e.g. PERSON,ORG,LOC")
    return labels


def export_parser() -> argparse.ArgumentParser:
    from tui.core.formats import FORMATS, canonical_name

    width = max(len(name) for name in FORMATS)
    formats = "\n".join(f"  {name:<{width}}  {spec.description}" for name, spec in FORMATS.items())
    parser = argparse.ArgumentParser(
        prog="sorot export",
        description="Write the saved annotations in a format other tools read. The text formats go to\n"
        "standard output unless -o is given; spacy needs -o FILE and brat -o DIR.",
        epilog=f"formats:\n{formats}\n\n"
        "examples:\n"
        "  sorot export -f w3c -o notes.jsonld\n"
        "  sorot export -f csv --doc berita.txt | less\n"
        "  sorot export -f spacy -o corrections.spacy --labels PERSON,ORG,LOC",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--format",
        "-f",
        required=True,
        type=canonical_name,
        choices=list(FORMATS),
        metavar="FORMAT",
        help="one of: " + ", ".join(FORMATS) + " (jsonld is w3c)",
    )
    parser.add_argument("--db", metavar="PATH", help=DB_HELP)
    parser.add_argument(
        "--doc",
        metavar="FILE",
        help="only this article's annotations, anchored in its current text (re-anchored if it changed; "
        "those no longer found are reported on stderr and marked orphaned)",
    )
    parser.add_argument("-o", "--output", metavar="OUT", help="the file (brat: directory) to write; - or none: stdout")
    parser.add_argument(
        "--model", metavar="NAME_OR_PATH", help="the pipeline whose entities spacy, prodigy and brat correct"
    )
    parser.add_argument(
        "--labels",
        type=_labels,
        metavar="PERSON,ORG,LOC",
        help="spacy, prodigy and brat: keep only these entity labels",
    )
    _add_max_size(parser, "article file (--doc, and the files of the documents exported)")
    return parser


def _at_least_one(most: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number from 1 (to ``most``), "100,000" or "100_000" written too."""

    def parse(value: str) -> int:
        try:
            number = int(value.replace("_", "").replace(",", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
        if number < 1 or (most is not None and number > most):
            raise argparse.ArgumentTypeError(f"give a number from 1 to {most:,}" if most else "give a number above 0")
        return number

    return parse


def import_parser() -> argparse.ArgumentParser:
    from tui.core.formats import DEFAULT_LIMITS as LIMITS
    from tui.core.formats import MAX_DEPTH, MAX_IMPORT_BYTES, MAX_INT_DIGITS

    parser = argparse.ArgumentParser(
        prog="sorot import",
        description="Add the annotations of a w3c (JSON-LD) or jsonl export to the database. The whole file "
        "is checked first: if any line or item is invalid, or the file is past a limit below, nothing is "
        "imported. Annotations already there (by id) are kept, or replaced by a later-updated version: "
        "importing twice adds nothing.",
        epilog="A backup bigger than the limits imports whole with --no-limits (or the limits raised).",
    )
    parser.add_argument("file", metavar="FILE", help="a file written by sorot export -f w3c or jsonl; - reads stdin")
    parser.add_argument("--db", metavar="PATH", help=DB_HELP)
    limits = parser.add_argument_group("limits (a file past one is refused with a line saying which)")
    limits.add_argument(
        "--max-annotations",
        type=_at_least_one(),
        metavar="N",
        help=f"annotations in one file (default {LIMITS.annotations:,}); reading stops at the first one too many",
    )
    limits.add_argument(
        "--max-text-chars",
        type=_at_least_one(),
        metavar="N",
        help=f"characters in a note, a quote, a title or another text of an annotation, and in its tags together "
        f"(default {LIMITS.text_chars:,})",
    )
    limits.add_argument(
        "--max-depth",
        type=_at_least_one(MAX_DEPTH),
        metavar="N",
        help=f"levels of nesting in the JSON (default {LIMITS.depth}, at most {MAX_DEPTH}; Sorot's exports nest 7)",
    )
    limits.add_argument(
        "--max-int-digits",
        type=_at_least_one(MAX_INT_DIGITS),
        metavar="N",
        help=f"digits in a number (default {LIMITS.int_digits}, at most {MAX_INT_DIGITS:,})",
    )
    limits.add_argument(
        "--max-size",
        type=_size,
        metavar="SIZE",
        help=f"the largest file to read (default {format_size(MAX_IMPORT_BYTES)}; --no-limits lifts the default, "
        f"not a --max-size given with it): {SIZE_HELP}",
    )
    limits.add_argument(
        "--no-limits",
        action="store_true",
        help="no limit on the size of the file, the number of annotations or the length of their texts, whatever "
        "--max-annotations and --max-text-chars say: to restore a full backup",
    )
    return parser


def _import_limits(args: argparse.Namespace) -> ImportLimits:
    """The limits the import options ask for; ``--no-limits`` wins over the two it lifts."""
    from dataclasses import replace

    from tui.core.formats import DEFAULT_LIMITS

    given = {
        name: value
        for name, value in (
            ("annotations", args.max_annotations),
            ("text_chars", args.max_text_chars),
            ("depth", args.max_depth),
            ("int_digits", args.max_int_digits),
        )
        if value is not None
    }
    limits = replace(DEFAULT_LIMITS, **given)
    return limits.lifted() if args.no_limits else limits


def _import_bytes(args: argparse.Namespace) -> int:
    """The largest file ``sorot import`` reads: ``--max-size``, else any size with ``--no-limits``."""
    from tui.core.formats import MAX_IMPORT_BYTES

    if args.max_size is not None:
        return args.max_size
    return sys.maxsize if args.no_limits else MAX_IMPORT_BYTES


def fail(message: str, code: int = 1) -> int:
    # File names are untrusted: their control characters must not reach the terminal.
    print(f"sorot: {inert(message)}", file=sys.stderr)
    return code


def say(message: str) -> None:
    """A warning or summary line on stderr (stdout carries only data)."""
    print(f"sorot: {inert(message)}", file=sys.stderr)


def run_extract(argv: list[str]) -> int:
    args = extract_parser().parse_args(argv)
    if (problem := _model_error(args.model)) is not None:
        return fail(problem, 2)
    try:
        article = load_article(args.path, args.max_size)
    except ArticleError as exc:
        return fail(str(exc))
    from tui.core.analysis.engine import NlpEngine
    from tui.core.facts import extract_facts
    from tui.core.nlp import PipelineError

    # The pipeline runs in a child process that ends before the facts are read: spaCy and the
    # pipeline (140 MB) are not held while the facts of a long article take their own memory.
    engine = NlpEngine(args.model, cache=entity_cache(), background=False)
    try:
        if (cached := engine.cached(article.text)) is not None:
            language, entities = cached
        else:
            entities = engine.find_entities(article.text)
            language = engine.language()
    except PipelineError as exc:
        return fail(str(exc))
    finally:
        engine.close()
    document = {
        "path": str(article.path) if article.path is not None else STDIN,
        "sha256": article.sha256,
        "chars": len(article.text),
        "language": language,
    }
    facts = extract_facts(article.text, entities)  # before any output: a failure prints nothing on stdout
    write_extract_json(sys.stdout, document, entities, facts.all())
    return 0


def write_extract_json(out: IO[str], document: dict, entities: Iterable[Entity], facts: Iterable[Fact]) -> None:
    """``{"document": ..., "entities": [...], "facts": [...]}`` byte for byte as ``json.dump(...,
    indent=2)`` writes it, one record at a time: the million records of a 20 MB article never
    exist as dicts all at once (they took 200 MB)."""
    out.write('{\n  "document": ' + _json(document, 2))
    for key, records in (("entities", entities), ("facts", facts)):
        out.write(f',\n  "{key}": [')
        empty = True
        for record in records:
            out.write(("\n    " if empty else ",\n    ") + _json(record.to_json(), 4))
            empty = False
        out.write("]" if empty else "\n  ]")
    out.write("\n}\n")


def _json(value: object, depth: int) -> str:
    from tui.core.formats import json_text  # control characters in the article escaped, as in exports

    # A JSON string never holds a raw line break, so every one is the indenter's.
    return json_text(value, indent=2).replace("\n", "\n" + " " * depth)


class _PipeClosed(Exception):
    """Standard output was closed by its reader (an ``OSError`` would read as a failed write)."""


class _Stdout:
    """Standard output as bytes, written whole, telling a closed pipe apart from a failed write."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream

    def write(self, data: bytes) -> int:
        # A pipe whose reader leaves mid-write reports a short write, not an error: write the rest,
        # which fails then.
        rest = memoryview(data)
        try:
            while rest:
                written = self.stream.write(rest)
                if not written:
                    raise BrokenPipeError
                rest = rest[written:]
        except BrokenPipeError:
            raise _PipeClosed from None
        return len(data)

    def flush(self) -> None:
        try:
            self.stream.flush()
        except BrokenPipeError:
            raise _PipeClosed from None


def _db_path(db: str | None) -> Path:
    from tui.core.store import default_db_path

    return Path(db).expanduser() if db is not None else default_db_path()


def run_export_command(argv: list[str]) -> int:
    args = export_parser().parse_args(argv)
    if (problem := _model_error(args.model)) is not None:
        return fail(problem, 2)
    from tui.core.exchange import ExchangeError, check_export, run_export
    from tui.core.formats import FORMATS
    from tui.core.store import Store, StoreError

    db = _db_path(args.db)
    if not db.exists() and not db.is_symlink():  # a link to nothing: the store says so
        how = "check --db" if args.db is not None else "annotate in the reader first, or give --db PATH"
        return fail(f"no annotation database at {db} ({how})")
    if args.labels is not None and not FORMATS[args.format].needs_entities:
        say(f"warning: --labels applies to spacy, prodigy and brat only; ignored for {args.format}")
    out = None if args.output in (None, "-") else args.output
    try:
        check_export(args.format, out)  # a wrong -o is named before a problem with the database
        with Store.open(db, read_only=True) as store:
            report = run_export(
                store,
                args.format,
                args.doc,
                out,
                model=args.model,
                labels=args.labels,
                stdout=_Stdout(sys.stdout.buffer),  # type: ignore[arg-type]
                max_bytes=args.max_size,
            )
    except (ExchangeError, StoreError) as exc:
        return fail(str(exc))
    except _PipeClosed:
        raise BrokenPipeError from None
    for warning in report.warnings:
        say(f"warning: {warning}")
    say(report.summary())
    return 0


def run_import_command(argv: list[str]) -> int:
    args = import_parser().parse_args(argv)
    from tui.core.exchange import ExchangeError, run_import

    try:
        report = run_import(args.file, _db_path(args.db), max_bytes=_import_bytes(args), limits=_import_limits(args))
    except ExchangeError as exc:
        return fail(str(exc))
    for warning in report.warnings:
        say(f"warning: {warning}")
    say(report.summary())
    return 0


def entity_cache():
    """The on-disk cache of found entities (``SOROT_CACHE_DIR``; ``off`` disables it)."""
    from tui.core.analysis.cache import EntityCache, default_cache_dir

    directory = default_cache_dir()
    return EntityCache(directory) if directory is not None else None


def _keys_from_the_terminal() -> None:
    """After ``sorot -`` read the article from standard input, read keys from the terminal instead
    (as ``less`` does): the controlling terminal becomes file descriptor 0."""
    try:
        fd = os.open("/dev/tty", os.O_RDWR | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        raise ArticleError("standard input held the article, and there is no terminal to read keys from") from None
    try:
        os.dup2(fd, 0)
    finally:
        os.close(fd)


def _draws_on_a_terminal() -> bool:
    """Whether standard error, where Textual draws the interface, is a terminal (else the screen's
    escape codes would go into a file or a pipe)."""
    try:
        return os.isatty(sys.__stderr__.fileno())
    except (AttributeError, ValueError, OSError):
        return False


@contextmanager
def _keys_as_typed() -> Iterator[Callable[[], None]]:
    """While Sorot starts (0.8 s of imports before the interface takes the terminal), the terminal
    hands keys on as typed, as the interface will: without line editing, and without turning
    enter into ctrl+j or taking ctrl+s as "pause output" (a note typed ahead lost its save key).
    Yields the function that gives the terminal its own mode back, called just before the
    interface starts (which then saves that mode and restores it on suspend and on exit), and
    on leaving in any case. Nothing is done when standard input is not a terminal."""
    try:
        import termios

        fd = sys.stdin.fileno()
        before = termios.tcgetattr(fd)
    except (ImportError, AttributeError, ValueError, OSError):
        yield lambda: None
        return
    except termios.error:
        yield lambda: None
        return
    typed = termios.tcgetattr(fd)
    typed[3] &= ~(termios.ECHO | termios.ICANON | termios.IEXTEN)  # lflag; ctrl+c still stops the start
    typed[0] &= ~(termios.IXON | termios.IXOFF | termios.ICRNL | termios.INLCR | termios.IGNCR)  # iflag

    def restore() -> None:
        with suppress(termios.error):
            termios.tcsetattr(fd, termios.TCSANOW, before)  # TCSANOW: keys typed ahead are kept

    with suppress(termios.error):
        termios.tcsetattr(fd, termios.TCSANOW, typed)
    try:
        yield restore
    finally:
        restore()


def run_reader(argv: list[str]) -> int:
    with _keys_as_typed() as terminal_as_it_was:
        return _run_reader(argv, terminal_as_it_was)


def _run_reader(argv: list[str], terminal_as_it_was: Callable[[], None]) -> int:
    args = reader_parser().parse_args(argv)
    if (problem := _model_error(args.model)) is not None:
        return fail(problem, 2)
    from tui.core.analysis.engine import NlpEngine

    target = Path(args.path) if args.path is not None else sample_article_path()
    try:
        if args.path == STDIN:
            article = load_article(STDIN, args.max_size)
            _keys_from_the_terminal()
        else:
            article = None if target.is_dir() else load_article(target, args.max_size)
    except ArticleError as exc:
        return fail(str(exc))
    engine = NlpEngine(args.model, cache=entity_cache())
    if article is not None and len(article.text) <= EARLY_START_CHARS:
        # The pipeline starts loading now, in a child process on the other core, while the
        # interface is imported and drawn: a first open gets its entities and facts sooner.
        # (Looking in the entity cache first would cost the first paint more than the child.)
        engine.start()
    try:
        from tui.ui.app import make_app

        try:
            app = make_app(target, engine=engine, article=article, db=args.db, max_bytes=args.max_size)
        except ArticleError as exc:
            return fail(str(exc))
        if not _draws_on_a_terminal():
            return fail("the reader draws on the terminal through standard error, which is redirected here; "
                        "for output to a file or a pipe use sorot extract or sorot export")  # fmt: skip
        terminal_as_it_was()
        app.run()
        return app.return_code or 0
    finally:
        engine.close()  # the app closes it too; this covers a failure before the app ran


def _command(name: str) -> Callable[[list[str]], int]:
    return {"extract": run_extract, "export": run_export_command, "import": run_import_command}[name]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv and argv[0] in COMMANDS:
            return _command(argv[0])(argv[1:])
        return run_reader(argv)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`sorot export ... | head`): stop quietly, and keep
        # Python from complaining again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:  # never a traceback for the user; SOROT_DEBUG=1 shows it
        if os.environ.get("SOROT_DEBUG"):
            raise
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return fail(f"unexpected error: {type(exc).__name__}: {detail} (SOROT_DEBUG=1 shows the traceback)")
