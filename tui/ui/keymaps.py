"""Key bindings from the config file: the vim and less presets and the user's own, as Textual keymaps.

Every binding of the interface has an id (``scope.action``: ``article.page_down``, ``reader.search``,
``facts.first``); a keymap maps ids to keys and Textual swaps them in (``App.set_keymap``). A
preset is such a keymap; the ``[keys]`` table of the config file goes over it. The config file is
read and checked in :mod:`tui.core.config`; the ids are checked here, against the bindings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from textual.binding import ActiveBinding, Binding
from textual.dom import DOMNode
from textual.screen import Screen

PRESETS: dict[str, dict[str, str]] = {
    "default": {},
    # vim: h and l move the cursor (highlight and relabel move to H and L), ctrl+f / ctrl+b page,
    # b is back a word; j k w ( ) { } g G / n N u ctrl+r are Sorot's keys already.
    "vim": {
        "article.cursor_left": "h,left",
        "article.cursor_right": "l,right",
        "reader.highlight": "H",
        "reader.relabel_entity": "L",
        "article.page_down": "ctrl+f,space,pagedown",
        "article.page_up": "ctrl+b,pageup",
        "article.previous_word": "b,W",
        "article.top": "g,home",
        "article.bottom": "G,end",
        "help.page_down": "ctrl+f,space,pagedown",
        "help.page_up": "ctrl+b,b,pageup",
    },
    # less: the keys of less(1) for moving through a file, and h for help (highlight moves to H,
    # add-entity to +, as e and y move by a line in less).
    "less": {
        "article.page_down": "space,f,ctrl+f,ctrl+v,z,pagedown",
        "article.page_up": "b,ctrl+b,pageup",
        "article.cursor_down": "j,e,ctrl+e,ctrl+n,enter,down",
        "article.cursor_up": "k,y,ctrl+y,ctrl+k,up",
        "article.top": "g,less_than_sign,home",
        "article.bottom": "G,greater_than_sign,end",
        "article.clear_search": "escape,alt+u",
        "app.help": "h,H,question_mark,f1",
        "reader.highlight": "asterisk",
        "reader.add_entity": "plus",
        "help.page_down": "space,f,ctrl+f,ctrl+v,z,pagedown",
        "help.page_up": "b,ctrl+b,pageup",
        "help.dismiss": "q,Q,escape,h,question_mark,f1",
    },
}
"""Binding id -> keys, per preset (the default preset is the bindings as they are)."""


def binding_ids(classes: Iterable[type[DOMNode]]) -> set[str]:
    """The ids of the bindings of ``classes`` (and of their bases)."""
    return {b.id for cls in classes for b in bindings_of(cls) if b.id}


def theme_problem(theme: str | None, available: Iterable[str], where: str) -> str | None:
    """The config's ``theme`` if it is none of ``available``, as one line; None when it is fine."""
    names = set(available)
    if theme is None or theme in names:
        return None
    return f"{where}: theme: no theme {theme!r} (themes: {', '.join(sorted(names))}); using the default"


def bindings_of(cls: type[DOMNode]) -> Iterator[Binding]:
    """The bindings of ``cls`` and of its bases, its own first."""
    for base in cls.__mro__:
        for binding in base.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding):
                yield binding


