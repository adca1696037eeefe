"""Finishing prepared files in worker processes, while the loader writes earlier ones.

What must run in input order (hashing, layouts that reuse an earlier file's or borrow a
sibling's header, source ids) stays in the loader's reader thread (:func:`prepare.start_file`);
the work that depends on one file alone (reading every record, staging, typing:
:func:`prepare.finish_file`) goes to a small process pool, and results are taken back in input
order. The pool's processes come from a fork server started before any warehouse work, so they
inherit no DuckDB or Polars threads.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import sys
import traceback
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from bestvalue.ingest.inputs import InputFile
from bestvalue.ingest.prepare import Options, PreparedFile, finish_file

PARALLEL_MIN_FILES = 4  # fewer files are not worth starting processes for
MAX_WORKERS = 4


def _not_here() -> bytes:
    raise RuntimeError("a worker process does not read input files: the reader thread sends their bytes")


def unexpected(prepared: PreparedFile, exc: BaseException) -> PreparedFile:
    """The file fails with the error; the run goes on."""
    prepared.error = f"unexpected error: {exc!r}"
    prepared.body = None
    return prepared


def _finish_in_worker(prepared: PreparedFile, options: Options) -> PreparedFile:
    try:
        done = finish_file(prepared, options)
    except Exception as exc:  # a bug must not cost the other files
        traceback.print_exc()
        return unexpected(prepared, exc)
    done.frame = None  # only the typed outcome travels back
    return done


def worker_count() -> int:
    """Processes worth starting: one per core, up to ``MAX_WORKERS``; 0 on a single core."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(cores, MAX_WORKERS) if cores > 1 else 0


def _ready() -> None:
    """A no-op task: submitting one per worker starts the processes."""


@contextlib.contextmanager
def _main_script_hidden() -> Iterator[None]:
    """New worker processes would re-run the caller's main script (multiprocessing's spawn
    rules), which is only harmless for scripts guarded by ``if __name__ == "__main__"``; while
    the block runs, the main module names no script, so workers started in it import only what
    their tasks need."""
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    file, spec = main.__dict__.pop("__file__", None), getattr(main, "__spec__", None)
    main.__spec__ = None
    try:
        yield
    finally:
        main.__spec__ = spec
        if file is not None:
            main.__file__ = file


def worker_pool(files: list[InputFile], workers: int | None = None) -> ProcessPoolExecutor | None:
    """A started process pool for finishing files, or ``None`` when the run is small, the machine
    has one core or ``workers`` is 0 (files are then finished in the reader thread: same results,
    same order). ``workers=None`` means one per core."""
    workers = worker_count() if workers is None else workers
    if len(files) < PARALLEL_MIN_FILES or workers < 1:
        return None
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(["bestvalue.ingest.prepare"])
    pool = ProcessPoolExecutor(workers, mp_context=context)
    with _main_script_hidden():
        for _ in range(workers):  # each submit to a pool with no idle worker starts a process
            pool.submit(_ready)
    return pool


class Pending:
    """A file being finished in a worker process; :meth:`result` waits for it."""

    def __init__(self, pool: ProcessPoolExecutor, prepared: PreparedFile, options: Options) -> None:
        self.prepared = prepared
        self.options = options
        # The worker gets the file's text, not a way to read it (readers may not pickle).
        travelling = dataclasses.replace(prepared, input=dataclasses.replace(prepared.input, _load=_not_here))
        self.future: Future[PreparedFile] = pool.submit(_finish_in_worker, travelling, options)
        prepared.body = None

    def result(self) -> PreparedFile:
        """The finished file (the same object however often asked); a worker that died fails
        the files it held, not the run."""
        try:
            done = self.future.result()
        except BrokenProcessPool as exc:
            return unexpected(self.prepared, exc)
        done.input = self.prepared.input
        return done
