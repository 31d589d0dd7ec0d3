"""The config file: the reader's defaults (database, model, theme, colours, layout, keys) in TOML.

Each setting comes from the first of: its command-line flag, its environment variable, the config
file, the built-in default; :class:`Config` keeps where each value came from (``sorot config``
prints it). A bad value is one problem, one line naming its key, and the setting keeps its
default: a typo in the file never stops the reader from starting.

The file is ``config.toml`` in the user's config directory (``platformdirs``), or the path that
``--config`` or ``$SOROT_CONFIG`` names. Key bindings are a ``[keys]`` table: ``preset`` (``vim``
or ``less``) and binding ids mapped to keys; the ids are the interface's, checked there.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from tui.core.document import inert

CONFIG_ENV = "SOROT_CONFIG"
CONFIG_NAME = "config.toml"
MAX_CONFIG_BYTES = 1 << 20
"""A larger file is not a config file (it is refused, unread)."""

COLOURS = ("auto", "truecolor", "256", "16", "none")
"""Colour depths: ``auto`` asks the terminal; ``none`` is ``NO_COLOR`` (no colours at all)."""
PANELS = ("right", "left", "bottom")
PRESETS = ("default", "vim", "less")

NAMED_KEYS = frozenset(
    """
add backslash backspace caps_lock circumflex_accent decimal delete divide down end enter equal escape f1 f10
f11 f12 f13 f14 f15 f16 f17 f18 f19 f2 f20 f21 f22 f23 f24 f25 f26 f27 f28 f29 f3 f30 f31 f32 f33 f34 f35 f4
f5 f6 f7 f8 f9 home insert iso_level3_shift iso_level5_shift kp_begin left left_alt left_control left_hyper
left_meta left_shift left_super lower_volume media_fast_forward media_pause media_play media_play_pause
media_record media_reverse media_rewind media_stop media_track_next media_track_previous menu multiply
mute_volume num_lock pagedown pageup pause print_screen raise_volume return right right_alt right_control
right_hyper right_meta right_shift right_square_bracket right_super scroll_lock separator space subtract tab
underscore up
""".split()
)
"""The keys Textual names that are not characters: ``textual.keys.Keys`` and the kitty protocol's
functional keys (copied: tui/core does not import Textual; a test compares the two)."""
KEY_MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
# Textual names a character key by its Unicode name (``question_mark``), these few shorter.
_CHARACTER_KEY_NAMES = {"slash": "/", "backslash": "\\", "at": "@", "minus": "-", "plus": "+", "underscore": "_"}


def is_key(key: str) -> bool:
    """Whether Textual would take ``key`` in a binding: modifiers (``ctrl+``, ``shift+``, ``alt+``,
    ``meta+``, ``super+``, ``hyper+``) then a printable character or a key's name (``pagedown``,
    ``f1``, ``question_mark``: a character's Unicode name, as Textual names the key)."""
    *modifiers, name = key.split("+") if len(key) > 1 else [key]
    if any(modifier not in KEY_MODIFIERS for modifier in modifiers) or len(set(modifiers)) < len(modifiers):
        return False
    if len(name) == 1:
        return name.isprintable() and not name.isspace()
    if name in NAMED_KEYS or name in _CHARACTER_KEY_NAMES:
        return True
    try:
        character = unicodedata.lookup(name.replace("_", " "))
    except KeyError:
        return False
    return name.islower() and len(character) == 1 and character.isprintable() and not character.isalnum()


def default_config_path(env: Mapping[str, str] | None = None) -> Path:
    """``$SOROT_CONFIG`` when set, else ``config.toml`` in the user's config directory."""
    env = os.environ if env is None else env
    if env.get(CONFIG_ENV, "").strip():
        return Path(env[CONFIG_ENV]).expanduser()
    return platformdirs.user_config_path("sorot", appauthor=False) / CONFIG_NAME


@dataclass(frozen=True)
class Setting:
    """One key of the config file."""

    name: str
    default: object
    help: str
    check: Callable[[object], object]
    """Returns the value to use, or raises ``ValueError`` saying what is wrong with it."""
    env: str | None = None
    flag: str | None = None


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a non-empty string")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError("must not contain control characters")
    return value


