"""``sorot extract --cluster ADDRESS``: the batch of :mod:`tui.core.batch` on a Dask cluster.

Dask distributed (``pip install 'sorot[cluster]'``) rather than Ray: it is plain Python with a
small footprint, a scheduler and workers started with one command each (``dask-scheduler``,
``dask-worker``) or by the deployments an archive's owners already run (SSH, Kubernetes, HPC
job queues), and the same ``LocalCluster`` runs in the tests. Each worker loads the pipeline once
(a :class:`WorkerPlugin`, set up again on a worker that joins later); articles go in partitions
of a few, at most a window of them in flight, and Dask's scheduler places them, retries one a
dead worker held, and shows it all on its dashboard. The outcomes come back to the same writer,
order and resume as a local run. Paths must be readable by every worker (shared storage); URLs
are fetched by the worker that takes them.
"""

from __future__ import annotations

import importlib
from typing import Any

from tui.core.batch import BatchError, Item, Options, Outcome, _one_line, extract_partition, load_worker_pipeline

PARTITION = 8
"""Articles a task: a task's overhead (some milliseconds) stays small beside the ~50 ms of an article."""

CONNECT_SECONDS = 10
"""How long to wait for the scheduler to answer."""

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


class DaskWorkers:
    """The workers of the Dask cluster whose scheduler is at ``address`` (``tcp://HOST:PORT``)."""

    def __init__(self, address: str, options: Options, *, partition: int | None = None) -> None:
        dask = _distributed()
        self.options = options
        self.partition = partition or PARTITION
        try:
            self.client: Any = dask.Client(address, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(f"--cluster {address}: cannot reach the scheduler ({_one_line(exc)})") from None
        try:
            self.client.register_plugin(_plugin(options.model), name="sorot-pipeline")
        except Exception as exc:  # noqa: BLE001 - a worker's failure comes back as any exception
            self.client.close()
            problem = _one_line(exc)
            raise ClusterError(f"--cluster {address}: the workers cannot load the pipeline ({problem})") from None
        threads = sum(w.get("nthreads", 1) for w in self.client.scheduler_info()["workers"].values())
        self.window = 2 * max(1, threads)  # each worker thread has one partition queued behind its own
        self.dashboard: str = self.client.dashboard_link or "(none)"
        self._completed: Any = dask.as_completed()
        self._partitions: dict[object, list[Item]] = {}

    def submit(self, items: list[Item]) -> None:
        future = self.client.submit(extract_partition, items, self.options, retries=RETRIES, pure=False)
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
