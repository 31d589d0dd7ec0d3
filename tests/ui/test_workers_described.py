"""Workers are started without a repr of their arguments (issue 17, item 16: keys while entities arrive).

Textual's ``@work`` writes a worker's description from the repr of every argument unless it is
given one: the facts worker took the article's entities, and on a 3 MB article that repr held the
interface for a quarter of a second just as the entities arrived.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.ui.conftest import wait_until
from tui.core.analysis.engine import NlpEngine
from tui.core.entities import Entity
from tui.ui.app import make_app

UI = Path(__file__).parents[2] / "tui" / "ui"


def test_every_worker_of_the_interface_has_a_description() -> None:
    undescribed = []
    for path in sorted(UI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "work":
                if not any(keyword.arg == "description" for keyword in node.keywords):
                    undescribed.append(f"{path.name}:{node.lineno}")
    assert undescribed == []


async def test_the_entities_are_not_repr_d_when_the_facts_worker_starts(tmp_path: Path, monkeypatch) -> None:
    calls: list[int] = []
    original = Entity.__repr__
    monkeypatch.setattr(Entity, "__repr__", lambda self: calls.append(1) or original(self))
    app = make_app(None, engine=NlpEngine(in_process=True), db=str(tmp_path / "db.json"))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.screen.facts is not None, timeout=60)
    assert calls == []
