"""Entity colours for the terminal's colour depth, and the marks that replace them under NO_COLOR.

Rich downgrades every colour to what the terminal can show, and a downgrade to 256 or 16 colours
merges colours that are apart in truecolor (in tmux without ``COLORTERM`` ORG and ORDINAL became
one colour, search matches took DATE's). So each depth has its own palette, chosen so that any two
label colours, and a label colour and the search match or the selection, are at least
:data:`MIN_DELTA_E` apart (CIEDE2000) once downgraded; ``tests/ui/test_colour_depths.py`` measures it.
Inside a highlight a label's text keeps its own colour (the highlight adds only its underline
there), so that contrast holds over every highlight too; ``tests/ui/test_labels_in_highlights.py``
measures it, in every depth, both themes and NO_COLOR.

* truecolor: :data:`tui.core.entities.LABEL_COLOURS` laid as a tint over the theme's background,
  under the theme's own text (brat's and displaCy's colours are the same).
* 256 colours: opaque colours of the xterm palette, each with the black or white text it is
  readable under, whatever the theme.
* 16 colours: there are not enough colours for 19 labels, the search and the selection, so the
  labels Sorot's own pipeline gives (and OTHER) have a colour each, and the rest of spaCy's usual
  labels reuse one of those colours, underlined.
* NO_COLOR: Textual drops colour (greys remain), so every label gets its own text style (underline,
  double underline, overline, bold, italic, dim), shown on its legend chip too.
"""

from __future__ import annotations

from tui.core.entities import LABEL_COLOURS, LABEL_TINT, LABELS, OTHER_COLOUR

MIN_DELTA_E = 12.0
"""The least CIEDE2000 difference between two label colours, or a label and search or selection."""

DEPTHS = ("truecolor", "256", "16")

BLACK = "#000000"
WHITE = "#ffffff"

PALETTE_256 = {
    "PERSON": ("#0087ff", BLACK),
    "ORG": ("#af5fff", BLACK),
    "LOC": ("#00d75f", BLACK),
    "DATE": ("#ffd75f", BLACK),
    "TIME": ("#ff8700", BLACK),
    "MONEY": ("#00af87", BLACK),
    "PERCENT": ("#00afd7", BLACK),
    "QUANTITY": ("#767676", BLACK),
    "CARDINAL": ("#87afd7", BLACK),
    "ORDINAL": ("#af87d7", BLACK),
    "OTHER": ("#5f5f87", WHITE),
    "GPE": ("#00afaf", BLACK),
    "NORP": ("#d75f00", BLACK),
    "EVENT": ("#d75f5f", BLACK),
    "FAC": ("#875f00", WHITE),
    "PRODUCT": ("#ff0087", BLACK),
    "WORK_OF_ART": ("#ff8787", BLACK),
    "LAW": ("#5f5fff", BLACK),
    "LANGUAGE": ("#87d700", BLACK),
}
"""Each label's background and text in 256 colours (all in the xterm palette, so Rich keeps them)."""

PALETTE_16 = {
    "PERSON": ("#5555ff", WHITE),
    "ORG": ("#ff55ff", BLACK),
    "LOC": ("#00aa00", WHITE),
    "DATE": ("#aa5500", BLACK),
    "TIME": ("#aaaaaa", BLACK),
    "MONEY": ("#00aaaa", WHITE),
    "PERCENT": ("#55ffff", BLACK),
    "QUANTITY": ("#555555", BLACK),
    "CARDINAL": ("#aa00aa", WHITE),
    "ORDINAL": ("#ff5555", BLACK),
    "OTHER": ("#0000aa", WHITE),
    "GPE": ("#55ff55", BLACK),
    "NORP": ("#aa0000", WHITE),
}
"""Each label's background and text in 16 colours (Rich's standard palette; measured as Rich
shows them, ``rich.terminal_theme.DEFAULT_TERMINAL_THEME``: a terminal's own ANSI colours vary)."""

