"""Command line: ``sorot [PATH]`` opens the reader; ``extract``, ``export``, ``import`` and ``db`` work without it.

``sorot extract PATH --json`` prints entities and facts (``--format displacy`` or ``html``: the
article for spaCy's displaCy, or its page); ``sorot export --format FORMAT`` writes the
saved annotations for other tools (to standard output unless ``-o`` is given, so it pipes);
``sorot import FILE`` reads a ``w3c`` or ``jsonl`` export back; ``sorot db dump`` writes the whole
database as one TinyDB file (a backup) and ``sorot db restore FILE`` makes a database from one. Data
goes to stdout, warnings and summaries to stderr, and every error is one line on stderr with a
non-zero exit.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import io
import os
import re
import shutil
import stat
import sys
import tempfile
import textwrap
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from importlib.util import find_spec
from pathlib import Path
from typing import IO, TYPE_CHECKING

from tui import __version__
from tui.core.document import (
    MAX_ARTICLE_BYTES,
    STDIN,
    Article,
    ArticleError,
    file_kind,
    format_size,
    inert,
    inert_lines,
    inert_name,
    load_any,
    load_article,
    parse_size,
    sample_article_path,
)
from tui.core.nlp import DEFAULT_MODEL, RULES_MODEL

if TYPE_CHECKING:
    from tui.core.batch import Completed
    from tui.core.batch import Options as BatchOptions
    from tui.core.config import Config
    from tui.core.entities import Entity
    from tui.core.facts import Fact
    from tui.core.formats import ImportLimits
    from tui.core.library import Library
    from tui.core.store import Store

COMMANDS = ("extract", "export", "import", "db", "feed", "config", "library")
FEEDS = "feeds"
_OTHER_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
"""``sorot feeds`` opens the reading list (unless a file or directory of that name is here)."""

DB_HELP = "the annotation database (default: $SOROT_DB, else sorot.json in your user data directory)"
MODEL_HELP = "an installed spaCy pipeline to use instead of the built-in Indonesian one"
SIZE_HELP = "bytes, or K, M, G, T (powers of 1024), e.g. 100M"
LIBRARY_FORMATS = ("csv", "jsonl")
EXTRACT_FORMATS = ("json", "displacy", "html")
"""What ``sorot extract`` writes: ``json`` (entities and facts, the public contract), and for one
article ``displacy`` (spaCy's manual displaCy data) and ``html`` (displaCy's page, facts beside)."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose messages show control characters as symbols: an error quotes what
    was typed (a file name with an escape code would otherwise reach the terminal). Subcommands'
    parsers are of the same class (``add_subparsers`` makes them with the parent's)."""

    def _print_message(self, message: str, file: IO[str] | None = None) -> None:
        super()._print_message(inert_lines(message), file)


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
    parser = Parser(
        prog="sorot",
        description="Read a news article in the terminal with its people, organisations, places, "
        "dates and numbers highlighted. Without PATH, opens the bundled sample article.",
        epilog="Headless: sorot extract PATH --json, sorot export --format FORMAT, sorot import FILE, "
        "sorot db dump|restore, sorot feed add|remove|list|refresh|import|export (see sorot COMMAND --help).",
    )
    parser.add_argument(
        "path",
        nargs="?",
        help="a .txt, .md or saved .html article, a directory of them, an http(s):// URL, "
        "or - to read one from standard input; sorot feeds opens the reading list of your feeds",
    )
    parser.add_argument("--model", metavar="NAME_OR_PATH", help=MODEL_HELP)
    parser.add_argument("--db", metavar="PATH", help=DB_HELP)
    parser.add_argument("--config", metavar="PATH", help=CONFIG_HELP)
    _add_max_size(parser)
    parser.add_argument("--version", action="version", version=f"sorot {__version__}")
    return parser


CONFIG_HELP = "the config file (default: $SOROT_CONFIG, else config.toml in your user config directory)"


def config_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="sorot config",
        description="Print the effective settings and where each comes from: a flag beats the environment, "
        "which beats the config file, which beats the default. Exits 1 if the config file has a problem.",
    )
    parser.add_argument("--config", metavar="PATH", help=CONFIG_HELP)
    parser.add_argument("--db", metavar="PATH", help=DB_HELP)
    parser.add_argument("--model", metavar="NAME_OR_PATH", help=MODEL_HELP)
    parser.add_argument(
        "--keys", action="store_true", help="list every key binding instead: its id (for [keys]), keys and what it does"
    )
    return parser


def run_config_command(argv: list[str]) -> int:
    from tui.core.config import SETTINGS, load_config

    args = config_parser().parse_args(argv)
    if (problem := _model_error(args.model)) is not None:  # (as the reader would refuse it)
        return fail(problem, 2)
    config = load_config(args.config, flags={"db": args.db, "model": args.model})
    _check_config_model(config)
    if args.keys:
        return _print_keys(config)
    from textual.theme import BUILTIN_THEMES

    from tui.ui.keymaps import theme_problem

    known, _, problems = _keys_in_effect(config)
    config.problems += problems
    config.keys = {binding_id: keys for binding_id, keys in config.keys.items() if binding_id in known}
    if (problem := theme_problem(config.text("theme"), BUILTIN_THEMES, str(config.path))) is not None:
        config.problems.append(problem)
        config.values["theme"], config.sources["theme"] = SETTINGS["theme"].default, "default"
    for line in config.describe():
        print(inert(line))
    for problem in config.in_file_order(config.problems):
        say(problem)
    return 1 if config.problems else 0


def _keys_in_effect(config: Config) -> tuple[set[str], dict[str, str], list[str]]:
    """The binding ids, the keys that run each under ``config`` (as the reader applies them), and
    one line per unknown id or key that does not run the binding the config gives it to."""
    from tui.ui.app import binding_chains, bound_classes
    from tui.ui.keymaps import binding_ids, effective_keymap, keymap, shadowed

    classes = bound_classes()
    known = binding_ids(classes)
    chosen, problems = keymap(config.preset, config.keys, known, str(config.path))
    shown = effective_keymap(classes, chosen)
    return known, shown, problems + shadowed(binding_chains(), shown, chosen, str(config.path))


def _print_keys(config: Config) -> int:
    """``sorot config --keys``: each binding's id, the keys that run it under this config (none
    when the config gave them all to other bindings), what it does."""
    from tui.ui.app import bound_classes
    from tui.ui.keymaps import bindings_of

    _, shown, problems = _keys_in_effect(config)
    seen = set()
    for cls in bound_classes():
        for binding in bindings_of(cls):
            if binding.id and binding.id not in seen:
                seen.add(binding.id)
                keys = shown.get(binding.id, binding.key)
                print("\t".join(inert(field) for field in (binding.id, keys, binding.tooltip or binding.description)))
    for problem in config.in_file_order([*config.problems, *problems]):
        say(problem)
    return 1 if config.problems or problems else 0


def _check_config_model(config: Config) -> None:
    """A model the config file names that is not installed is a problem, and the default is used."""
    if config.sources["model"] == "--model":
        return
    model = config.text("model")
    if (problem := _model_error(model)) is not None:
        config.problems.append(f"{config.sources['model']}: model: {problem.removeprefix(f'--model {model}: ')}")
        config.values["model"], config.sources["model"] = None, "default"


