"""The character encodings a web page may name: those the WHATWG Encoding Standard lists, which
browsers read. Python knows more codec names (``rot13``, ``idna``, ``punycode``, ``utf-7``,
``zlib``...): some are no text encodings, some fail or take quadratic time on hostile bytes, and
none is a page's charset. A label outside the list is passed over, as a browser does."""

from __future__ import annotations

import codecs

_AS_CP1252 = {"iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "ascii", "us-ascii", "cp819"}
"""Labels the HTML standard reads as windows-1252, a superset."""
_ALIASES = {
    "gb2312": "gbk", "x-gbk": "gbk", "windows-874": "cp874", "x-mac-roman": "mac-roman", "macintosh": "mac-roman",
    "x-mac-cyrillic": "mac-cyrillic", "ks_c_5601-1987": "cp949", "x-sjis": "shift_jis", "windows-31j": "cp932",
}  # fmt: skip
"""WHATWG labels Python spells otherwise (or maps to a subset: GB2312 pages are read as GBK)."""
_WEB = frozenset(
    {
        "utf-8", "utf-16-le", "utf-16-be", "utf-16", "cp1250", "cp1251", "cp1252", "cp1253", "cp1254",
        "cp1255", "cp1256", "cp1257", "cp1258", "cp874", "iso8859-2", "iso8859-3", "iso8859-4",
        "iso8859-5", "iso8859-6", "iso8859-7", "iso8859-8", "iso8859-10", "iso8859-13", "iso8859-14",
        "iso8859-15", "iso8859-16", "koi8-r", "koi8-u", "cp866", "mac-roman", "mac-cyrillic", "gbk",
        "gb18030", "big5", "big5hkscs", "euc-jp", "iso2022-jp", "shift-jis", "cp932", "euc-kr", "cp949",
    }
)  # fmt: skip


def web_codec(label: str | None) -> str | None:
    """The Python codec for the charset ``label`` a page or its header names, or None when the
    label names no encoding a web page may be in."""
    if not label:
        return None
    label = label.strip().lower()
    if label in _AS_CP1252:
        return "cp1252"
    label = _ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except (LookupError, ValueError):
        return None
    return name if name.replace("_", "-") in _WEB else None
