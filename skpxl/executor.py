"""Where per-file work runs: in this process, a local process pool, or a Dask cluster.

Generate, validate and merge's map step hand :func:`map_ordered` a picklable function and
small picklable tasks; workers return small records (never workbooks), in input order, so
results are identical whichever executor ran them.

    serial   one process (``--jobs 1``)
    local    a process pool (``--jobs N``; 0 = one worker per core); its workers start
             the platform's way (spawn on Windows and macOS: a fresh Python that imports
             skpxl, so workers never rely on state inherited from this process);
             ``SKPXL_START_METHOD=spawn`` starts them so on Linux too (the tests do)
    dask     a Dask distributed cluster (``--executor dask --scheduler tcp://host:8786``);
             needs ``pip install 'skpxl[dask]'``; every worker needs skpxl installed and
             must see the same file paths (a shared folder)
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from dataclasses import dataclass
from typing import Callable, Iterator

from .errors import EngineError, UsageError


@dataclass(frozen=True)
class Executor:
    kind: str = "local"  # "serial" | "local" | "dask"
    jobs: int = 0
    scheduler: str | None = None

    def workers(self, tasks: int) -> int:
        return max(1, min(self.jobs or os.cpu_count() or 1, tasks or 1))


def on_dask(executor) -> bool:
    """Whether ``executor`` (an :class:`Executor`, a job count or None) is a Dask cluster,
    whose workers share neither this process's working folder nor, maybe, its disks."""
    return getattr(executor, "kind", None) == "dask"


def shipped_path(path, executor) -> str:
    """``path`` as the workers need it: absolute on a Dask cluster (a worker's working folder
    is not this process's), as given otherwise (a local pool shares it)."""
    if on_dask(executor):
        return str(Path(path).absolute())
    return str(path)


def make_executor(kind: str | None = None, jobs: int = 0, scheduler: str | None = None
                  ) -> Executor:
    """Validate executor options (``kind`` None: serial for ``jobs == 1``, else local)."""
    kind = kind or ("serial" if jobs == 1 else "local")
    if kind not in ("serial", "local", "dask"):
        raise UsageError(f"Executor '{kind}' tidak dikenal: gunakan serial, local atau dask.",
                         en=f"Executor '{kind}' is not known: use serial, local or dask.")
    if kind == "dask" and not scheduler:
        raise UsageError("--executor dask memerlukan --scheduler ALAMAT (mis. tcp://host:8786).",
                         en="--executor dask needs --scheduler ADDRESS (e.g. tcp://host:8786).")
    return Executor(kind, jobs, scheduler)


