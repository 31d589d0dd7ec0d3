"""``sorot extract --cluster ADDRESS``: the batch of :mod:`tui.core.batch` on a Dask cluster.

Dask distributed (``pip install 'sorot[cluster]'``) rather than Ray: it is plain Python with a
small footprint, a scheduler and workers started with one command each (``dask-scheduler``,
``dask-worker``) or by the deployments an archive's owners already run (SSH, Kubernetes, HPC
job queues), and the same ``LocalCluster`` runs in the tests. Each worker loads the pipeline once
(a :class:`WorkerPlugin`, set up again on a worker that joins later); articles go in partitions
of a few, at most a window of them in flight, and Dask's scheduler places them, retries one a
dead worker held, and shows it all on its dashboard. The outcomes come back to the same writer,
order and resume as a local run. Paths must be readable by every worker (shared storage) at the
same absolute path: a relative one is read from this process's directory, and the record names it
as listed, as a local run does. URLs are fetched by the worker that takes them.
"""

from __future__ import annotations

import importlib
import os
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from tui.core.batch import BatchError, Item, Options, Outcome, _one_line, extract_partition, load_worker_pipeline

PARTITION = 8
"""Articles a task: a task's overhead (some milliseconds) stays small beside the ~50 ms of an article."""

CONNECT_SECONDS = 5
"""How long to wait for the scheduler to answer (a closed port is refused at once)."""

WORKER_NOTICE_SECONDS = 30
"""How long a scheduler without workers is waited on before saying so (once; the wait goes on)."""

RETRIES = 2
"""How many times Dask runs again a partition whose worker died."""


class ClusterError(Exception):
    """The cluster cannot be used (the extra not installed, no scheduler at the address): one line."""


def _distributed() -> Any:
    """Dask distributed, the optional extra (typed loosely: its own hints are partial)."""
    try:
        return importlib.import_module("distributed")
    except ImportError:
        raise ClusterError("--cluster needs Dask distributed: pip install 'sorot[cluster]'") from None


def _plugin(model: str | None) -> Any:
    # Defined here, where Dask is known to be installed; cloudpickle sends the class to the workers.
    class SorotPipeline(_distributed().WorkerPlugin):  # type: ignore[misc]
        """Loads Sorot's pipeline once in each worker, when it joins."""

        name = "sorot-pipeline"

        def __init__(self, model: str | None) -> None:
            self.model = model

        def setup(self, worker: object) -> None:
            load_worker_pipeline(self.model)

    return SorotPipeline(model)


def _refused(address: str) -> None:
    """A TCP scheduler address whose port nobody listens on, refused in one line at once (Dask's
    own connect retries until its timeout); anything else is left to Dask."""
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme != "tcp":
        return
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        return
    if not host or port is None:
        return
    try:
        socket.create_connection((host, port), timeout=CONNECT_SECONDS).close()
    except ConnectionRefusedError:
        raise ClusterError(f"--cluster {address}: cannot reach a Dask scheduler there (connection refused)") from None
    except OSError:
        return  # a timeout, a name that does not resolve: Dask says it in its words


class DaskWorkers:
    """The workers of the Dask cluster whose scheduler is at ``address`` (``tcp://HOST:PORT``)."""

    def __init__(
        self,
        address: str,
        options: Options,
        *,
        partition: int | None = None,
        notify: Callable[[str], None] = lambda line: None,
        notice_after: float = WORKER_NOTICE_SECONDS,
    ) -> None:
        dask = _distributed()
        self.options = options
        self.partition = partition or PARTITION
        self.base = os.getcwd()
        _refused(address)
        try:
            self.client: Any = dask.Client(address, timeout=CONNECT_SECONDS)
        except Exception as exc:  # noqa: BLE001 - a port that speaks something else fails in any way
            raise ClusterError(f"--cluster {address}: cannot reach a Dask scheduler there ({_one_line(exc)})") from None
        try:
            if not self.client.scheduler_info()["workers"]:
                # Nothing runs until a worker joins: waiting in silence would look like a hang.
                try:
                    self.client.wait_for_workers(1, timeout=notice_after)
                except TimeoutError:
                    notify(f"waiting for a Dask worker at {address}…")
                    self.client.wait_for_workers(1)
            self.client.register_plugin(_plugin(options.model), name="sorot-pipeline")
        except BaseException as exc:
            self.client.close()
            if not isinstance(exc, Exception):
                raise
            problem = _one_line(exc)
            raise ClusterError(f"--cluster {address}: the workers cannot load the pipeline ({problem})") from None
        threads = sum(w.get("nthreads", 1) for w in self.client.scheduler_info()["workers"].values())
        self.window = 2 * max(1, threads)  # each worker thread has one partition queued behind its own
        self.dashboard: str = self.client.dashboard_link or "(none)"
        self._completed: Any = dask.as_completed()
        self._partitions: dict[object, list[Item]] = {}

    def submit(self, items: list[Item]) -> None:
        future = self.client.submit(extract_partition, items, self.options, self.base, retries=RETRIES, pure=False)
        self._partitions[future.key] = items
        self._completed.add(future)

    def finished(self) -> list[tuple[int, Outcome]]:
        future = next(self._completed)
        items = self._partitions.pop(future.key)
        try:
            outcomes: list[tuple[int, Outcome]] = future.result()
        except BatchError:
            raise
        except Exception as exc:  # noqa: BLE001 - failed even after the retries: its articles failed
            problem = _one_line(exc)
            return [(i, Outcome(s, error=f"{s}: the cluster could not extract it ({problem})")) for i, s in items]
        finally:
            future.release()
        return outcomes

    def close(self) -> None:
        self.client.close()
