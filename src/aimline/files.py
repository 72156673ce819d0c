"""Writing output files so that a failure leaves nothing half-written."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def written_atomically(out: Path) -> Iterator[Path]:
    """Yield a temporary path beside `out`; it replaces `out` only if the block succeeds."""
    tmp = out.with_name(f".{out.name}.partial")
    try:
        yield tmp
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
