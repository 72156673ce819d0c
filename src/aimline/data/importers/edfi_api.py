"""Pull resources from an Ed-Fi ODS/API (v5-v7) into a folder of JSON pages.

    pull("https://host/data/v3", key, secret, Path("extract.pages"), school_year=2025)

OAuth2 client credentials (`POST <host>/oauth/token`), then for each resource the
importer reads, `GET <base>[/<year>]/ed-fi/<resource>?offset=..&limit=..` until a page
comes back short. Each page is written to `<folder>/<resource>/<offset>.json` as soon as
it arrives, via a temporary file, so a pull that stops (network, Ctrl-C) resumes where it
was: pages already on disk are not asked for again. 429 and 5xx answers are retried with
exponential backoff (honouring Retry-After); a 401 gets one fresh token, then fails.
`edfi_json.import_json` then reads the folder.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from aimline.data.importers import edfi
from aimline.data.importers.report import ImportFailed

PAGE = 500
RETRIES = 6
DONE = ".complete"  # marks a resource whose last (short) page has been saved


class Client:
    def __init__(self, base: str, key: str, secret: str, token_url: str | None,
                 http: httpx.Client, sleep: Callable[[float], None]) -> None:
        self.base = base.rstrip("/")
        parts = urlsplit(self.base)
        self.token_url = token_url or f"{parts.scheme}://{parts.netloc}/oauth/token"
        self.key, self.secret = key, secret
        self.http = http
        self.sleep = sleep
        self.token: str | None = None

    def authenticate(self) -> None:
        r = self._send("POST", self.token_url, auth=(self.key, self.secret),
                       data={"grant_type": "client_credentials"}, authed=False)
        if r.status_code in (400, 401, 403):
            raise ImportFailed([f"{self.token_url}: the API refused the client key and secret "
                                f"(HTTP {r.status_code})"])
        self._ok(r, self.token_url)
        try:
            self.token = r.json()["access_token"]
        except (ValueError, KeyError):
            raise ImportFailed([f"{self.token_url}: the token answer has no access_token"]
                               ) from None

    def get(self, url: str, params: dict[str, int]) -> httpx.Response:
        r = self._send("GET", url, params=params)
        if r.status_code == 401:  # the token expired: one fresh token, then give up
            self.authenticate()
            r = self._send("GET", url, params=params)
            if r.status_code == 401:
                raise ImportFailed([f"{url}: the API answered 401 Unauthorized with a fresh "
                                    "token: check the client's claim set"])
        if r.status_code != 404:  # a resource this ODS does not expose: the caller skips it
            self._ok(r, url)
        return r

    def _send(self, method: str, url: str, authed: bool = True, **kw: object) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}"} if authed and self.token else {}
        for attempt in range(RETRIES):
            try:
                r = self.http.request(method, url, headers=headers, **kw)  # type: ignore[arg-type]
            except httpx.TransportError as e:
                if attempt == RETRIES - 1:
                    raise ImportFailed([f"{url}: {e}"]) from None
                self.sleep(2 ** attempt)
                continue
            if r.status_code != 429 and r.status_code < 500:
                return r
            if attempt < RETRIES - 1:
                wait = r.headers.get("Retry-After")
                self.sleep(float(wait) if wait and wait.isdigit() else 2 ** attempt)
        return r

    @staticmethod
    def _ok(r: httpx.Response, url: str) -> None:
        if r.status_code >= 400:
            raise ImportFailed([f"{url}: HTTP {r.status_code}: {r.text[:200]}"])


def _save(path: Path, body: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_bytes(body)
    os.replace(tmp, path)


def pull(base: str, key: str, secret: str, folder: Path, *, school_year: int | None = None,
         token_url: str | None = None, page: int = PAGE,
         tick: Callable[[int], None] | None = None, http: httpx.Client | None = None,
         sleep: Callable[[float], None] = time.sleep) -> dict[str, int]:
    """Save every page of every resource the importer reads; returns records per resource."""
    own = http is None
    http = http or httpx.Client(timeout=60)
    client = Client(base, key, secret, token_url, http, sleep)
    root = client.base + (f"/{school_year}" if school_year else "") + "/ed-fi"
    counts: dict[str, int] = {}
    try:
        client.authenticate()
        for e in edfi.ENTITIES:
            counts[e.json] = _pull_resource(client, f"{root}/{e.json}", folder / e.json,
                                            page, tick)
    finally:
        if own:
            http.close()
    return counts


def _pull_resource(client: Client, url: str, folder: Path, page: int,
                   tick: Callable[[int], None] | None) -> int:
    total = 0
    offset = 0
    while True:
        path = folder / f"{offset:010d}.json"
        if path.exists():  # saved by an earlier, interrupted pull
            n = len(json.loads(path.read_bytes()))
        else:
            if (folder / DONE).exists():
                return total
            r = client.get(url, {"offset": offset, "limit": page})
            if r.status_code == 404:  # a resource this ODS does not expose
                return total
            try:
                items = r.json()
            except ValueError:
                raise ImportFailed([f"{url} (offset {offset}): the answer is not JSON"]) from None
            if not isinstance(items, list):
                raise ImportFailed([f"{url} (offset {offset}): a page must be a JSON array, "
                                    f"got {type(items).__name__}"])
            n = len(items)
            if n:
                _save(path, r.content)
        total += n
        if tick:
            tick(n)
        if n < page:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / DONE).touch()
            return total
        offset += page
