"""The reader paints the article before anything slow starts (issue 17, item 16).

Structural checks, not timings (``benchmarks/first_paint.py`` times it): what the first paint
imports, and that the NLP child starts only once the text has been drawn.
"""

from __future__ import annotations

import subprocess
import sys

from tests.ui.conftest import wait_for_nlp
from tui.core.analysis.engine import NlpEngine
from tui.ui.app import make_app
from tui.ui.widgets.article_view import ArticleView

# Modules the reader of a text file never needs before its first paint: the web page extraction
# stack (0.1-0.3 s of imports; it came in through the article list's titles), the NLP (in the
# child only), fact rules and the store (after the paint).
LATER = ("trafilatura", "htmldate", "lxml", "httpx", "spacy", "thinc", "tui.core.web.page", "tui.core.web.fetch",
         "tui.core.facts", "tui.core.store", "importlib.metadata",
         # a few ms each: OpenSSL (hashlib), the TOML parser without a config file, screens not shown
         "hashlib", "tomllib", "tui.ui.screens.help", "tui.ui.screens.library",
         # the side panel, mounted after the paint (some 5 ms)
         "tui.ui.widgets.facts_panel", "tui.ui.widgets.notes_panel", "tui.core.fact_rows",
         "textual.widgets._tabbed_content", "textual.widgets._tabs")  # fmt: skip


def test_what_the_first_paint_imports_leaves_the_heavy_modules_out() -> None:
    code = (
        "import sys\n"
        "import tui.cli, tui.ui.app\n"
        "from tui.core.analysis.engine import NlpEngine\n"
        f"later = {LATER!r}\n"
        "print(sorted(n for n in sys.modules if any(n == m or n.startswith(m + '.') for m in later)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


async def test_the_nlp_starts_only_once_the_article_is_painted(monkeypatch, tmp_path) -> None:
    painted: list[int] = []
    at_start: list[int] = []
    render_line = ArticleView.render_line

    def counting_render_line(self, y):
        painted.append(y)
        return render_line(self, y)

    start = NlpEngine.start

    def recording_start(self):
        at_start.append(len(painted))
        start(self)

    monkeypatch.setattr(ArticleView, "render_line", counting_render_line)
    monkeypatch.setattr(NlpEngine, "start", recording_start)
    app = make_app(None, engine=NlpEngine(in_process=True), db=str(tmp_path / "db.json"))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_nlp(pilot)
    assert at_start, "the NLP never started"
    assert at_start[0] > 0, "the NLP started before the article's first line was drawn"