def _use_colours(colours: object) -> None:
    """The colour depth for Textual (and Rich), set in the environment they read on import."""
    if colours == "none":
        os.environ["NO_COLOR"] = "1"
    elif colours in ("truecolor", "256", "16"):
        os.environ["TEXTUAL_COLOR_SYSTEM"] = "standard" if colours == "16" else str(colours)


def extract_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="sorot extract",
        description="Print an article's entities without starting the reader; with several paths, a directory "
        "or a list, write one JSON record per article and line (JSONL), extracted in parallel.",
        epilog="examples:\n"
        "  sorot extract berita.txt --json\n"
        "  sorot extract arsip/ -o arsip.jsonl --jobs 4\n"
        "  find arsip -name '*.txt' | sorot extract --paths-from - -o arsip.jsonl --resume\n"
        "  sorot extract arsip/ -o arsip.jsonl --cluster tcp://scheduler:8786",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "path",
        nargs="*",
        help="a .txt, .md or saved .html article, a directory of them (walked recursively), an http(s):// URL; "
        "a lone - reads one article from standard input",
    )
    parser.add_argument(
        "--format",
        "-f",
        choices=EXTRACT_FORMATS,
        help="json (the default): entities and facts; displacy: the data spaCy's displacy.render(..., "
        "manual=True) takes; html: a page of the article highlighted by displaCy, with its facts (one article)",
    )
    parser.add_argument("--json", action="store_true", help="the same as --format json")
    parser.add_argument(
        "--with-text",
        action="store_true",
        help="json: include the text the offsets index in document.text (always there for web pages; "
        "displacy and html always carry it)",
    )
    parser.add_argument(
        "--corrected",
        action="store_true",
        help="apply the entity corrections you made in the reader (added, relabelled, rejected) to this "
        "article's entities and facts, as the reader shows them: from --db, or the default database (one article)",
    )
    parser.add_argument("--db", metavar="PATH", help="with --corrected: " + DB_HELP)
    parser.add_argument("--model", metavar="NAME_OR_PATH", help=MODEL_HELP)
    _add_max_size(parser)
    batch = parser.add_argument_group("many articles (JSONL: the --json object of each article on one line)")
    batch.add_argument("--jsonl", action="store_true", help="one record a line, even for one article")
    batch.add_argument("-o", "--output", metavar="OUT", help="write the records to OUT instead of standard output")
    batch.add_argument(
        "--paths-from",
        metavar="FILE",
        help="also extract the paths, directories and URLs listed in FILE, one a line (- for standard input)",
    )
    batch.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        metavar="N",
        help="processes extracting at once, each loading the pipeline once (default: all cores)",
    )
    batch.add_argument(
        "--unordered", action="store_true", help="write each record as soon as it is ready, not in input order"
    )
    batch.add_argument(
        "--resume",
        action="store_true",
        help="with -o: skip the articles OUT already holds (same path, same bytes by SHA-256), redo a last line "
        "cut short, and append",
    )
    batch.add_argument(
        "--progress",
        action="store_true",
        help="show the progress bar on stderr even when it is not a terminal (it is shown on a terminal)",
    )
    batch.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="run on a Dask cluster (tcp://HOST:PORT of its scheduler) instead of this machine's cores; "
        "needs pip install 'sorot[cluster]', and the paths readable on every worker",
    )
    return parser


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"{value!r}: give a number of processes, 1 or more")
    return jobs


def _labels(value: str) -> list[str]:
    labels = [label.strip().upper() for label in value.split(",") if label.strip()]
    if not labels:
        raise argparse.ArgumentTypeError("give entity labels separated by commas, e.g. PERSON,ORG,LOC")
    return labels


