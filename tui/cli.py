"""Command line: ``sorot [PATH]`` opens the reader; ``sorot extract PATH --json`` prints entities and facts."""

from __future__ import annotations

import argparse
import json
import os
import sys
from importlib.util import find_spec
from pathlib import Path

from tui import __version__
from tui.core.document import ArticleError, inert, load_article
from tui.core.nlp import DEFAULT_MODEL, RULES_MODEL

COMMANDS = ("extract",)


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
        epilog="Headless: sorot extract PATH --json (see sorot extract --help).",
    )
    parser.add_argument("path", nargs="?", help="a .txt or .md article, or a directory of them")
    parser.add_argument(
        "--model",
        metavar="NAME_OR_PATH",
        help="an installed spaCy pipeline to use instead of the built-in Indonesian one",
    )
    parser.add_argument("--version", action="version", version=f"sorot {__version__}")
    return parser


def extract_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sorot extract", description="Print an article's entities without starting the reader."
    )
    parser.add_argument("path", help="a .txt or .md article")
    parser.add_argument("--json", action="store_true", help="print JSON (the only format so far; the default)")
    parser.add_argument(
        "--model",
        metavar="NAME_OR_PATH",
        help="an installed spaCy pipeline to use instead of the built-in Indonesian one",
    )
    return parser


def fail(message: str, code: int = 1) -> int:
    # File names are untrusted: their control characters must not reach the terminal.
    print(f"sorot: {inert(message)}", file=sys.stderr)
    return code


def run_extract(argv: list[str]) -> int:
    args = extract_parser().parse_args(argv)
    if (problem := _model_error(args.model)) is not None:
        return fail(problem, 2)
    try:
        article = load_article(args.path)
    except ArticleError as exc:
        return fail(str(exc))
    from tui.core.facts import extract_facts
    from tui.core.nlp import PipelineError
    from tui.core.nlp.engine import NlpEngine

    engine = NlpEngine(args.model, in_process=True, cache=entity_cache())
    try:
        if (cached := engine.cached(article.text)) is not None:
            language, entities = cached
        else:
            entities = engine.find_entities(article.text)
            language = engine.language()
    except PipelineError as exc:
        return fail(str(exc))
    result = {
        "document": {
            "path": str(article.path),
            "sha256": article.sha256,
            "chars": len(article.text),
            "language": language,
        },
        "entities": [entity.to_json() for entity in entities],
        "facts": extract_facts(article.text, entities).to_json(),
    }
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def entity_cache():
    """The on-disk cache of found entities (``SOROT_CACHE_DIR``; ``off`` disables it)."""
    from tui.core.nlp.cache import EntityCache, default_cache_dir

    directory = default_cache_dir()
    return EntityCache(directory) if directory is not None else None


def run_reader(argv: list[str]) -> int:
    args = reader_parser().parse_args(argv)
    if (problem := _model_error(args.model)) is not None:
        return fail(problem, 2)
    from tui.ui.app import make_app

    try:
        app = make_app(args.path, model=args.model, cache=entity_cache())
    except ArticleError as exc:
        return fail(str(exc))
    app.run()
    return app.return_code or 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv and argv[0] == "extract":
            return run_extract(argv[1:])
        return run_reader(argv)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`sorot extract ... | head`): stop quietly, and keep
        # Python from complaining again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:  # never a traceback for the user; SOROT_DEBUG=1 shows it
        if os.environ.get("SOROT_DEBUG"):
            raise
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return fail(f"unexpected error: {type(exc).__name__}: {detail} (SOROT_DEBUG=1 shows the traceback)")