def _optional_text(value: object) -> str | None:
    return None if value == "" else _text(value)


def _path(value: object) -> str | None:
    text = _optional_text(value)
    return None if text is None else str(Path(text).expanduser())


def _one_of(choices: tuple[str, ...]) -> Callable[[object], str]:
    def check(value: object) -> str:
        text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        if text not in choices:
            raise ValueError("must be one of " + ", ".join(repr(c) for c in choices))
        return str(text)

    return check


def _columns(low: int, high: int, *, zero: bool = False) -> Callable[[object], int]:
    def check(value: object) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not (low <= value <= high or zero and value == 0):
            allowed = f"{low} to {high}" + (" (0: no limit)" if zero else "")
            raise ValueError(f"must be a whole number of columns, {allowed}")
        return value

    return check


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting(
            "db", None, "the annotation database (default: sorot.json in your user data directory)",
            _path, env="SOROT_DB", flag="--db",
        ),
        Setting(
            "model", None, "an installed spaCy pipeline (name or path) instead of the built-in Indonesian one",
            _optional_text, flag="--model",
        ),
        Setting("theme", "textual-dark", "a Textual theme: textual-dark, textual-light, nord, gruvbox, ...", _text),
        Setting(
            "colours", "auto", "colour depth: " + ", ".join(COLOURS) + " (none: no colour, as NO_COLOR)",
            _one_of(COLOURS), env="TEXTUAL_COLOR_SYSTEM",
        ),
        Setting("panel", "right", "where the facts and notes panel goes: " + ", ".join(PANELS), _one_of(PANELS)),
        Setting("panel_width", 46, "the side panel's width in columns (left or right)", _columns(10, 200)),
        Setting(
            "measure", 0, "the article's widest line in columns (0: as wide as there is room)",
            _columns(20, 400, zero=True),
        ),
    )
}  # fmt: skip

_FROM_ENV = {"TEXTUAL_COLOR_SYSTEM": {"standard": "16", "256": "256", "truecolor": "truecolor", "auto": "auto"}}
"""Environment values that mean something else in the config's words (Textual's colour systems)."""


@dataclass
class Config:
    """The effective settings, where each came from, and what was wrong with the file."""

    path: Path
    values: dict[str, object] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    """Per setting: ``default``, the file's path, ``$NAME`` or the flag (``--db``)."""
    preset: str = "default"
    keys: dict[str, str] = field(default_factory=dict)
    """Binding id -> keys (comma-separated), as the ``[keys]`` table gives them."""
    problems: list[str] = field(default_factory=list)
    """One line per bad key (or a file that cannot be read); those settings keep their defaults."""
    order: dict[str, int] = field(default_factory=dict)
    """The file's keys (``theme``, ``keys.app.quit``) -> their place in the file."""

    @classmethod
    def defaults(cls, path: Path | None = None) -> Config:
        """Every setting at its default (the app's settings when no config was loaded)."""
        return cls(
            path if path is not None else default_config_path(),
            values={name: s.default for name, s in SETTINGS.items()},
            sources=dict.fromkeys(SETTINGS, "default"),
        )

    def __getitem__(self, name: str) -> object:
        return self.values[name]

    def text(self, name: str) -> str | None:
        value = self.values[name]
        return value if isinstance(value, str) else None

    def number(self, name: str) -> int:
        value = self.values[name]
        assert isinstance(value, int)
        return value

    def in_file_order(self, problems: list[str]) -> list[str]:
        """``problems`` with those of the file's keys in the order the keys come in the file (a
        problem found late, such as an unknown theme, is listed where its key is); the others (the
        file itself, the environment) first, as they came."""
        prefix = f"{self.path}: "

        def place(problem: str) -> int:
            key = problem.removeprefix(prefix).split(": ", 1)[0] if problem.startswith(prefix) else ""
            return self.order.get(key, -1)

        return sorted(problems, key=place)

    def describe(self) -> list[str]:
        """``sorot config``: one ``key = value  # source`` line per setting, the keys after."""
        state = "" if self.path.is_file() else " (not a regular file)" if self.path.exists() else " (not found)"
        lines = [f"# config file: {self.path}{state}"]
        for name in SETTINGS:
            value, source = self.values[name], self.sources[name]
            if value is None:
                # No db or model (or an empty one) is the default's: print what is used.
                source = "default" if source == "default" else f"{source}: empty, so the default"
                if name == "db":
                    from tui.core.store.api import default_db_path

                    value = str(default_db_path({}))
                elif name == "model":
                    from tui.core.nlp import DEFAULT_MODEL, MODEL_DIR

                    value, source = DEFAULT_MODEL, f"{source}: the built-in Indonesian pipeline, {MODEL_DIR}"
            lines.append(f"{name} = {_toml(value)}  # {source}")
        lines.append("")
        lines.append("[keys]")
        preset_source = self.sources.get("keys.preset", "default")
        lines.append(f"preset = {_toml(self.preset)}  # {preset_source}")
        for binding_id, keys in sorted(self.keys.items()):
            lines.append(f"{_toml_key(binding_id)} = {_toml(keys)}  # {self.path}")
        return lines


