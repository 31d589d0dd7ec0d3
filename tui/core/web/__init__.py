"""News as people get it: web pages, URLs and feeds, fetched politely and kept for offline reading.

- :mod:`tui.core.web.fetch`: HTTP with httpx (one request at a time per host, ``Retry-After``,
  timeouts and size limits, redirects checked hop by hop, charset detection); every failure is a
  :class:`~tui.core.web.fetch.FetchError` with a one-line message.
- :mod:`tui.core.web.page`: an article's main text and metadata from its HTML (trafilatura,
  JSON-LD ``NewsArticle``, OpenGraph, ``<meta>``, htmldate), multi-page articles joined.
- :mod:`tui.core.web.feeds` and :mod:`tui.core.web.opml`: RSS/Atom subscriptions (feedparser) and
  OPML import and export; the subscriptions and read state live in the annotation store.
- :mod:`tui.core.web.kept`: the fetched pages and their text, kept in the user data directory
  within a size limit, so an article reopens without the network and its annotations re-anchor.

Like all of ``tui.core``, no Textual here.
"""
