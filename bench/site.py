"""The site under load: 50 concurrent users on the demo district (loopback only).

Builds the demo district (20,000 students, 3 years, indicators by year and month), starts
`aimline serve` (gunicorn, 2 workers x 4 threads), then for each scenario runs 50
concurrent clients for a fixed time and reports p50/p95/max latency and requests/s:
the school dashboard page (session login), the chart panel, and the API indicator query
(bearer token). The load generator shares the 2 cores with the server, so the figures
are an upper bound on what the server alone needs.

    python bench/site.py [--students 20000] [--seconds 20] [--users 50]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from common import write

AIMLINE = [sys.executable, "-c", "from aimline.cli import main; main()"]


def run(*args: str, env: dict[str, str]) -> None:
    subprocess.run([*AIMLINE, *args], check=True, env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(home: Path, students: int, env: dict[str, str]) -> None:
    w = str(home / "aimline.duckdb")
    run("synth", "--students", str(students), "--seed", "7", "--out", str(home / "district"),
        env=env)
    run("load", str(home / "district"), "--warehouse", w, env=env)
    for year in (2024, 2025, 2026):
        for period in ("year", "month"):
            run("compute", "--year", str(year), "--period", period, "--warehouse", w, env=env)
    run("site", "setup", "--demo", env=env)


def login(base: str) -> httpx.Cookies:
    with httpx.Client(base_url=base) as c:
        c.get("/login/")
        r = c.post("/login/", data={"username": "principal", "password": "aimline-demo",
                                    "csrfmiddlewaretoken": c.cookies["csrftoken"]},
                   headers={"Referer": base + "/login/"})
        assert r.status_code == 302, r.text[:500]
        return c.cookies


async def scenario(base: str, url: str, users: int, seconds: float, pace: float | None,
                   cookies: httpx.Cookies | None = None,
                   headers: dict[str, str] | None = None) -> tuple[np.ndarray, int]:
    """Each user requests `url` again as soon as the answer arrives (pace None: the server's
    saturation), or once every `pace` seconds (a person clicking through pages)."""
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(base_url=base, cookies=cookies, headers=headers,
                                 limits=limits, timeout=60) as client:
        await client.get(url)  # warm: the first request of a worker opens files, caches

        async def user(k: int) -> None:
            nonlocal errors
            if pace:  # spread the users' first requests over one interval
                await asyncio.sleep(pace * k / users)
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                try:
                    r = await client.get(url)
                    errors += r.status_code != 200
                except httpx.HTTPError:  # a dropped connection counts as an error
                    errors += 1
                took = time.perf_counter() - t0
                latencies.append(took)
                if pace:
                    await asyncio.sleep(max(0.0, pace - took))

        await asyncio.gather(*(user(k) for k in range(users)))
    return np.array(latencies) * 1000, errors


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--students", type=int, default=20_000)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--users", type=int, default=50)
    a = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="aimline-bench-site-"))
    env = {**os.environ, "AIMLINE_HOME": str(home), "AIMLINE_DEBUG": "1",
           "AIMLINE_WAREHOUSE": str(home / "aimline.duckdb")}
    t0 = time.perf_counter()
    build(home, a.students, env)
    print(f"demo district built in {time.perf_counter() - t0:.0f} s", flush=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([*AIMLINE, "serve", "--port", str(port), "--workers", "2",
                               "--threads", "4", "--no-job-worker"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(120):
            try:
                httpx.get(base + "/login/", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.5)
        cookies = login(base)
        home_page = httpx.get(base + "/", cookies=cookies).text
        school = re.search(r'href="/schools/(\w+)/"', home_page).group(1)  # type: ignore[union-attr]
        token = subprocess.run(
            [*AIMLINE[:2], "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE',"
             "'aimline.web.settings'); django.setup(); "
             "from aimline.web.orgs.models import ApiToken;"
             "from django.contrib.auth.models import User; print(ApiToken.issue("
             "User.objects.get(username='principal'), 'bench')[1])"],
            env=env, capture_output=True, text=True, check=True).stdout.strip()
        cases = [
            ("School dashboard page", f"/schools/{school}/", {"cookies": cookies}),
            ("Chart panel (P′ chart, SVG)", f"/schools/{school}/chart/?metric=attendance_rate",
             {"cookies": cookies}),
            ("API indicator query", f"/api/indicators?school={school}&metric=chronic_absence",
             {"headers": {"Authorization": f"Bearer {token}"}}),
        ]
        rows = []
        for (name, url, kw), pace in itertools.product(cases, (1.0, None)):
            ms, errors = asyncio.run(scenario(base, url, a.users, a.seconds, pace, **kw))
            load = "1 request/s each" if pace else "no think time"
            rows.append([name, f"`{url}`", load, len(ms), f"{len(ms) / a.seconds:.0f}",
                         f"{np.percentile(ms, 50):.0f}", f"{np.percentile(ms, 95):.0f}",
                         f"{ms.max():.0f}", errors,
                         "met" if np.percentile(ms, 95) < 300 else "missed"])
            print(rows[-1], flush=True)
    finally:
        server.terminate()
        server.wait(10)
    write("site", f"Site under {a.users} concurrent users ({a.students:,}-student demo district)",
          ["scenario", "URL", "users' pace", "requests", "req/s", "p50 ms", "p95 ms", "max ms",
           "errors", "p95 < 300 ms"], rows,
          notes=(f"gunicorn 2 workers x 4 threads, SQLite site database, DuckDB warehouse; "
                 f"{a.users} async clients (httpx) for {a.seconds:.0f} s per scenario on the "
                 "same 2-core machine as the server (the load generator takes CPU from it). "
                 "'1 request/s each': every user asks again one second after the last request "
                 f"began ({a.users} req/s offered), like people clicking through pages; 'no "
                 "think time': every user asks again at once, which measures saturation (p95 "
                 "is then about users / throughput)."))


if __name__ == "__main__":
    main()
