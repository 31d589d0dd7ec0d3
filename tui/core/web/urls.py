"""The one form of a URL under which Sorot treats two addresses as the same article or feed.

Light on purpose (the standard library only): the store imports it to key subscriptions, entry
links and web articles, without loading the HTTP client.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": "80", "https": "443"}
_WEB_SCHEMES = ("http", "https")
_TRACKING = ("fbclid", "gclid", "mc_cid", "mc_eid")


def _tracking(name: str) -> bool:
    name = name.lower()
    return name.startswith("utm_") or name in _TRACKING


def normalise_url(url: str) -> str:
    """``url`` as an identity: scheme and host in lower case, the default port, the ``#fragment``
    and the tracking parameters (``utm_*``, ``fbclid``, ``gclid``, ``mc_cid``, ``mc_eid``) dropped,
    an empty path made ``/``; the path and the rest of the query as given. Something that is not
    an absolute URL is returned stripped."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text
    if not parts.scheme or not parts.netloc:
        return text
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = (userinfo + "@" if userinfo else "") + host
    if port is not None and str(port) != _DEFAULT_PORTS.get(scheme):
        netloc += f":{port}"
    query = "&".join(p for p in parts.query.split("&") if p and not _tracking(p.split("=", 1)[0]))
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def is_web_address(text: str) -> bool:
    """Whether ``text`` (a command-line argument, a document's path in the store, a W3C target's
    source) names a web address rather than a file: it starts with ``http://`` or ``https://``."""
    return text.lower().startswith(("http://", "https://"))


def is_web_url(url: str) -> bool:
    """Whether ``url`` is an absolute http or https URL with a host: what remote content (a feed's
    links, an OPML file's feeds) may name."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in _WEB_SCHEMES and bool(parts.hostname)


def with_scheme(address: str) -> str:
    """``kompas.com/rss`` as ``https://kompas.com/rss``: an address typed without its scheme."""
    address = address.strip()
    if "://" in address or not address:
        return address
    return "https://" + address