SUMMARY_FIRST = 120
"""The first problem in :func:`problems_summary` is cut to this many characters."""


def problems_summary(problems: list[str], path: Path) -> str:
    """All of ``problems`` in one line (the reader's one warning; ``sorot config`` lists them one a
    line): the problem itself when there is one, else how many, the first, and the command that
    lists them. Control characters become visible symbols: keys and values come from the file."""
    if len(problems) == 1:
        return inert(problems[0])
    first = problems[0].removeprefix(f"{path}: ")
    if len(first) > SUMMARY_FIRST:
        first = first[: SUMMARY_FIRST - 1].rstrip() + "…"
    command = "sorot config" if path == default_config_path() else f"sorot --config {shlex.quote(str(path))} config"
    return inert(f"{path.name}: {len(problems)} problems: {first}; … — run {command} to see all")


def _toml(value: object) -> str:
    if value is None:
        return '""'
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml(key)


MAX_KEYS_PER_BINDING = 16
"""More keys than this for one action is a mistake (and Textual's bindings grow slow with thousands)."""


def check_keys(value: object) -> str:
    """A binding's keys (``"j,down"``), as Textual's keymaps take them; raises ``ValueError``."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError('must be keys separated by commas, e.g. "j,down"')
    keys = list(dict.fromkeys(k.strip() for k in value.split(",")))  # each key once
    if len(keys) > MAX_KEYS_PER_BINDING:
        raise ValueError(f"more than {MAX_KEYS_PER_BINDING} keys for one binding")
    for key in keys:
        if not is_key(key):
            raise ValueError(f"{key!r} is not a key (a key is a character or a name such as ctrl+f or pagedown)")
    return ",".join(keys)


def load_config(
    path: str | Path | None = None,
    *,
    flags: Mapping[str, object | None] | None = None,
    env: Mapping[str, str] | None = None,
) -> Config:
    """The effective config: ``flags`` (setting name -> value given on the command line, None when
    not given) beat the environment, which beats the file at ``path`` (default
    :func:`default_config_path`), which beats the defaults. Never raises: problems are listed."""
    env = os.environ if env is None else env
    flags = flags or {}
    empty = path is not None and not str(path).strip()
    if empty:  # (``--config=``: Path("") would be the current directory)
        path = None
    config = Config(Path(path).expanduser() if path is not None else default_config_path(env))
    if empty:
        config.problems.append(f"--config: the path is empty; reading {config.path}")
    table = _read(config, given=path is not None or bool(env.get(CONFIG_ENV, "").strip()))
    where = str(config.path)
    for name, value in table.items():
        keys = value.items() if name == "keys" and isinstance(value, dict) else ()
        config.order[name] = len(config.order)
        config.order.update((f"keys.{binding_id}", len(config.order) + i) for i, binding_id in enumerate(dict(keys)))
    for name, setting in SETTINGS.items():
        config.values[name], config.sources[name] = setting.default, "default"
        if name in table:
            try:
                config.values[name], config.sources[name] = setting.check(table[name]), where
            except ValueError as exc:
                config.problems.append(f"{where}: {name}: {exc}; using the default")
        raw = env.get(setting.env, "").strip() if setting.env else ""
        if raw and setting.env:
            raw = _FROM_ENV.get(setting.env, {}).get(raw, raw)
            try:
                config.values[name], config.sources[name] = setting.check(raw), f"${setting.env}"
            except ValueError as exc:
                config.problems.append(f"${setting.env}: {exc}; ignored")
        if flags.get(name) is not None and setting.flag:
            config.values[name], config.sources[name] = flags[name], setting.flag
    if env.get("NO_COLOR", "") and config.sources["colours"] in ("default", where):
        config.values["colours"], config.sources["colours"] = "none", "$NO_COLOR"
    for name in table:
        if name not in SETTINGS and name != "keys":
            config.problems.append(f"{where}: {name}: not a setting (settings: {', '.join(SETTINGS)}, [keys])")
    _read_keys(config, table.get("keys"))
    config.problems = config.in_file_order(config.problems)
    return config


def _read(config: Config, *, given: bool) -> dict[str, object]:
    """The file's table; a missing file is no problem unless it was named."""
    where = config.path
    try:
        # Only a regular file is opened: a FIFO would block the start for ever, a device never end.
        if where.exists() and not where.is_file():
            config.problems.append(f"{where}: not a regular file; using the defaults")
            return {}
        with open(where, "rb") as file:
            data = file.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        if given:
            config.problems.append(f"{where}: no such file; using the defaults")
        return {}
    except OSError as exc:
        config.problems.append(f"{where}: cannot be read ({exc.strerror or exc}); using the defaults")
        return {}
    if len(data) > MAX_CONFIG_BYTES:
        config.problems.append(f"{where}: larger than 1 MiB, not a config file; using the defaults")
        return {}
    # Imported here: without a config file (most starts) the parser's import is not paid.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        config.problems.append(f"{where}: not UTF-8 text; using the defaults")
    except tomllib.TOMLDecodeError as exc:
        config.problems.append(f"{where}: not valid TOML ({exc}); using the defaults")
    except RecursionError:  # tomllib parses nested arrays and tables by recursion
        config.problems.append(f"{where}: nested too deeply to be a config file; using the defaults")
    return {}


