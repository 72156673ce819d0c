"""Shared by the benchmarks: machine facts and a results-file writer."""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, Python "
            f"{platform.python_version()}, {platform.system()} {platform.release()}")


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def in_subprocess(code: str) -> tuple[float, float, str]:
    """Run Python `code` in a fresh process: (wall seconds, peak RSS MiB, its stdout)."""
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over fork+exec, so a child would report
    # at least its parent's peak; VmHWM belongs to the new address space
    wrapper = (f"import time\nt0 = time.perf_counter()\n{code}\n"
               "print('__wall__', time.perf_counter() - t0)\n"
               "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
               "print('__rss__', int(hwm.split()[1]))")
    done = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True,
                          check=True)
    lines = done.stdout.splitlines()
    wall = float(next(x for x in lines if x.startswith("__wall__")).split()[1])
    rss = float(next(x for x in lines if x.startswith("__rss__")).split()[1]) / 1024
    rest = "\n".join(x for x in lines if not x.startswith("__"))
    return wall, rss, rest


def write(topic: str, title: str, header: list[str], rows: list[list[Any]], notes: str = ""
          ) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{topic}.md"
    lines = [f"# {title}", "", f"Machine: {machine()}", "",
             f"Command: `{' '.join([Path(sys.executable).name, *sys.argv])}`", "",
             "| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    if notes:
        lines += ["", notes]
    path.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return path


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
