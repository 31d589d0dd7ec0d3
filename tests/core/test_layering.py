"""The layering, read from the source (imports inside functions included): the core never imports
Textual; ``nlp`` never imports ``facts`` (``analysis`` is where they meet; ``nlp.training``, the tools
that build and score the pipeline, scores the facts' claims too and sits above both); ``facts`` never imports
spaCy; nothing that runs imports ``nlp.training``, the tools that build the pipeline; the UI
reaches the core only through public names, never a private module or name."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

TUI = Path(__file__).resolve().parents[2] / "tui"


def modules(package: str) -> list[Path]:
    return sorted((TUI.parent / package.replace(".", "/")).rglob("*.py"))


def imports(path: Path) -> Iterator[tuple[str, list[str], int]]:
    """(module, names imported from it, line) for every import in ``path``, however deep."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module, [alias.name for alias in node.names], node.lineno


def under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("tui.core", "textual"),
        ("tui.core", "tui.ui"),
        ("tui.core.nlp", "tui.core.facts"),
        ("tui.core.nlp", "tui.core.analysis"),
        ("tui.core.facts", "spacy"),
        ("tui.core.facts", "tui.core.nlp"),
    ],
)
def test_a_package_never_imports_what_sits_above_or_beside_it(package: str, forbidden: str) -> None:
    tools = TUI / "core" / "nlp" / "training"
    found = [
        f"{path.relative_to(TUI.parent)}:{line} imports {module}"
        for path in modules(package)
        if forbidden != "tui.core.facts" or tools not in path.parents
        for module, _, line in imports(path)
        if under(module, forbidden)
    ]
    assert found == []


def imports_training(module: str, names: list[str]) -> bool:
    """Any import of the training tools, ``from tui.core.nlp import training`` included."""
    return any(under(name, "tui.core.nlp.training") for name in [module, *(f"{module}.{n}" for n in names)])


def test_nothing_that_runs_imports_the_training_tools() -> None:
    """Sorot's runtime (the nlp components, the reader, the CLI) is everything but ``nlp/training``."""
    runtime = [path for path in modules("tui") if TUI / "core" / "nlp" / "training" not in path.parents]
    found = [
        f"{path.relative_to(TUI.parent)}:{line} imports {module}"
        for path in runtime
        for module, names, line in imports(path)
        if imports_training(module, names)
    ]
    assert found == []


def test_the_ui_reaches_the_core_only_through_public_names() -> None:
    found = []
    for path in [*modules("tui.ui"), TUI / "cli.py"]:
        for module, names, line in imports(path):
            if not under(module, "tui.core"):
                continue
            private = [part for part in module.split(".") if part.startswith("_")]
            private += [name for name in names if name.startswith("_")]
            if private:
                found.append(f"{path.relative_to(TUI.parent)}:{line} {module}: {', '.join(private)}")
    assert found == []


def facade_packages() -> list[str]:
    """The core packages whose ``__init__`` lists their public names (``__all__``): the rest of the
    package is their implementation."""
    return sorted(
        ".".join(init.parent.relative_to(TUI.parent).parts)
        for init in (TUI / "core").rglob("__init__.py")
        if "__all__" in init.read_text(encoding="utf-8")
    )


def test_the_ui_enters_a_package_with_public_names_only_through_them() -> None:
    packages = facade_packages()
    assert {"tui.core.store", "tui.core.facts", "tui.core.formats"} <= set(packages)
    found = [
        f"{path.relative_to(TUI.parent)}:{line} imports {module}"
        for path in [*modules("tui.ui"), TUI / "cli.py"]
        for module, _, line in imports(path)
        for package in packages
        if module.startswith(package + ".")
    ]
    assert found == []


def test_the_checks_see_the_imports_they_judge() -> None:
    """Guards the guard: a lazy import inside a function is seen (the engine's import of the facts)."""
    engine = TUI / "core" / "analysis" / "engine.py"
    assert any(under(module, "tui.core.facts") for module, _, _ in imports(engine))
    assert modules("tui.core.nlp") and modules("tui.core.facts") and modules("tui.ui")
    assert modules("tui.core.nlp.training")
    assert imports_training("tui.core.nlp", ["training"]) and imports_training("tui.core.nlp.training.train", ["train"])
    assert not imports_training("tui.core.nlp", ["MODEL_DIR", "trainer"])