def _read_keys(config: Config, keys: object) -> None:
    where = str(config.path)
    if keys is None:
        return
    if not isinstance(keys, dict):
        config.problems.append(f"{where}: keys: must be a table ([keys]); using the default keys")
        return
    for binding_id, value in _dotted(keys):
        if binding_id == "preset":
            try:
                config.preset = _one_of(PRESETS)(value)
                config.sources["keys.preset"] = where
            except ValueError as exc:
                config.problems.append(f"{where}: keys.preset: {exc}; using the default keys")
            continue
        try:
            config.keys[binding_id] = check_keys(value)
        except ValueError as exc:
            config.problems.append(f"{where}: keys.{binding_id}: {exc}; ignored")
            continue
        given = [key.strip() for key in str(value).split(",")]
        if twice := sorted({key for key in given if given.count(key) > 1}):
            said = ", ".join(repr(key) for key in twice)
            config.problems.append(f"{where}: keys.{binding_id}: {said} given twice (a binding takes each key once)")


def _dotted(table: dict[str, object]) -> list[tuple[str, object]]:
    """``table``'s entries in file order, a nested table's under dotted names: unquoted,
    ``app.quit = "x"`` is to TOML the table ``app`` holding ``quit``; it means the binding ``app.quit``."""
    entries: list[tuple[str, object]] = []
    stack = [("", iter(table.items()))]
    while stack:
        prefix, items = stack[-1]
        item = next(items, None)
        if item is None:
            stack.pop()
            continue
        name, value = item
        if isinstance(value, dict):
            stack.append((f"{prefix}{name}.", iter(value.items())))
        else:
            entries.append((f"{prefix}{name}", value))
    return entries
