"""Quality of the article text read from news pages, per fixture page in ``tests/data/web``.

    python benchmarks/extraction_quality.py

For each page with an expected body (``NAME.body.txt``), on whitespace-normalised text:

- recovered: the share of the expected body's characters found in the extracted text (the
  matching blocks of ``difflib.SequenceMatcher``, without its junk heuristic);
- let in: the share of the extracted text's characters not in the expected body (boilerplate);
- banned: how many of the page's boilerplate strings (``NAME.without.txt``) appear.

For the public pages (``public/NAME.html``, no expected body), the share of their required
snippets (``NAME.with.txt``) found and of their boilerplate snippets (``NAME.without.txt``) let in.
The "bare" columns are trafilatura alone (``extract(favor_precision=True)``, no comments), the
baseline the clean-up improves on. Then the overall lines (characters summed over the pages)
and the time to read them all.
A page that raises ``NotAnArticle`` counts as nothing recovered.
"""

from __future__ import annotations

import re
import sys
import time
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from tui.core.web.page import NotAnArticle, read_page  # noqa: E402

WEB = ROOT / "tests" / "data" / "web"
PUBLIC_URLS = {
    "dw.com.colonial": "https://www.dw.com/en/berlin-confronts-germanys-colonial-past-with-new-initiative/a-52060881",
    "dw.com.uncork": "https://www.dw.com/en/uncork-the-mystery-of-germanys-fr%C3%BChburgunder/a-16863843",
    "die-partei.net.luebeck": "https://die-partei.net/luebeck/2012/05/31/das-ministerium-fur-club-kultur-informiert/",
    "wehranlage-horka.de.887": "http://www.wehranlage-horka.de/veranstaltung/887/",
}


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()] if path.exists() else []


def extract(path: Path, url: str = "") -> tuple[str, float]:
    start = time.perf_counter()
    try:
        text = read_page(path.read_bytes(), url).text
    except NotAnArticle as exc:
        print(f"  {path.name}: {exc}")
        text = ""
    return text, time.perf_counter() - start


def bare(path: Path) -> str:
    return normalise(trafilatura.extract(path.read_bytes(), favor_precision=True, include_comments=False) or "")


def shares(expected: str, got: str) -> tuple[int, int]:
    """(characters of ``expected`` found in ``got``, characters of ``got`` not in ``expected``)."""
    matcher = SequenceMatcher(None, expected, got, autojunk=False)
    found = sum(block.size for block in matcher.get_matching_blocks())
    return found, len(got) - found


def main() -> None:
    print(
        f"{'page':<28} {'expected':>8} {'got':>6} {'recovered':>9} {'let in':>7} {'banned':>6} {'ms':>6}"
        f" {'bare rec.':>9} {'bare let in':>11} {'bare banned':>11}"
    )
    total_expected = total_got = total_found = total_extra = 0
    bare_got = bare_found = bare_extra = 0
    elapsed = 0.0
    for body_path in sorted(WEB.glob("*.body.txt")):
        name = body_path.name.removesuffix(".body.txt")
        expected = normalise(body_path.read_text(encoding="utf-8"))
        got, seconds = extract(WEB / f"{name}.html", f"https://contoh.invalid/{name}")
        got = normalise(got)
        found, extra = shares(expected, got)
        banned = sum(1 for junk in lines(WEB / f"{name}.without.txt") if junk in got)
        baseline = bare(WEB / f"{name}.html")
        b_found, b_extra = shares(expected, baseline)
        b_banned = sum(1 for junk in lines(WEB / f"{name}.without.txt") if junk in baseline)
        bare_got, bare_found, bare_extra = bare_got + len(baseline), bare_found + b_found, bare_extra + b_extra
        total_expected += len(expected)
        total_got += len(got)
        total_found += found
        total_extra += extra
        elapsed += seconds
        print(
            f"{name:<28} {len(expected):>8} {len(got):>6} {found / max(1, len(expected)):>9.1%} "
            f"{extra / max(1, len(got)):>7.1%} {banned:>6} {seconds * 1000:>6.1f}"
            f" {b_found / max(1, len(expected)):>9.1%} {b_extra / max(1, len(baseline)):>11.1%} {b_banned:>11}"
        )
    print(
        f"{'overall (Indonesian)':<28} {total_expected:>8} {total_got:>6} {total_found / max(1, total_expected):>9.1%} "
        f"{total_extra / max(1, total_got):>7.1%} {'':>6} {'':>6}"
        f" {bare_found / max(1, total_expected):>9.1%} {bare_extra / max(1, bare_got):>11.1%}"
    )
    print()
    print(f"{'public page':<28} {'snippets found':>14} {'boilerplate let in':>18} {'ms':>6}")
    wanted = have = unwanted = leaked = 0
    for path in sorted((WEB / "public").glob("*.html")):
        name = path.name.removesuffix(".html")
        got, seconds = extract(path, PUBLIC_URLS.get(name, ""))
        elapsed += seconds
        with_ = lines(WEB / "public" / f"{name}.with.txt")
        without = lines(WEB / "public" / f"{name}.without.txt")
        found = sum(1 for s in with_ if s in got)
        let_in = sum(1 for s in without if s in got)
        wanted, have, unwanted, leaked = wanted + len(with_), have + found, unwanted + len(without), leaked + let_in
        print(f"{name:<28} {f'{found}/{len(with_)}':>14} {f'{let_in}/{len(without)}':>18} {seconds * 1000:>6.1f}")
    print(f"{'overall (public)':<28} {f'{have}/{wanted}':>14} {f'{leaked}/{unwanted}':>18}")
    print(f"\nread every page in {elapsed * 1000:.0f} ms")


if __name__ == "__main__":
    main()
