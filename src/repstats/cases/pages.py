"""Walk a paginated JSON API with a page cache, retries, a timeout and size guards.

The walker is generic: it knows two ways an API says where the next page is, chosen by
``style`` (or detected from the first response with ``style="auto"``):

``"next"``
    Django-REST-framework style: each response is an object with the records in a list
    (``results``, ``data``, ``items`` or ``records``) and ``next``, the absolute or
    relative URL of the following page (``null`` on the last page).
``"page"``
    page-number style: the walker adds ``page=<n>`` (and ``page_size=<k>`` when a page
    size is given) to the URL's query, starting at ``start_page``, and stops at an empty
    page, a page shorter than ``page_size``, or the page count when the response states
    it (``total_pages``, ``pages``, ``num_pages`` or ``last_page``).

Every response body that passed every check is cached on disk under ``cache_dir`` in a
file named by the sha256 of its URL, so a rerun reads the cache instead of the network
(``refresh=True`` refetches). :func:`get_bytes` retries transient failures (connection
errors, HTTP 5xx) with exponential backoff, holds each attempt to a total deadline, and
refuses truncated bodies. A ``next`` link is followed only over http(s) to the starting
host; deeply nested JSON is an error, not a crash.
"""
from __future__ import annotations

import hashlib
import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import FetchError
from ..io import write_bytes

__all__ = ["PageCache", "Page", "walk_pages", "page_records", "get_bytes", "ConnectError",
           "ServerError"]

RECORD_KEYS = ("results", "data", "items", "records")
PAGE_COUNT_KEYS = ("total_pages", "pages", "num_pages", "last_page")


def page_records(payload, url: str = "?") -> list:
    """The list of records in one decoded page (a list, or an object holding a list)."""
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict):
        for key in RECORD_KEYS:
            if isinstance(payload.get(key), list):
                return payload[key]
    raise FetchError(f"{url}: the response holds no list of records (expected a JSON list "
                     f"or an object with one of {RECORD_KEYS})")


@dataclass
class PageCache:
    """Response bodies on disk, one file per URL (``<sha256(url)>.json``).

    ``PageCache(None)`` caches nothing.
    """

    directory: Path | None

    def path(self, url: str) -> Path | None:
        if self.directory is None:
            return None
        return Path(self.directory) / (hashlib.sha256(url.encode("utf-8")).hexdigest() + ".json")

    def get(self, url: str) -> bytes | None:
        p = self.path(url)
        return p.read_bytes() if p is not None and p.is_file() else None

    def put(self, url: str, body: bytes) -> None:
        p = self.path(url)
        if p is not None:
            write_bytes(p, body)


@dataclass
class Page:
    """One fetched page: its URL, position (1-based), records and whether it came from cache."""

    url: str
    number: int
    records: list
    from_cache: bool
    payload: object = field(repr=False, default=None)


class ConnectError(FetchError):
    """The server could not be reached (offline, refused, DNS)."""


class ServerError(FetchError):
    """The server answered with an HTTP 5xx error, or broke off its answer."""


def _request(url: str, timeout: float):
    req = urllib.request.Request(url, headers={"User-Agent": "repstats-fetch/0.1",
                                               "Accept": "application/json"})
    return urllib.request.urlopen(req, timeout=timeout)


def _read_within(resp, url: str, deadline: float, max_bytes: int) -> bytes:
    """The whole body, or FetchError past ``deadline``, ``max_bytes`` or a short body."""
    sock = getattr(getattr(getattr(resp, "fp", None), "raw", None), "_sock", None)
    chunks, size = [], 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ServerError(f"{url}: no complete answer within the deadline ({size} bytes "
                              "received); aborted")
        if sock is not None:
            sock.settimeout(remaining)
        try:
            chunk = resp.read1(65536)
        except http.client.IncompleteRead as exc:
            raise ServerError(f"{url}: the body ended early ({exc}); truncated") from exc
        except (TimeoutError, OSError) as exc:
            raise ServerError(f"{url}: no complete answer within the deadline ({size} bytes "
                              f"received: {exc}); aborted") from exc
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"{url}: page larger than the {max_bytes}-byte guard; aborted "
                             "(raise max_page_bytes if this is expected)")
    body = b"".join(chunks)
    length = resp.headers.get("Content-Length")
    if length is not None and length.strip().isdigit() and len(body) < int(length):
        raise ServerError(f"{url}: body of {len(body)} bytes is shorter than its "
                          f"Content-Length {int(length)}; truncated")
    return body


def get_bytes(url: str, *, timeout: float, retries: int, backoff: float,
              max_bytes: int, opener=_request) -> bytes:
    """GET ``url`` (retries with backoff) and return its whole body.

    ``timeout`` is a total deadline per attempt (connecting and reading the whole
    body), so a server dripping bytes cannot hold the reader. Only ``http``/``https``.

    Raises
    ------
    ConnectError
        The server stayed unreachable after ``retries`` attempts (are you offline?).
    ServerError
        HTTP 5xx after ``retries`` attempts, a body shorter than its Content-Length, or
        no complete answer within ``timeout``.
    FetchError
        HTTP 4xx, another scheme than http(s), or a body over ``max_bytes``.
    """
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(f"{url}: only http(s) URLs are fetched, not {scheme or 'no'} "
                         "scheme")
    last: Exception | None = None
    for attempt in range(max(1, retries)):
        if attempt:
            time.sleep(backoff * (2 ** (attempt - 1)))
        deadline = time.monotonic() + timeout
        try:
            with opener(url, timeout=timeout) as resp:
                return _read_within(resp, url, deadline, max_bytes)
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
            last = ServerError(f"{url}: server error HTTP {exc.code} {exc.reason} "
                               f"({max(1, retries)} attempt(s)); the server, not your "
                               "connection, failed: try again later")
        except ServerError as exc:
            last = exc
        except FetchError:
            raise
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError,
                http.client.HTTPException) as exc:
            last = ConnectError(f"{url}: could not connect after {max(1, retries)} "
                                f"attempt(s) ({exc}); are you offline?")
    assert last is not None
    raise last


