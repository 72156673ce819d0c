"""One writer at a time, and never in the readers' way.

A running site keeps the warehouse open read-only, and DuckDB lets no other process open a
file for writing while anyone has it open. So every write (a CLI load or compute, the
site's load job) goes to a copy, which is renamed over the warehouse when the write
succeeds: readers keep the file they opened until they see the new one
(`web.warehouse.version`), and a failed write leaves the warehouse as it was. A lock file
beside the warehouse makes writers take turns: a second writer is told who to wait for,
rather than one overwriting the other's swap.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from aimline.data.problems import DataError


class WarehouseBusy(DataError):
    """Another load or compute is writing the warehouse."""


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(f".{warehouse.name}.lock")


@contextlib.contextmanager
def writing(warehouse: Path) -> Iterator[Path]:
    """The file to write in place of `warehouse`: a private copy (or a new file when there
    is no warehouse yet), renamed over it when the block ends without an exception and
    removed otherwise. Raises WarehouseBusy at once when another writer holds the lock."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path(warehouse), "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            who = lock.read().strip() or "another process"
            raise WarehouseBusy(
                f"{warehouse} is being written by {who}: wait for that load or compute to "
                "finish, then run this command again (or use --no-store to compute without "
                "writing)") from None
        lock.seek(0)
        lock.truncate()
        lock.write(f"process {os.getpid()}")
        lock.flush()
        work = warehouse.with_name(f".{warehouse.name}.{os.getpid()}.work")
        try:
            if warehouse.exists():
                shutil.copyfile(warehouse, work)
            yield work
            work.replace(warehouse)  # atomic: readers see the old file or the new one
        finally:
            work.unlink(missing_ok=True)
            work.with_name(work.name + ".wal").unlink(missing_ok=True)
            lock.seek(0)
            lock.truncate()