def in_declared_order(active: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    """``active`` (``Screen.active_bindings``) with each widget's or screen's bindings in the order
    they have without a keymap. Textual's ``BindingsMap.apply_keymap`` puts a rebound binding after
    all the others, and the key bar lists bindings in this order: a binding the config rebinds went
    to the end of the bar, out of sight past its width."""
    namespaces: dict[DOMNode, list[str]] = {}

    def rank(item: tuple[str, ActiveBinding]) -> tuple[int, int]:
        node, action = item[1].node, item[1].binding.action
        if node not in namespaces:
            namespaces[node] = [b.action for bindings in node._bindings.key_to_bindings.values() for b in bindings]
        declared = namespaces[node]
        place = declared.index(action) if action in declared else len(declared)
        return list(namespaces).index(node), place

    return dict(sorted(active.items(), key=rank))


class KeyBarScreen(Screen[None]):
    """A screen whose key bar (``Footer``) lists the bindings in their declared order, rebound or not."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return in_declared_order(super().active_bindings)


def keymap(preset: str, keys: dict[str, str], known: set[str], where: str) -> tuple[dict[str, str], list[str]]:
    """The keymap for ``preset`` with the user's ``keys`` over it, and one line per unknown id."""
    problems = [
        f"{where}: keys.{binding_id}: no such binding (sorot config --keys lists them); ignored"
        for binding_id in keys
        if binding_id not in known
    ]
    mine = {k: v for k, v in keys.items() if k in known}
    # A key the user binds is theirs: the preset gives it up (the README's "slash,ctrl+f" for
    # search must not lose ctrl+f to the less preset's page down).
    taken = {key.strip() for value in mine.values() for key in value.split(",")}
    base: dict[str, str] = {}
    for binding_id, value in PRESETS.get(preset, {}).items():
        left = [key for key in value.split(",") if key.strip() not in taken]
        if left:
            base[binding_id] = ",".join(left)
    return {**base, **mine}, problems


def keys_of(binding: Binding, keymap: dict[str, str]) -> Binding | None:
    """``binding`` with the keys the keymap gives its id (the help and the palette list these);
    None when the keymap left it no key (see :func:`effective_keymap`)."""
    if binding.id and binding.id in keymap:
        if not keymap[binding.id]:
            return None
        return Binding(
            keymap[binding.id],
            binding.action,
            binding.description,
            show=binding.show,
            tooltip=binding.tooltip,
            id=binding.id,
        )
    return binding


def _keys(keys: str) -> list[str]:
    """``keys`` one by one, as Textual names them (``?`` is ``question_mark``)."""
    return [single.key for single in Binding.make_bindings([Binding(keys, "")])] if keys.strip() else []


def effective_keymap(classes: Iterable[type[DOMNode]], chosen: dict[str, str]) -> dict[str, str]:
    """Binding id -> the keys that run it under the keymap ``chosen``, as Textual applies a keymap
    (``BindingsMap.apply_keymap``): a key the keymap gives one binding of a widget or screen is
    taken from every other binding of that widget or screen, silently (Textual only calls
    ``App.handle_bindings_clash``). So a binding that lost keys gets what is left ("" for none);
    the help and ``sorot config --keys`` list these, the keys that work."""
    shown = dict(chosen)
    for cls in classes:
        bindings = list(bindings_of(cls))
        given = {key for b in bindings if b.id in chosen for key in _keys(chosen[b.id])}
        for binding in bindings:
            if binding.id and binding.id not in chosen:
                keys = _keys(shown.get(binding.id, binding.key))
                left = [key for key in keys if key not in given]
                if left != keys:
                    shown[binding.id] = ",".join(left)
    return shown


def shadowed(
    chains: Iterable[tuple[type[DOMNode], ...]], shown: dict[str, str], chosen: dict[str, str], where: str
) -> list[str]:
    """One line per key the keymap ``chosen`` gives a binding while a binding of another widget or
    screen on the way to the app has it too. Textual tries a key on the focused widget's bindings,
    then its screen's, then the app's (priority bindings before all of them): the first that has it
    runs, the other never does there. ``chains`` are the classes from the focused widget to the
    app; ``shown`` is :func:`effective_keymap`'s."""
    problems: dict[tuple[str, str], str] = {}
    for chain in chains:
        first: dict[str, tuple[Binding, type[DOMNode]]] = {}
        ordered = [(b, cls) for cls in reversed(chain) for b in bindings_of(cls) if b.priority]
        ordered += [(b, cls) for cls in chain for b in bindings_of(cls) if not b.priority]
        for binding, cls in ordered:
            for key in _keys(shown.get(binding.id, binding.key) if binding.id else binding.key):
                winner, owner = first.setdefault(key, (binding, cls))
                if owner is cls:
                    continue  # one widget's or screen's own bindings: effective_keymap settled those
                mine = binding.id in chosen and key in _keys(chosen[binding.id])
                theirs = winner.id in chosen and key in _keys(chosen[winner.id] if winner.id else "")
                if not (mine or theirs):
                    continue  # two default bindings: as designed
                loser, first_name = binding.id or binding.action, winner.id or winner.action
                if mine:
                    line = f"{key} is taken first by {first_name} ({owner.__name__}), so it does not run {loser} there"
                    culprit = loser
                else:
                    line = f"{key} is {loser}'s key too ({cls.__name__}); {first_name} ({owner.__name__}) comes first"
                    culprit = first_name
                problems.setdefault((culprit, key), f"{where}: keys.{culprit}: {line}")
    return list(problems.values())