def map_ordered(func: Callable, tasks: list, executor: Executor | int | None = None,
                advance: Callable[[int], None] | None = None) -> Iterator:
    """Yield ``func(task)`` for every task, in order, on the chosen executor."""
    if not isinstance(executor, Executor):
        executor = make_executor(jobs=executor or 0)
    if on_dask(executor):
        yield from _dask(func, tasks, executor.scheduler, advance)
        return
    workers = executor.workers(len(tasks))
    if executor.kind == "serial" or workers == 1:
        for task in tasks:
            result = func(task)
            if advance:
                advance(1)
            yield result
        return
    from concurrent.futures import ProcessPoolExecutor
    # small chunks: a large last chunk leaves one worker busy while the others idle
    # (measured on 1,000 files, 2 workers: chunks of 8 took 9.3-10.4 s, chunks of 64 10.3-10.6 s)
    chunksize = max(1, min(8, len(tasks) // (workers * 4)))
    # Ctrl-C reaches every process of the terminal: the workers ignore it and finish the
    # file in hand (so none is left half-written), the main process cancels the rest
    with ProcessPoolExecutor(max_workers=workers, initializer=_ignore_interrupt,
                             mp_context=_start_context()) as pool:
        try:
            for result in pool.map(func, tasks, chunksize=chunksize):
                if advance:
                    advance(1)
                yield result
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _start_context():
    """The multiprocessing context pool workers start with: ``SKPXL_START_METHOD`` (fork,
    spawn, forkserver) when set, else the platform's default (None)."""
    method = os.environ.get("SKPXL_START_METHOD")
    if not method:
        return None
    import multiprocessing
    try:
        return multiprocessing.get_context(method)
    except ValueError:
        raise UsageError(f"SKPXL_START_METHOD={method} tidak dikenal di sistem ini.",
                         hint="Pilihan: " + ", ".join(multiprocessing.get_all_start_methods()),
                         en=f"SKPXL_START_METHOD={method} is not known on this system.",
                         hint_en="Choices: " + ", ".join(
                             multiprocessing.get_all_start_methods())) from None


def _ignore_interrupt() -> None:
    """Pool worker start-up: leave Ctrl-C (SIGINT) to the main process."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _dask(func: Callable, tasks: list, scheduler, advance) -> Iterator:
    try:
        from dask.distributed import Client, KilledWorker
    except ImportError:
        raise EngineError("Dask tidak terpasang.", hint="pip install 'skpxl[dask]'",
                          en="Dask is not installed.", hint_en="pip install 'skpxl[dask]'"
                          ) from None
    client = scheduler if hasattr(scheduler, "map") else _connect(Client, scheduler)
    try:
        chunks = _chunks(tasks, sum(client.nthreads().values()))
        batch = uuid.uuid4().hex[:12]
        futures = client.map(_run_chunk, [func] * len(chunks), chunks, pure=False,
                             key=[f"{func.__name__}-{batch}-{i}" for i in range(len(chunks))])
        for future in futures:  # in input order; each waits for its own results
            try:
                results = future.result()
            except ImportError as exc:   # raised where the task was unpickled: a worker
                raise EngineError(
                    f"Worker Dask tidak bisa menjalankan skpxl: {exc}.",
                    hint="Pasang skpxl versi yang sama di setiap worker: "
                         "pip install 'skpxl[dask]'.",
                    en=f"A Dask worker cannot run skpxl: {exc}.",
                    hint_en="Install the same skpxl version on every worker: "
                            "pip install 'skpxl[dask]'.") from exc
            except KilledWorker as exc:
                raise EngineError(
                    "Worker Dask berhenti berulang kali saat mengerjakan file yang sama "
                    "(kehabisan memori?).",
                    hint="Lihat log 'dask worker'; beri worker lebih banyak memori.",
                    en="Dask workers died again and again on the same file (out of memory?).",
                    hint_en="Look at the 'dask worker' logs; give the workers more memory."
                    ) from exc
            if advance:
                advance(len(results))
            yield from results
    finally:
        if client is not scheduler:
            client.close()


#: files per Dask task at most: a task of ~50 files is ~0.1 s of work, against a scheduler
#: overhead of about a millisecond per task (one task per file: ~3 ms a file measured here)
DASK_CHUNK = 64


def _chunks(tasks: list, threads: int) -> list[list]:
    """``tasks`` cut into consecutive chunks: at most :data:`DASK_CHUNK` each, and at least
    about four per worker thread so that a small batch still spreads."""
    size = max(1, min(DASK_CHUNK, len(tasks) // (4 * max(1, threads))))
    return [tasks[i:i + size] for i in range(0, len(tasks), size)]


def _run_chunk(func: Callable, chunk: list) -> list:
    """On a Dask worker: ``func`` of every task of one chunk, in order."""
    return [func(task) for task in chunk]


def _connect(client_class, address: str):
    """A Dask client for ``address``; an address that is wrong or does not answer is an
    :class:`EngineError` saying so (Dask waits ``distributed.comm.timeouts.connect``,
    30 s by default)."""
    try:
        return client_class(address)
    except (OSError, ValueError, TypeError) as exc:   # TimeoutError is an OSError
        raise EngineError(
            f"Tidak bisa terhubung ke scheduler Dask di {address}: {exc}.",
            hint="Periksa alamatnya (mis. tcp://10.0.0.5:8786) dan bahwa 'dask scheduler' "
                 "berjalan di sana dan bisa dihubungi dari komputer ini.",
            en=f"Cannot connect to the Dask scheduler at {address}: {exc}.",
            hint_en="Check the address (e.g. tcp://10.0.0.5:8786), and that 'dask scheduler' "
                    "runs there and can be reached from this computer.") from exc