def export_parser() -> argparse.ArgumentParser:
    from tui.core.formats import FORMATS, SPLITS, canonical_name

    width = max(len(name) for name in FORMATS)
    formats = "\n".join(f"  {name:<{width}}  {spec.description}" for name, spec in FORMATS.items())
    parser = Parser(
        prog="sorot export",
        description="Write the saved annotations in a format other tools read. The text formats go to\n"
        "standard output unless -o is given; spacy needs -o FILE and brat -o DIR.",
        epilog=f"formats:\n{formats}\n\n"
        "examples:\n"
        "  sorot export -f w3c -o notes.jsonld\n"
        "  sorot export -f csv --doc berita.txt | less\n"
        "  sorot export -f csv --delimiter ';' -o anotasi.csv   (spreadsheets with a decimal comma)\n"
        "  sorot export -f spacy -o corrections.spacy --labels PERSON,ORG,LOC\n"
        "  sorot export -f prodigy --split sentences -o corrections.prodigy.jsonl",
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
    parser.add_argument(
        "--split",
        choices=SPLITS,
        help="prodigy: one task per sentence (Sorot's sentence splitter), not per document",
    )
    parser.add_argument(
        "--reviewed",
        action="store_true",
        help="spacy, prodigy: the documents were reviewed whole, so every token outside an entity is O "
        "(default: only what the reader corrected is annotation: other tokens are missing in spacy, "
        "and prodigy gets one binary task per corrected or rejected entity)",
    )
    parser.add_argument(
        "--delimiter",
        metavar="CHAR",
        help="csv: the cell separator, , (default) or ; (what spreadsheets in the Indonesian locale expect) or tab",
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

    parser = Parser(
        prog="sorot import",
        description="Add the annotations of a w3c (JSON-LD) or jsonl export to the database. The whole file "
        "is checked first: if any line or item is invalid, or the file is past a limit below, nothing is "
        "imported. Annotations already there (by id) are kept, or replaced by a later-updated version: "
        "importing twice adds nothing.",
        epilog="A backup bigger than the limits imports whole with --no-limits (or the limits raised).",
    )
    parser.add_argument("file", metavar="FILE", help="a file written by sorot export -f w3c or jsonl; - reads stdin")
    parser.add_argument("--db", metavar="PATH", help=DB_HELP)
    parser.add_argument(
        "--doc",
        metavar="ARTICLE",
        help="the article (file or kept web address) that annotations without a place are on (only a quote, "
        "as Hypothesis writes them): they are anchored in it by their quote",
    )
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


DB_DEFAULT = "default: $SOROT_DB, else sorot.json in your user data directory"
DB_FILES = (
    "A database is the file PATH that --db names (its manifest), the folder PATH.d beside it that holds "
    "its data (TinyDB files, one per bucket of records) and the lock file PATH.lock."
)


def db_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="sorot db",
        description=_paragraphs(
            "Back up the annotation database to one file, or make a database from such a backup.",
            DB_FILES + " A dump is one plain TinyDB JSON file holding every table: the annotations, reading "
            "positions, bookmarks, the documents opened, the deletions, and any table Sorot does not know.",
        ),
        epilog="examples:\n"
        "  sorot db dump -o sorot-backup.json\n"
        "  sorot db dump --db ~/notes/sorot.json | gzip > sorot-backup.json.gz\n"
        "  sorot db restore sorot-backup.json --db ~/notes/restored.json\n"
        "  sorot db restore sorot-backup.json.gz --db ~/notes/restored.json\n"
        "  sorot db restore sorot-backup.json --replace",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    dump = actions.add_parser(
        "dump",
        help="write the whole database as one TinyDB JSON file (a backup)",
        description=_paragraphs(
            "Write the whole database (every table) as one single-file TinyDB JSON database, which sorot db "
            "restore, TinyDB or any JSON reader opens. The database is only read: a dump changes none of its "
            "files, and works on a read-only one.",
            DB_FILES,
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    dump.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="the file to write, replaced in one step when complete (a temporary file beside it, then a "
        "rename); - or none: standard output. Never the database's own files (PATH, PATH.lock, or "
        "anything in PATH.d)",
    )
    dump.add_argument("--db", metavar="PATH", help=f"the database to dump: PATH is its manifest ({DB_DEFAULT})")
    restore = actions.add_parser(
        "restore",
        help="make a database from a dump",
        description=_paragraphs(
            "Make the database at PATH from FILE, a dump written by sorot db dump. PATH must not hold a "
            "database yet, unless --replace is given. The restored database holds what the dump holds, "
            "nothing merged: to add annotations to a database, use sorot import.",
            DB_FILES,
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    restore.add_argument(
        "file",
        metavar="FILE",
        help="a dump written by sorot db dump (or the single-file database of an older Sorot), gzipped or "
        "not; - reads standard input",
    )
    restore.add_argument(
        "--db",
        metavar="PATH",
        help=f"the database to make: PATH is its manifest, and its data folder PATH.d is made beside it ({DB_DEFAULT})",
    )
    restore.add_argument(
        "--replace",
        action="store_true",
        help="if PATH already holds a database, keep it aside (once the new one is built: renamed to "
        "PATH.before-restore-DATE-TIME, its folder with it, which --db opens) instead of refusing",
    )
    return parser


def _paragraphs(*texts: str) -> str:
    """A description of several paragraphs, each wrapped (for RawDescriptionHelpFormatter, which keeps them)."""
    return "\n\n".join(textwrap.fill(text, 88) for text in texts)


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
    if args.json and args.format not in (None, "json"):
        return fail(f"--json and --format {args.format} ask for different outputs; give one", 2)
    if (problem := _model_error(args.model)) is not None:
        return fail(problem, 2)
    if _is_batch(args):
        return run_extract_batch(args)
    if not args.path:
        return fail("give an article to extract: a path, a directory, a URL, or - for standard input", 2)
    try:
        article = _extract_source(args.path[0], args.max_size)
    except ArticleError as exc:
        return fail(str(exc))
    from tui.core.analysis.engine import NlpEngine
    from tui.core.batch import article_document
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
    document = article_document(article, language, args.with_text)
    web = article.web
    published = web.published_date if web is not None else None
    if args.corrected:
        try:
            entities = _as_corrected(article, entities, args.db)
        except ArticleError as exc:
            return fail(str(exc))
    elif args.db is not None:
        say("warning: --db is read only with --corrected; ignored")
    # Before any output: a failure prints nothing on stdout.
    facts = extract_facts(article.text, entities, published)
    if args.format in (None, "json"):
        write_extract_json(sys.stdout, document, entities, facts.all())
        return 0
    from tui.core.formats import write_displacy_json, write_displacy_page

    sys.stdout.flush()
    # UTF-8 whatever the locale: the page says so, and JSON is UTF-8.
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
    try:
        if args.format == "displacy":
            write_displacy_json(out, article.text, entities, title=article.title, language=language)
        else:
            write_displacy_page(out, article.text, entities, facts, title=article.title, language=language)
        out.flush()
    finally:
        out.detach()  # standard output stays open for whoever writes after
    return 0


def _is_batch(args: argparse.Namespace) -> bool:
    """Whether ``sorot extract`` writes JSONL: asked for, or more than one article (several paths,
    a directory, a list); one file, one URL or a lone ``-`` keep the one-article outputs."""
    from tui.core.web.urls import is_web_address

    if args.jsonl or args.output or args.paths_from or args.jobs or args.unordered or args.resume or args.cluster:
        return True
    if len(args.path) != 1:
        return len(args.path) > 1
    path = args.path[0]
    return path != STDIN and not is_web_address(path) and os.path.isdir(path)


def run_extract_batch(args: argparse.Namespace) -> int:
    """``sorot extract PATH... --jsonl``: every article's record on a line of OUT (or stdout), bad
    ones reported on stderr and skipped; exit 1 when any failed."""
    from tui.core import batch

    if args.format not in (None, "json"):
        return fail(f"--format {args.format} writes one article; many are written as JSONL", 2)
    if args.corrected:
        return fail("--corrected works on one article; give one path", 2)
    if STDIN in args.path:
        return fail("- reads one article from standard input: give it alone, or use --paths-from - for a list", 2)
    if args.resume and not args.output:
        return fail("--resume continues the file given with -o OUT", 2)
    if args.cluster and args.jobs:
        return fail("--jobs is this machine's processes; with --cluster the cluster's workers do the work", 2)
    if not args.path and not args.paths_from:
        return fail("give the articles to extract: paths, directories, URLs or --paths-from FILE", 2)
    if args.db is not None:
        say("warning: --db is read only with --corrected; ignored")
    if args.output is not None and (same := _output_among(args.output, args.path)) is not None:
        return fail(f"OUT is also an input: {inert_name(same)}", 2)
    options = batch.Options(model=args.model, max_bytes=args.max_size, with_text=args.with_text)
    try:
        with _paths_list(args.paths_from) as listed, _batch_output(args.output, resume=args.resume) as output:
            write, completed = output
            if completed is not None and completed.cut:
                say(f"{inert_name(args.output)}: cut an unfinished last line of {completed.cut:,} bytes (it is redone)")
            return _extract_many(args, options, listed, completed, write)
    except batch.BatchError as exc:
        return fail(str(exc))
    except OSError as exc:
        if exc.filename is None and args.output is None:
            return fail(f"standard output: cannot write ({exc.strerror or exc})")
        return fail(f"{inert_name(str(exc.filename or args.output))}: cannot write ({exc.strerror or exc})")


def _output_among(output: str, paths: list[str]) -> str | None:
    """The path of ``paths`` that is the file ``output`` (by device and inode, whatever the
    spelling), checked before OUT is opened, which would empty it; a walk passes OUT by."""
    from tui.core.batch import file_id, is_url

    target = file_id(output)
    if target is None:
        return None
    for path in paths:
        if not is_url(path) and not os.path.isdir(path) and file_id(path) == target:
            return path
    return None


def _extract_many(
    args: argparse.Namespace,
    options: BatchOptions,
    listed: Iterable[str] | None,
    completed: Completed | None,
    write: Callable[[str], None],
) -> int:
    from rich.console import Console
    from rich.text import Text

    from tui.core import batch

    def arguments() -> Iterator[str]:
        yield from args.path
        if listed is not None:
            yield from batch.read_paths(listed)

    written = 0

    def counted(record: str) -> None:
        nonlocal written
        write(record)
        written += 1

    show = args.progress or sys.stderr.isatty()
    console = Console(stderr=True, highlight=False)

    def report(outcome: batch.Outcome) -> None:
        for line in (*outcome.warnings, *([outcome.error] if outcome.error is not None else [])):
            if show:  # above the bar, which stays whole; the text is never read as markup
                console.print(Text(f"sorot: {inert(line)}"), soft_wrap=True)
            else:
                say(line)

    workers: batch.Workers
    if args.cluster:
        from tui.core.cluster import ClusterError, DaskWorkers

        try:
            workers = DaskWorkers(args.cluster, options, notify=say)
        except ClusterError as exc:
            return fail(str(exc))
        report(batch.Outcome("", warnings=(f"cluster dashboard: {workers.dashboard}",)))
    else:
        jobs = args.jobs or _cores()
        if jobs > _cores():
            # Each job is a process with its own pipeline (some 165 MB): more than the cores
            # only costs memory.
            say(f"--jobs {jobs}: this machine runs {_cores()} at once; using {_cores()}")
            jobs = _cores()
        workers = batch.InProcess(options) if jobs == 1 else batch.ProcessPool(options, jobs)
    output = batch.file_id(args.output) if args.output is not None else None
    try:
        with _batch_progress(console, show, _count(args) if show else None) as progress:
            summary = batch.run_batch(
                batch.list_sources(arguments(), output),
                workers,
                counted,
                report,
                ordered=not args.unordered,
                completed=completed,
                progress=progress,
            )
    except KeyboardInterrupt:
        more = ", --resume continues" if args.output is not None else ""
        say(f"interrupted; {written:,} record{'s' * (written != 1)} written{more}")
        raise
    finally:
        workers.close()
    if summary.skipped:
        say(f"{summary.skipped:,} already in {args.output}; skipped")
    if completed is not None and completed.changed:
        say(
            f"{completed.changed:,} changed since {'its record' if completed.changed == 1 else 'their records'}; "
            "the new record is appended, the older one stays (the last record of an input wins)"
        )
    if summary.failed:
        if (total := summary.written + summary.failed) > 1:  # one failure's own line says it all
            say(f"{summary.failed:,} of {total:,} articles failed")
        return 1
    return 0


def _cores() -> int:
    """The cores this process may run on (a container's or ``taskset``'s share, not the machine's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _count(args: argparse.Namespace) -> int | None:
    """How many articles the run has (for the bar's ETA), by listing them once more; None when
    the list comes from standard input, which cannot be read twice."""
    from tui.core.batch import file_id, list_sources, read_paths

    if args.paths_from == STDIN:
        return None
    names: Iterable[str] = args.path
    output = file_id(args.output) if args.output is not None else None
    try:
        if args.paths_from:
            with open(args.paths_from, encoding="utf-8", errors="surrogateescape") as handle:
                return sum(1 for _ in list_sources([*names, *read_paths(handle)], output))
        return sum(1 for _ in list_sources(names, output))
    except OSError:
        return None


@contextmanager
def _batch_progress(console: object, show: bool, total: int | None) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr (articles, articles/s, time left), or nothing when not ``show``."""
    if not show:
        yield lambda advance: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    class Rate(TextColumn):
        def __init__(self) -> None:
            super().__init__("")

        def render(self, task):  # type: ignore[no-untyped-def]
            from rich.text import Text

            return Text(f"{task.speed:.1f} articles/s" if task.speed else "")

    with Progress(
        TextColumn("extracting"),
        BarColumn(),
        MofNCompleteColumn(),
        Rate(),
        TimeRemainingColumn(),
        console=console,  # type: ignore[arg-type]
        transient=False,
    ) as bar:
        task = bar.add_task("extract", total=total)
        yield lambda advance: bar.advance(task, advance)


@contextmanager
def _paths_list(paths_from: str | None) -> Iterator[Iterable[str] | None]:
    """The lines of ``--paths-from`` (a file, or ``-``: standard input), read as they are used."""
    if paths_from is None:
        yield None
    elif paths_from == STDIN:
        yield io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="surrogateescape")
    else:
        try:
            handle = open(paths_from, encoding="utf-8", errors="surrogateescape")
        except OSError as exc:
            from tui.core.batch import BatchError

            raise BatchError(f"--paths-from {paths_from}: {exc.strerror or exc}") from None
        with handle:
            yield handle


@contextmanager
def _batch_output(output: str | None, *, resume: bool) -> Iterator[tuple[Callable[[str], None], Completed | None]]:
    """Where the records go, and what OUT holds complete when resuming: OUT (locked for the run,
    :func:`tui.core.batch.open_output`) or standard output; each line is written whole and
    flushed, so a run stopped at any moment leaves complete lines and at most one cut short,
    which ``--resume`` redoes."""
    from tui.core.batch import open_output

    completed: Completed | None = None
    if output is None:
        stream: IO[str] = sys.stdout
    else:
        handle, completed = open_output(output, resume=resume)
        stream = io.TextIOWrapper(handle, encoding="utf-8", newline="\n")
    try:

        def write(record: str) -> None:
            stream.write(record + "\n")
            stream.flush()

        yield write, completed
    finally:
        if output is not None:
            stream.close()


def _as_corrected(article: Article, entities: list[Entity], db: str | None) -> list[Entity]:
    """``entities`` with the reader's corrections of ``article`` applied (``sorot extract
    --corrected``): those of its text, and of the texts the reader found at its path, re-anchored
    in it. A database that does not exist or cannot be read is an :class:`ArticleError`."""
    from tui.core.annotations import reanchor
    from tui.core.corrections import corrected_entities
    from tui.core.store import Store, StoreError

    path = _db_path(db)
    if not path.exists():
        raise ArticleError(f"--corrected: no annotation database at {path} (give --db PATH)")
    where = str(article.path.resolve()) if article.path is not None else article.web.url if article.web else None
    try:
        with Store.open(path, read_only=True) as store:
            annotations = store.annotations_for(article.sha256, where)
    except (StoreError, OSError) as exc:
        raise ArticleError(f"--corrected: {exc}") from None
    return corrected_entities(entities, reanchor(annotations, article.text), article.text)


def _extract_source(path: str, max_bytes: int) -> Article:
    """The article ``sorot extract`` reads: a file, standard input, or a URL (fetched, or its kept
    copy when the server cannot be reached; a line on stderr says so)."""
    from tui.core.batch import load_web_article
    from tui.core.web.urls import is_web_address

    if not is_web_address(path):
        return load_any(path, max_bytes)
    with _annotated_urls() as annotated:
        fetched = load_web_article(path, max_bytes, annotated=annotated)
    for warning in fetched.warnings:
        say(warning)
    return fetched.article


@contextmanager
def _annotated_urls() -> Iterator[Callable[[str], bool] | None]:
    """Which web articles the default database annotates (the kept copies never to remove when
    the folder is trimmed), read-only; None (remove nothing) when it cannot be read."""
    from tui.core.store import Store, StoreError, default_db_path

    path = default_db_path()
    if not path.exists():
        yield lambda url: False  # no database: nothing is annotated
        return
    try:
        store = Store.open(path, read_only=True)
    except (StoreError, OSError):
        yield None
        return
    with store:
        yield store.is_annotated


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
    from tui.core.formats import FORMATS, ExportError, check_options
    from tui.core.store import Store, StoreError

    db = _db_path(args.db)
    if not db.exists() and not db.is_symlink():  # a link to nothing: the store says so
        how = "check --db" if args.db is not None else "annotate in the reader first, or give --db PATH"
        return fail(f"no annotation database at {db} ({how})")
    if args.labels is not None and not FORMATS[args.format].needs_entities:
        say(f"warning: --labels applies to spacy, prodigy and brat only; ignored for {args.format}")
    elif args.labels is not None and args.model is None:
        from tui.core.entities import LABELS
        from tui.core.nlp import LABEL_ALIASES

        for label in args.labels:
            if label not in LABELS and label not in LABEL_ALIASES:
                say(
                    f"warning: --labels {inert(label)}: the built-in pipeline gives no such label ({', '.join(LABELS)})"
                )
    out = None if args.output in (None, "-") else args.output
    options = _export_options(args)
    try:
        check_options(args.format, options)
    except ExportError as exc:
        return fail(str(exc), 2)  # a usage error, as argparse's own
    try:
        check_export(args.format, out, options)  # a wrong -o is named before a problem with the database
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
                options=options,
            )
    except (ExchangeError, StoreError) as exc:
        return fail(str(exc))
    except _PipeClosed:
        raise BrokenPipeError from None
    for warning in report.warnings:
        say(f"warning: {warning}")
    say(report.summary())
    return 0


def _export_options(args: argparse.Namespace) -> dict[str, object]:
    """The format options given on the command line (:attr:`tui.core.formats.Format.options`;
    those left out are not passed at all)."""
    given: dict[str, object] = {}
    if args.delimiter is not None:
        given["delimiter"] = args.delimiter
    if args.split is not None:
        given["split"] = args.split
    if args.reviewed:
        given["reviewed"] = True
    return given


def run_import_command(argv: list[str]) -> int:
    args = import_parser().parse_args(argv)
    from tui.core.exchange import ExchangeError, run_import

    try:
        report = run_import(
            args.file, _db_path(args.db), max_bytes=_import_bytes(args), limits=_import_limits(args), doc_path=args.doc
        )
    except ExchangeError as exc:
        return fail(str(exc))
    for warning in report.warnings:
        say(f"warning: {warning}")
    say(report.summary())
    return 0


def run_db_command(argv: list[str]) -> int:
    args = db_parser().parse_args(argv)
    return _run_dump(args) if args.action == "dump" else _run_restore(args)


_TABLES = (  # what the summary of a dump calls the records of each table
    ("annotations", "annotation"),
    ("positions", "reading position"),
    ("bookmarks", "bookmark"),
    ("documents", "document record"),
    ("deleted", "deletion"),
)
_FEED_TABLES = (  # named only when there are some
    ("feeds", "feed subscription", "feed subscriptions"),
    ("entries", "feed entry", "feed entries"),
)


def feed_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="sorot feed",
        description=_paragraphs(
            "Subscribe to RSS and Atom feeds of news sites and keep their entries, with what you have read, in the "
            "annotation database. The reader's reading list shows them; these commands work without it.",
            "Entries first seen and published more than SOROT_FEED_MAX_AGE days ago (default 60), read or not, "
            "are removed after a refresh, unless you annotated the article.",
        ),
        epilog="examples:\n"
        "  sorot feed add https://www.antaranews.com/rss/terkini.xml\n"
        "  sorot feed add https://www.tempo.co            (the feed the page names)\n"
        "  sorot feed refresh --max-age 30\n"
        "  sorot feed list | sort -t$'\\t' -k2 -n\n"
        "  sorot feed import subscriptions.opml\n"
        "  sorot feed export -o sorot-feeds.opml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="subscribe to a feed (or to the feed a web page names)")
    add.add_argument("url", metavar="URL", help="the feed's URL, or a page that names its feed")
    add.add_argument("--folder", default="", metavar="NAME", help="the folder (OPML category) to put it in")
    remove = actions.add_parser("remove", help="unsubscribe (entries of annotated articles are kept)")
    remove.add_argument("url", metavar="URL", help="the feed's URL, as sorot feed list shows it")
    actions.add_parser("list", help="the subscriptions: URL, unread entries and title, tab-separated, on stdout")
    refresh = actions.add_parser("refresh", help="read every feed again, then remove old entries")
    refresh.add_argument(
        "--max-age",
        type=_at_least_one(),
        metavar="DAYS",
        help="remove entries older than this many days (default: $SOROT_FEED_MAX_AGE, else 60)",
    )
    opml_in = actions.add_parser("import", help="subscribe to the feeds of an OPML file (newsboat, Feedly, ...)")
    opml_in.add_argument("file", metavar="FILE", help="an OPML file")
    opml_out = actions.add_parser("export", help="write the subscriptions as OPML 2.0")
    opml_out.add_argument("-o", "--output", metavar="FILE", help="the file to write; - or none: standard output")
    for action in (add, remove, refresh, opml_in, opml_out, actions.choices["list"]):
        action.add_argument("--db", metavar="PATH", help=DB_HELP)
    return parser


def run_feed_command(argv: list[str]) -> int:
    args = feed_parser().parse_args(argv)
    from tui.core.store import StoreError
    from tui.core.web.feeds import FeedError, is_web_url
    from tui.core.web.fetch import FetchError
    from tui.core.web.opml import OpmlError

    db = _db_path(args.db)
    reading = args.action in ("list", "export")
    if reading and not db.exists() and not db.is_symlink():
        if args.db is not None:
            return fail(f"no annotation database at {db} (check --db)")
        db = None  # no database yet: no subscriptions
    if args.action == "add" and not is_web_url(args.url):
        return fail(f"{args.url} is not an http or https URL")
    try:
        with _feed_store(db, reading) as store:
            return _FEED_ACTIONS[args.action](store, args)
    except (StoreError, FeedError, FetchError, OpmlError) as exc:
        return fail(str(exc))
    except _PipeClosed:
        raise BrokenPipeError from None
    except OSError as exc:
        return fail(f"cannot {args.action} feeds: {_os_reason(exc)}")


def _feed_store(db: Path | None, reading: bool) -> Store:
    from tui.core.store import Store

    if db is None:
        return Store.memory()
    return Store.open(db, read_only=reading)


def _feed_add(store: Store, args: argparse.Namespace) -> int:
    from tui.core.web.feeds import close_fetch, make_fetch, subscribe

    fetch = make_fetch(None)
    url = args.url.strip()
    if sys.stderr.isatty():
        say(f"fetching {url} …")  # a slow site: the wait is said (only to a person, not to a log)
    try:
        done = subscribe(store, url, fetch, folder=args.folder)
    finally:
        close_fetch(fetch)
    if not done.added:
        say(f"already subscribed to {done.feed.name} ({done.feed.url})")
        return 0
    if done.dropped:
        say(f"warning: skipped {done.dropped} entr{'ies' if done.dropped != 1 else 'y'} not linking to a web page")
    say(f"subscribed to {done.feed.name} ({done.entries} entr{'ies' if done.entries != 1 else 'y'})")
    return 0


def _feed_remove(store: Store, args: argparse.Namespace) -> int:
    feed = store.feed(args.url)
    if feed is None:
        return fail(f"not subscribed to {args.url} (sorot feed list shows the subscriptions)")
    removed = store.remove_feed(feed.url)
    say(f"unsubscribed from {feed.name} ({removed} entr{'ies' if removed != 1 else 'y'} removed)")
    return 0


def _cell(text: str) -> str:
    """A field of a tab-separated line: no tab or line break inside, control characters inert."""
    return inert(" ".join(text.split("\t")))


def _feed_list(store: Store, args: argparse.Namespace) -> int:
    counts = store.unread_counts()
    out = _Stdout(sys.stdout.buffer)
    lines = [f"{_cell(f.url)}\t{counts.get(f.url, 0)}\t{_cell(f.title)}\n" for f in store.feeds()]
    sys.stdout.flush()
    out.write("".join(lines).encode("utf-8", "surrogateescape"))
    out.flush()
    return 0


def _feed_refresh(store: Store, args: argparse.Namespace) -> int:
    from tui.core.web.feeds import Feed, close_fetch, make_fetch, max_age_days, prune, refresh

    if not store.feeds():
        say("no subscriptions yet: add one with sorot feed add URL")
        return 0

    def progress(done: int, total: int, feed: Feed) -> None:
        say(f"[{done}/{total}] {feed.name}" + (f": {feed.error}" if feed.error else ""))

    fetch = make_fetch()
    try:
        results = refresh(store, fetch, progress=progress)
    finally:
        close_fetch(fetch)
    days = args.max_age if args.max_age is not None else max_age_days()
    pruned = prune(store, days)
    failed = sum(1 for r in results if r.error)
    new = sum(r.new for r in results)
    summary = f"refreshed {len(results) - failed} of {len(results)} feeds: {new} new entr{'ies' if new != 1 else 'y'}"
    if pruned:
        summary += f", {pruned} older than {days} days removed"
    if failed:
        summary += f"; {failed} failed"
    say(summary)
    return 1 if failed else 0


def _feed_import(store: Store, args: argparse.Namespace) -> int:
    from tui.core.web.opml import import_opml

    done = import_opml(store, args.file)
    if done.invalid:
        say(f"warning: skipped {done.invalid} outline(s) whose feed URL is not http or https")
    if done.duplicates:
        say(f"warning: {done.duplicates} feed(s) listed twice in {args.file} taken once")
    say(f"imported {done.added} feeds ({done.already} already there)")
    if done.added:
        say("sorot feed refresh (or r in sorot feeds) fetches their entries")
    return 0


def _feed_export(store: Store, args: argparse.Namespace) -> int:
    from tui.core.web.opml import opml_text, write_opml

    feeds = store.feeds()
    text = opml_text(feeds)
    if args.output in (None, "-"):
        sys.stdout.flush()
        out = _Stdout(sys.stdout.buffer)
        out.write(text.encode("utf-8"))
        out.flush()
        return 0
    target = Path(args.output)
    if target.is_dir():
        return fail(f"{target} is a directory: give a file name")
    write_opml(text, target)
    say(f"exported {len(feeds)} feed{'s' * (len(feeds) != 1)} to {target}")
    return 0


_FEED_ACTIONS: dict[str, Callable[[Store, argparse.Namespace], int]] = {
    "add": _feed_add,
    "remove": _feed_remove,
    "list": _feed_list,
    "refresh": _feed_refresh,
    "import": _feed_import,
    "export": _feed_export,
}


def _dump_summary(counts: dict[str, int]) -> str:
    parts = [f"{counts.get(table, 0):,} {what}{'s' * (counts.get(table, 0) != 1)}" for table, what in _TABLES]
    parts += [
        f"{counts[table]:,} {one if counts[table] == 1 else many}"
        for table, one, many in _FEED_TABLES
        if counts.get(table)
    ]
    known = {table for table, _ in _TABLES} | {table for table, _, _ in _FEED_TABLES}
    others = [table for table in counts if table not in known and table != "meta"]
    if others:
        records = sum(counts[table] for table in others)
        parts.append(f"{records:,} record{'s' * (records != 1)} of {len(others)} other table{'s' * (len(others) != 1)}")
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _is_or_inside(path: str | os.PathLike[str], place: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names ``place`` or something inside it, through links (neither need exist;
    where both do, the files themselves are compared, whatever their names)."""
    real, home = Path(os.path.realpath(path)), Path(os.path.realpath(place))
    if real == home or home in real.parents:
        return True
    try:
        st = os.stat(home)
    except OSError:
        return False
    for step in (real, *real.parents):
        try:
            here = os.stat(step)
        except OSError:
            continue
        if (here.st_dev, here.st_ino) == (st.st_dev, st.st_ino):
            return True
    return False


def _os_reason(exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    return f"{reason} ({exc.filename})" if exc.filename is not None else reason


def _run_dump(args: argparse.Namespace) -> int:
    from tui.core.store import Store, StoreError, data_folder

    db = _db_path(args.db)
    if not db.exists() and not db.is_symlink():  # a link to nothing: the store says so
        how = "check --db" if args.db is not None else "give --db PATH"
        return fail(f"no annotation database at {db} ({how})")
    out = None if args.output in (None, "-") else Path(args.output)
    if out is not None and (problem := _dump_destination_problem(out)) is not None:
        return fail(problem)  # a wrong -o is named before a problem with the database
    try:
        with Store.open(db, read_only=True) as store:
            if out is not None:
                folder = store.data_path or data_folder(Path(os.path.realpath(db)))
                for place, what in (
                    (db, "the database being dumped"),
                    (store.lock_path, "the lock file of the database being dumped"),
                    (folder, "inside the data folder of the database being dumped"),
                ):
                    if place is not None and _is_or_inside(out, place):
                        return fail(f"-o {out} is {what}: give a file outside it")
                counts = _dump_to_file(store, out)
            else:
                sys.stdout.flush()
                counts = store.dump(_Stdout(sys.stdout.buffer))
                sys.stdout.buffer.flush()
            unread = list(store.warnings)  # damaged buckets, found when read: their records are not in the dump
    except StoreError as exc:
        return fail(str(exc))
    except _PipeClosed:
        raise BrokenPipeError from None
    except OSError as exc:
        return fail(f"cannot dump {db}{f' to {out}' if out is not None else ''}: {_os_reason(exc)}")
    for warning in unread:
        say(f"warning: {inert(warning)}")
    say(f"dumped {_dump_summary(counts)} to {out if out is not None else 'standard output'}")
    return 1 if unread else 0


def _dump_destination_problem(out: Path) -> str | None:
    """Why a dump cannot be written to ``out``, as far as can be told before reading the database."""
    try:
        mode = os.stat(out).st_mode  # through links
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot write {out}: {exc.strerror or exc}"
    if stat.S_ISDIR(mode):
        return f"{out} is a directory: give a file name"
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        return f"cannot write {out}: not a regular file ({file_kind(mode)})"
    return None


def _dump_to_file(store: Store, out: Path) -> dict[str, int]:
    """Dump ``store`` to ``out``: a regular file (or a new one) is replaced in one rename once the
    dump is complete and on disk, through a symbolic link (the link stays), keeping the mode of the
    file it replaces (a new one is private, as the database's files are); a FIFO or a character
    device (``/dev/stdout``, ``/dev/null``) is written into."""
    from tui.core.store import fsync_directory

    try:
        mode: int | None = os.stat(out).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        with open(out, "wb") as handle:
            return store.dump(handle)
    target = Path(os.path.realpath(out)) if os.path.islink(out) else out
    target.parent.mkdir(parents=True, exist_ok=True)
    # Not NAME.*.tmp: beside the database, the store takes those for a dead writer's and removes them.
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            counts = store.dump(handle)
            handle.flush()
            os.fsync(handle.fileno())
            if mode is not None:
                os.fchmod(handle.fileno(), stat.S_IMODE(mode))
        os.replace(tmp, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_directory(target.parent)
    return counts


def _run_restore(args: argparse.Namespace) -> int:
    from tui.core.store import CorruptDatabaseError, StoreError, data_folder, restore_database

    db = _db_path(args.db)
    target = Path(os.path.realpath(db))
    shown = "standard input" if args.file == "-" else args.file
    if args.file != "-":
        for place, what in (
            (target, "the database to restore into"),
            (data_folder(target), "inside the data folder of the database to restore into"),
        ):
            if _is_or_inside(args.file, place):
                return fail(f"{args.file} is {what} ({db}): restore from a dump kept elsewhere")
    try:
        with _plain_dump(args.file, target) as source:
            try:
                restored = restore_database(source, db, replace=args.replace)
            except (StoreError, OSError) as exc:
                if isinstance(exc, CorruptDatabaseError) and not str(exc).startswith(str(source)):
                    message = f"{shown} {exc}"  # what the dump is not ("is not valid JSON..."), found reading it
                elif isinstance(exc, StoreError):
                    message = str(exc).replace(str(source), str(shown))
                else:
                    message = f"cannot restore {shown} into {db}: {_os_reason(exc)}"
                if _looks_like_exported_annotations(source):
                    message += "; it looks like exported annotations: add them to a database with `sorot import`"
                return fail(message)
    except OSError as exc:
        return fail(f"cannot read {shown}: {_os_reason(exc)}")
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        return fail(f"{shown} is a gzip file that cannot be read ({exc})")
    for warning in restored.warnings:
        say(f"warning: {warning}")
    say(f"restored {_dump_summary(restored.counts)} from {shown} into {db}")
    return 0


@contextmanager
def _plain_dump(name: str, target: Path) -> Iterator[Path]:
    """The dump to restore as a file: ``name`` itself, or (standard input, a pipe such as
    ``<(zcat dump.gz)``, a gzip file) a copy made beside the database, streamed (any size,
    bounded memory), removed afterwards."""
    stream: IO[bytes] = sys.stdin.buffer if name == "-" else open(name, "rb")  # noqa: SIM115 - closed below
    try:
        head = stream.peek(2)[:2] if hasattr(stream, "peek") else b""
        regular = name != "-" and stat.S_ISREG(os.fstat(stream.fileno()).st_mode)
        if regular and head != b"\x1f\x8b":
            yield Path(name)
            return
        if head == b"\x1f\x8b":
            stream = gzip.GzipFile(fileobj=stream)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.restore-", suffix=".part", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(stream, out, 1 << 20)
            yield Path(tmp)
        finally:
            with suppress(OSError):
                os.unlink(tmp)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _head(path: str | os.PathLike[str]) -> bytes:
    """The first 4 KB of a regular file (nothing for anything else, or a file that cannot be
    read), to tell what kind it is: a FIFO is never opened, which could wait for a writer forever."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return b""
        with open(path, "rb") as handle:
            return handle.read(4096)
    except OSError:
        return b""


def _looks_like_exported_annotations(path: Path) -> bool:
    """Whether a file refused as a dump is an export (W3C JSON-LD or Sorot's JSONL) instead."""
    head = _head(path)
    return b'"@context"' in head or (head.lstrip().startswith(b'{"') and b'"document"' in head and b'"quote"' in head)


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
    # Python's cyclic garbage collector is off until the first paint (the app turns it back on,
    # see SorotApp.collect_again): while the interface is imported and built, its full passes
    # walked every object alive, some 30-40 ms of CPU, a third of what the reader costs beyond a
    # bare Textual app. Objects are still freed as their last reference goes; only cycles wait.
    gc.disable()
    try:
        with _keys_as_typed() as terminal_as_it_was:
            return _run_reader(argv, terminal_as_it_was)
    finally:
        gc.enable()


def _run_reader(argv: list[str], terminal_as_it_was: Callable[[], None]) -> int:
    from tui.core.config import load_config

    args = reader_parser().parse_args(argv)
    if (problem := _model_error(args.model)) is not None:
        return fail(problem, 2)
    config = load_config(args.config, flags={"db": args.db, "model": args.model})
    _check_config_model(config)  # (the app shows the config's problems, and starts with the defaults)
    _use_colours(config["colours"])
    from tui.core.analysis.engine import NlpEngine
    from tui.core.web.urls import is_web_address

    feeds = args.path == FEEDS and not os.path.exists(FEEDS)
    web = args.path is not None and is_web_address(args.path)
    if args.path is not None and not web and _OTHER_SCHEME.match(args.path) and not os.path.exists(args.path):
        return fail(f"{args.path}: only http:// and https:// addresses can be opened")
    target = Path(args.path) if args.path is not None else sample_article_path()
    try:
        if args.path == STDIN:
            article = load_article(STDIN, args.max_size)
            _keys_from_the_terminal()
        else:
            article = None if feeds or web or target.is_dir() else load_any(target, args.max_size)
    except ArticleError as exc:
        return fail(str(exc))
    # Not started here: the reader starts the pipeline once the text is on screen. Started
    # before the interface, the child and its resource tracker (two Pythons starting up) took
    # the CPU the first paint needs on a busy two-core machine, for entities a fraction of a
    # second sooner.
    engine = NlpEngine(config.text("model"), cache=entity_cache())
    try:
        from tui.ui.app import make_app

        try:
            app = make_app(
                args.path if web else target,
                engine=engine,
                article=article,
                db=config.text("db"),
                max_bytes=args.max_size,
                feeds=feeds,
                config=config,
            )
        except ArticleError as exc:
            return fail(str(exc))
        if not _draws_on_a_terminal():
            return fail("the reader draws on the terminal through standard error, which is redirected here; "
                        "for output to a file or a pipe use sorot extract or sorot export")  # fmt: skip
        terminal_as_it_was()
        app.run()
        if app.failure is not None:
            return fail(app.failure)
        return app.return_code or 0
    finally:
        engine.close()  # the app closes it too; this covers a failure before the app ran


def library_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="sorot library",
        description="The library's entity index across articles (what sorot DIR shows in its Entities list).",
        epilog="examples:\n"
        "  sorot library export --format csv -o mentions.csv ~/berita\n"
        "  sorot library export --format jsonl --db ~/notes/sorot.json | jq .entity",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export",
        help="write every (entity, label, article, sentence, date) of the index",
        description=_paragraphs(
            "Write one row per sentence naming an entity: entity, label, article, sentence, date (then the "
            "date's source, page, dateline or mtime, and the article's title), by entity (most articles "
            "first) then date. With DIR, its articles are indexed first where new or changed (the NLP "
            "pipeline runs here) and only they are written; without, the whole index beside the database.",
        ),
    )
    export.add_argument("directory", nargs="?", metavar="DIR", help="a directory of articles (as sorot DIR opens)")
    export.add_argument("--format", choices=LIBRARY_FORMATS, default="csv", help="csv (the default) or jsonl")
    export.add_argument("-o", "--output", metavar="FILE", help="the file to write (- or none: standard output)")
    export.add_argument("--db", metavar="PATH", help=DB_HELP + "; the index lives beside it")
    export.add_argument("--model", help=MODEL_HELP)
    _add_max_size(export)
    return parser


def run_library_command(argv: list[str]) -> int:
    args = library_parser().parse_args(argv)
    if (problem := _model_error(args.model)) is not None:
        return fail(problem, 2)
    from tui.core.library import Library, LibraryDamaged, LibraryError, library_path, write_export

    index = library_path(_db_path(args.db))
    folder = Path(args.directory) if args.directory is not None else None
    if folder is not None and not folder.is_dir():
        return fail(f"{folder}: not a directory of articles")
    if folder is None and not index.exists():
        how = "check --db" if args.db is not None else "open a directory with sorot DIR, or name one here"
        return fail(f"no library index at {index} ({how})")
    try:
        library = Library(index)
    except LibraryError as exc:
        return fail(str(exc))
    try:  # a wrong -o is named before the articles are indexed
        out = sys.stdout if args.output in (None, "-") else open(args.output, "w", encoding="utf-8", newline="")  # noqa: SIM115
    except OSError as exc:
        library.close()
        return fail(f"{args.output}: cannot write ({exc.strerror or exc})")
    name = "standard output" if out is sys.stdout else args.output
    with library:
        try:
            for warning in library.warnings:
                say(f"warning: {warning}")
            if folder is not None:
                from tui.core.document import find_articles

                try:
                    paths = find_articles(folder)
                except ArticleError as exc:
                    return fail(str(exc))
                if (failed := _index_folder(library, folder, paths, args)) is not None:
                    return failed
            try:
                if folder is None and (
                    library.set_aside_count
                    or (not library.counts() and index.with_name(index.name + ".broken").exists())
                ):  # an empty index in place of a damaged one (now or before): nothing to export
                    return fail(_damaged(index))
                rows = write_export(library.export_rows(folder), out, args.format)
                out.flush()
            except LibraryDamaged as exc:
                try:
                    library.set_aside(str(exc))
                except LibraryError as move:
                    return fail(str(move))
                return fail(_damaged(index))
            except LibraryError as exc:
                return fail(str(exc))
            except BrokenPipeError:
                raise
            except OSError as exc:
                if out is sys.stdout:  # Python would flush what is left again at exit, and complain
                    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                return fail(f"{name}: cannot write ({exc.strerror or exc})")
        finally:
            if out is not sys.stdout:
                try:
                    out.close()
                except OSError:
                    pass  # reported above: the rows were flushed before
    say(f"{rows} row{'' if rows == 1 else 's'} written")
    return 0


def _damaged(index: Path) -> str:
    return (
        f"{index}: the library index was damaged (set aside as {index.name}.broken); "
        "build it again with sorot library export DIR, or by opening sorot DIR"
    )


def _index_folder(library: Library, folder: Path, paths: list[Path], args: argparse.Namespace) -> int | None:
    """Index ``folder``'s new and changed articles with the pipeline (loaded only if one is); a
    failure code, or None."""
    from tui.core.analysis.engine import NlpEngine
    from tui.core.library import LibraryError, refresh
    from tui.core.nlp import PipelineError

    engine = NlpEngine(args.model, in_process=True, cache=entity_cache())
    try:
        done = refresh(library, folder, paths, engine.find_entities, max_bytes=args.max_size)
    except (PipelineError, LibraryError) as exc:
        return fail(str(exc))
    finally:
        engine.close()
    for failure in done.failed:
        say(f"warning: {failure}")
    if done.indexed or done.removed:
        say(f"indexed {done.indexed} article{'' if done.indexed == 1 else 's'}, dropped {done.removed}")
    return None


def _command(name: str) -> Callable[[list[str]], int]:
    return {
        "extract": run_extract,
        "export": run_export_command,
        "import": run_import_command,
        "db": run_db_command,
        "feed": run_feed_command,
        "config": run_config_command,
        "library": run_library_command,
    }[name]


def _config_database(path: str | None = None) -> None:
    """For a headless command: the config file's database becomes the default (``$SOROT_DB`` and
    ``--db`` still beat it); a problem with that setting is one warning."""
    from tui.core.config import load_config
    from tui.core.store import ENV_VAR

    config = load_config(path)
    for problem in config.problems:
        if ": db: " in problem or problem.endswith("using the defaults"):
            say(problem)
    if config.sources["db"] == str(config.path) and (db := config.text("db")) is not None:
        os.environ[ENV_VAR] = db


GLOBAL_FLAGS = ("--config", "--db", "--model", "--max-size")
"""The reader's flags that may also come before a subcommand (``sorot --db PATH export``), as in
git or docker; each goes to the subcommand as if given after it (one given after it still wins)."""
_WITH_ACTIONS = ("db", "feed")
"""Subcommands whose flags belong to their action (``sorot feed list --db PATH``)."""


def _global_flags(argv: list[str]) -> tuple[list[str], list[str]] | None:
    """``(flags, command and its arguments)`` when ``argv`` is global flags then a subcommand; None
    otherwise (``sorot --db X FILE`` and ``sorot -- -name.txt`` are the reader's, which takes them)."""
    at = 0
    while at < len(argv) and argv[at].split("=", 1)[0] in GLOBAL_FLAGS:
        at += 1 if "=" in argv[at] else 2
    if 0 < at < len(argv) and argv[at] in COMMANDS:
        return argv[:at], argv[at:]
    return None


def _with_global_flags(flags: list[str], command: list[str]) -> tuple[list[str], str | None]:
    """The subcommand's arguments with the global ``flags`` put where its parser takes them, and
    the ``--config`` path (the config command takes it; the others read the database from it)."""
    config: str | None = None
    forwarded: list[str] = []
    at = 0
    while at < len(flags):
        name, given, value = flags[at].partition("=")
        if not given:
            value = flags[at + 1]
        at += 1 if given else 2
        if name == "--config":
            config = value
            if command[0] != "config":
                continue
        # As typed, so that an error quotes it so; one token when a value starts with a dash.
        forwarded += [flags[at - 1]] if given else [name, value] if not value.startswith("-") else [f"{name}={value}"]
    name, rest = command[0], command[1:]
    if name in _WITH_ACTIONS and rest and not rest[0].startswith("-"):
        return [rest[0], *forwarded, *rest[1:]], config
    return [*forwarded, *rest], config


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        config: str | None = None
        if (split := _global_flags(argv)) is not None:
            rest, config = _with_global_flags(*split)
            argv = [split[1][0], *rest]
        if argv and argv[0] in COMMANDS:
            if argv[0] != "config":
                _config_database(config)
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