def _decode(body: bytes, url: str):
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FetchError(f"{url}: response is not JSON ({exc})") from exc
    except RecursionError:
        raise FetchError(f"{url}: JSON nested too deeply to read; not an API page") from None


def _same_origin(url: str, start: str) -> bool:
    a, b = urllib.parse.urlsplit(url), urllib.parse.urlsplit(start)
    return a.scheme.lower() in ("http", "https") and (a.scheme.lower(), a.netloc.lower()) \
        == (b.scheme.lower(), b.netloc.lower())


def _with_query(url: str, **params) -> str:
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
    query.update({k: str(v) for k, v in params.items() if v is not None})
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def walk_pages(url: str, *, cache: PageCache | None = None, style: str = "auto",
               page_param: str = "page", size_param: str = "page_size",
               page_size: int | None = None, start_page: int = 1, max_pages: int = 10_000,
               max_page_bytes: int = 50 * 2**20, timeout: float = 30.0, retries: int = 4,
               backoff: float = 1.0, refresh: bool = False,
               get: Callable[..., bytes] = get_bytes) -> Iterator[Page]:
    """Yield the pages of a paginated JSON API, one :class:`Page` at a time.

    Parameters
    ----------
    url : str
        First page's URL (for ``style="page"`` without the page parameter).
    cache : PageCache, optional
        Where response bodies are stored and looked up first.
    style : {"auto", "next", "page"}
        How the next page is found (see the module docstring). "auto" uses "next" when the
        first response is an object with a ``next`` key, else "page".
    page_param, size_param : str
        Query parameters of the page-number style.
    page_size : int, optional
        Records per page asked for (page-number style); also used to detect the last page.
    start_page : int
        Number of the first page in the page-number style.
    max_pages : int
        Guard: more pages than this raise :class:`FetchError`.
    max_page_bytes : int
        Guard: a body larger than this raises :class:`FetchError`.
    timeout, retries, backoff : float, int, float
        Per request: seconds before giving up, attempts, and the base of the exponential
        backoff (seconds; waits ``backoff * 2**attempt``).
    refresh : bool
        Ignore cached bodies (they are still rewritten).
    """
    if style not in ("auto", "next", "page"):
        raise ValueError(f"style must be 'auto', 'next' or 'page', got {style!r}")
    if page_size is not None and page_size < 1:
        raise ValueError(f"page_size must be positive, got {page_size}")
    cache = cache or PageCache(None)
    seen: set[str] = set()
    number = 0
    page_no = start_page
    current = (_with_query(url, **{page_param: page_no, size_param: page_size})
               if style == "page" else url)
    while current is not None:
        number += 1
        if number > max_pages:
            raise FetchError(f"{url}: more than max_pages={max_pages} pages; aborted "
                             "(a pagination loop, or raise max_pages)")
        if current in seen:
            raise FetchError(f"{current}: pagination returned a page already fetched; aborted")
        seen.add(current)
        body = None if refresh else cache.get(current)
        from_cache = body is not None
        if body is None:
            body = get(current, timeout=timeout, retries=retries, backoff=backoff,
                       max_bytes=max_page_bytes)
        payload = _decode(body, current)
        records = page_records(payload, current)
        if not all(isinstance(r, dict) for r in records):
            raise FetchError(f"{current}: records must be JSON objects")
        if style == "auto":
            # the bare URL served the start page; later pages get explicit numbers
            style = "next" if isinstance(payload, dict) and "next" in payload else "page"
        nxt_url = None
        if style == "next":
            nxt = payload.get("next") if isinstance(payload, dict) else None
            if nxt is not None and not isinstance(nxt, str):
                raise FetchError(f"{current}: 'next' is not a URL: {nxt!r}")
            nxt_url = urllib.parse.urljoin(current, nxt) if nxt else None
            if nxt_url is not None and not _same_origin(nxt_url, url):
                raise FetchError(f"{current}: 'next' leads to {nxt_url!r}, off the starting "
                                 f"host {urllib.parse.urlsplit(url).netloc!r} or not "
                                 "http(s); refused")
        if not from_cache:  # only a page that passed every check is cached
            cache.put(current, body)
        yield Page(current, number, records, from_cache, payload)

        if style == "next":
            current = nxt_url
            continue
        total = None
        if isinstance(payload, dict):
            total = next((payload[k] for k in PAGE_COUNT_KEYS
                          if isinstance(payload.get(k), int)), None)
        last = (not records
                or (page_size is not None and len(records) < page_size)
                or (total is not None and page_no - start_page + 1 >= total))
        page_no += 1
        current = None if last else _with_query(
            url, **{page_param: page_no, size_param: page_size})