SHARED_16 = {
    "EVENT": "NORP",
    "FAC": "LOC",
    "PRODUCT": "ORG",
    "WORK_OF_ART": "ORDINAL",
    "LAW": "PERSON",
    "LANGUAGE": "GPE",
}
"""In 16 colours, the labels that take another's colour, underlined (none of them is Sorot's own)."""

SEARCH = {"256": ("#ffaf00", BLACK), "16": ("#ffff55", BLACK)}
"""The search match's background and text in 256 and 16 colours (truecolor: the theme's warning)."""

NO_COLOR_STYLES = {
    "PERSON": "underline",
    "ORG": "uu",
    "LOC": "overline",
    "DATE": "italic",
    "TIME": "italic overline",
    "MONEY": "bold",
    "PERCENT": "bold overline",
    "QUANTITY": "dim underline",
    "CARDINAL": "dim",
    "ORDINAL": "dim overline",
    "OTHER": "underline overline",
    "GPE": "uu overline",
    "NORP": "bold uu",
    "EVENT": "italic uu",
    "FAC": "dim uu",
    "PRODUCT": "dim italic",
    "WORK_OF_ART": "dim underline overline",
    "LAW": "italic uu overline",
    "LANGUAGE": "bold uu overline",
}
"""Each label's text style when NO_COLOR is set: no two alike, and none that a note (underline
italic), a correction (italic bold) or the facts panel's mentions (bold underline) use."""


def depth_of(color_system: str | None) -> str:
    """The palette for Rich's detected colour system (``Console.color_system``)."""
    if color_system == "truecolor":
        return "truecolor"
    if color_system == "256":
        return "256"
    return "16"  # "standard", "windows", or none detected


def css_name(label: str) -> str:
    """The CSS variable of ``label``'s colour (``WORK_OF_ART`` -> ``work-of-art``)."""
    return label.lower().replace("_", "-")


def label_colours(depth: str) -> dict[str, tuple[str, str | None]]:
    """Each label's (background, text) in ``depth``; a truecolor background is a tint of
    :data:`LABEL_TINT` and its text is None (the theme's)."""
    if depth == "truecolor":
        tint = f" {round(LABEL_TINT * 100)}%"
        return {label: (colour + tint, None) for label, colour in {**LABEL_COLOURS, "OTHER": OTHER_COLOUR}.items()}
    if depth == "256":
        return dict(PALETTE_256)
    return {**PALETTE_16, **{label: PALETTE_16[twin] for label, twin in SHARED_16.items()}}


def css_variables(depth: str, theme: dict[str, str]) -> dict[str, str]:
    """The CSS variables app.tcss colours entities and search matches with, for ``depth`` over
    the theme's variables ``theme``."""
    variables: dict[str, str] = {}
    for label, (background, text) in label_colours(depth).items():
        variables[css_name(label)] = background
        variables[f"{css_name(label)}-text"] = text or theme["foreground"]
    search, search_text = SEARCH.get(depth, (f"{theme['warning']} 55%", theme["foreground"]))
    variables["search"] = search
    variables["search-text"] = search_text
    return variables


def legend_css() -> str:
    """The legend chips' rules: a label's colours (as in the article), its 16-colour underline and
    its NO_COLOR style. They are the chips' own CSS, which Textual parses when the first chip is
    shown (the entities have come), not before the reader's first paint."""
    rules = [
        """
.legend-chip {
    width: auto;
    padding: 0 1;
    margin-right: 1;
    color: $foreground;
    &:hover { text-style: bold; }
}"""
    ]
    for label in (*LABELS, "OTHER"):
        name = css_name(label)
        rules.append(f".legend-chip.-{label} {{ background: ${name}; color: ${name}-text; }}")
    rules.append(".legend-chip.-off { text-style: strike dim; background: transparent; color: $foreground; }")
    shared = ", ".join(f"SorotApp.-depth-16 .legend-chip.-{label}" for label in SHARED_16)
    rules.append(f"{shared} {{ text-style: underline; }}")
    for label in (*LABELS, "OTHER"):
        rules.append(f".legend-chip.-{label}:nocolor {{ text-style: {NO_COLOR_STYLES[label]}; }}")
    return "\n".join(rules)
