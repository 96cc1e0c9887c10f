"""What the console computes from its input files, kept by the hashes of those files.

A month page shows the attendance check of the month's exports; checking 1,165 workers' exports
takes most of a second, and the page is viewed far more often than a file is uploaded. The check
is a pure function of the files' bytes (and the rules), so its result is kept under the sha256 of
each input: an upload or a correction changes a hash and the next view checks again, once;
every other view reads the kept result. A file's hash is itself kept by its path, size,
modification time and inode, so a view does not re-read a file that has not changed.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Callable, Generic, Hashable, TypeVar

T = TypeVar("T")


class ComputedOnce(Generic[T]):
    """Values by key (a tuple of input hashes), each computed once: a second request for a key being
    computed waits for the first instead of computing it again. ``errors`` raised by the computation
    are kept like values (a broken file stays broken until it changes). The least recently used
    entries go beyond ``size``."""

    def __init__(self, size: int = 64, errors: tuple[type[BaseException], ...] = ()) -> None:
        self.size = size
        self.errors = errors
        self._lock = threading.Lock()
        self._values: OrderedDict[Hashable, tuple[bool, object]] = OrderedDict()
        self._busy: dict[Hashable, threading.Lock] = {}
        self.computed = 0  # how many times a value was computed (tests read it)

    def clear(self) -> None:
        """Forget every value (as a restarted process has)."""
        with self._lock:
            self._values.clear()

    def _kept(self, key: Hashable) -> tuple[bool, object] | None:
        with self._lock:
            found = self._values.get(key)
            if found is not None:
                self._values.move_to_end(key)
            return found

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        found = self._kept(key)
        if found is None:
            with self._lock:
                busy = self._busy.setdefault(key, threading.Lock())
            with busy:
                found = self._kept(key)
                if found is None:
                    try:
                        found = (True, compute())
                    except self.errors as exc:
                        found = (False, exc)
                    with self._lock:
                        self.computed += 1
                        self._values[key] = found
                        while len(self._values) > self.size:
                            self._values.popitem(last=False)
                        self._busy.pop(key, None)
        ok, value = found
        if not ok:
            raise value  # type: ignore[misc]
        return value  # type: ignore[return-value]


_DIGESTS: dict[tuple[str, int, int, int], str] = {}
_DIGESTS_LOCK = threading.Lock()


def file_sha256(path: Path) -> str | None:
    """The sha256 of a file's bytes (None when it is not there), read again only when it changed."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    key = (str(path), st.st_size, st.st_mtime_ns, st.st_ino)
    with _DIGESTS_LOCK:
        found = _DIGESTS.get(key)
    if found is not None:
        return found
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    with _DIGESTS_LOCK:
        if len(_DIGESTS) >= 4096:
            _DIGESTS.clear()
        _DIGESTS[key] = digest.hexdigest()
    return digest.hexdigest()
