"""Running many scenarios x replications on any :class:`concurrent.futures.Executor`.

The same code runs on a local process pool and on a dask.distributed cluster
(``Client(address).get_executor()``), or in the calling process when no executor is given.

Every (scenario, replication) is one task whose tidy metrics table is written, by the
calling process, to its own Parquet file through an atomic rename::

    OUT/runs/<scenario>/<fingerprint>/rep-0001.parquet

A batch that is interrupted and started again skips every task whose file exists with the
same fingerprint (same changed survey, schedule, day, demand, buildings and netplan
version) and runs only the rest; a task that was running when the batch stopped left no
file and runs again. A task that raises is recorded (``rep-0001.error.txt``), reported, and
does not stop the others; it runs again on the next start.
"""

from __future__ import annotations

import io
import shutil
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from netplan.errors import InputError, Problem, UsageError
from netplan.outputs import atomic_write_bytes, atomic_write_text
from netplan.scenarios.apply import RunSpec

__all__ = [
    "BatchProgress",
    "BatchReport",
    "BatchState",
    "Task",
    "TaskOutput",
    "TaskRunner",
    "open_executor",
    "result_path",
    "run_batch",
    "run_task",
    "seeds",
]

RESULT_COLUMNS = [
    "scenario",
    "replication",
    "seed",
    "building",
    "resource",
    "kind",
    "metric",
    "value",
]


@dataclass(frozen=True)
class Task:
    """One simulation: a scenario's run settings and a replication.

    Attributes
    ----------
    spec
        The scenario's run settings.
    replication
        1-based replication number (fixes the seed).
    seed
        The simulation seed.
    keep_raw
        Also keep the full simulation results (resource x minute table, flows...), written
        beside the metrics as ``rep-0001.raw/`` (for the comparison report).
    """

    spec: RunSpec
    replication: int
    seed: int
    keep_raw: bool = False

    @property
    def key(self) -> tuple[str, int]:
        """``(scenario, replication)``."""
        return (self.spec.scenario, self.replication)


@dataclass(frozen=True)
class TaskOutput:
    """What a worker sends back.

    Attributes
    ----------
    metrics
        The tidy metrics table (``None`` when the task failed).
    raw
        The full simulation result, when the task asked for it.
    error
        Why the task failed (a traceback, or the input problems), else ``None``.
    problems
        The input problems, when the task failed on bad input.
    events
        Simulation events the run processed (for throughput figures).
    """

    metrics: pd.DataFrame | None
    raw: Any = None
    error: str | None = None
    problems: tuple[Problem, ...] = ()
    events: int = 0


TaskRunner = Callable[[Task], TaskOutput]


def seeds(seed: int, replications: int) -> list[int]:
    """Seeds of replications 1..R: ``seed, seed + 1, ...``; the same for every scenario."""
    return [seed + i for i in range(replications)]


def run_task(task: Task) -> TaskOutput:
    """Simulate one replication of one scenario and measure it.

    A module-level function, so process pools and dask workers can import it.

    Returns
    -------
    TaskOutput
        The tidy metrics table (columns ``scenario, replication, seed, building, resource,
        kind, metric, value``) and, if the task asks, the simulation result itself.
    """
    from netplan.scenarios.metrics import result_metrics, simulate

    # Errors travel back as text: exceptions do not always survive pickling between
    # processes (and a dask cluster) intact.
    try:
        result = simulate(task.spec, seed=task.seed)
        metrics = result_metrics(result, task.spec, replication=task.replication, seed=task.seed)
    except InputError as exc:
        return TaskOutput(None, error=str(exc), problems=tuple(exc.problems))
    except Exception:
        return TaskOutput(None, error=traceback.format_exc())
    events = int(result.summary.get("run", {}).get("events", 0) or 0)
    return TaskOutput(metrics, result if task.keep_raw else None, events=events)


def result_path(out_dir: Path, task: Task) -> Path:
    """Where a task's result file lives."""
    return (
        out_dir
        / "runs"
        / task.spec.scenario
        / task.spec.fingerprint
        / f"rep-{task.replication:04d}.parquet"
    )


def _error_path(out_dir: Path, task: Task) -> Path:
    return result_path(out_dir, task).with_suffix(".error.txt")


def raw_path(out_dir: Path, task: Task) -> Path:
    """Where a task's full simulation results are kept (tasks with ``keep_raw``)."""
    return result_path(out_dir, task).with_suffix(".raw")


def _is_done(out_dir: Path, task: Task) -> bool:
    if not result_path(out_dir, task).is_file():
        return False
    return not task.keep_raw or (raw_path(out_dir, task) / "summary.json").is_file()


def _to_parquet(df: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    return buf.getvalue()


@dataclass(frozen=True)
class BatchState:
    """Where a batch stands.

    Attributes
    ----------
    total, done, running, failed, skipped
        Runs (scenario x replication): all, finished (including ``skipped``, those an
        earlier start had finished), in flight, failed.
    scenarios, scenarios_done, scenarios_failed
        Scenarios: all, with every replication finished, with a failed replication.
    """

    total: int
    done: int
    running: int
    failed: int
    skipped: int
    scenarios: int
    scenarios_done: int
    scenarios_failed: int


class BatchProgress(Protocol):
    """Receives the state of a batch as it changes."""

    def __call__(self, state: BatchState) -> None:
        """Called at the start and after every change."""


@dataclass
class BatchReport:
    """What a batch did.

    Attributes
    ----------
    tasks
        Every task of the batch, in order.
    ran
        Keys of the tasks this call ran to completion.
    skipped
        Keys whose results an earlier start had already written.
    failed
        Key -> error text for the tasks that raised.
    problems
        Key -> input problems, for the failed tasks whose input was bad.
    not_run
        Keys never started (the executor broke, or the batch was stopped).
    wall_s
        Wall time of this call.
    events
        Simulation events of the runs this call ran.
    """

    tasks: list[Task]
    ran: list[tuple[str, int]] = field(default_factory=list)
    skipped: list[tuple[str, int]] = field(default_factory=list)
    failed: dict[tuple[str, int], str] = field(default_factory=dict)
    problems: dict[tuple[str, int], tuple[Problem, ...]] = field(default_factory=dict)
    not_run: list[tuple[str, int]] = field(default_factory=list)
    wall_s: float = 0.0
    events: int = 0

    @property
    def complete(self) -> bool:
        """Every task has a result."""
        return not self.failed and not self.not_run


def _clean_stale_temps(out_dir: Path) -> None:
    """Remove temporary files an interrupted atomic write left behind."""
    runs = out_dir / "runs"
    if runs.is_dir():
        for tmp in runs.rglob(".rep-*"):
            if tmp.is_dir():
                shutil.rmtree(tmp, ignore_errors=True)
            else:
                tmp.unlink(missing_ok=True)


#: Simulated span assumed for a run without a window (a school day), seconds.
_DAY_S = 8 * 3600.0


def _cost(task: Task) -> float:
    """A rough size of a task: people simulated x seconds simulated x demand multiplier."""
    spec = task.spec
    bids = spec.buildings or tuple(spec.survey.buildings)
    people = sum(
        spec.survey.buildings[b].building.enrollment + spec.survey.buildings[b].building.staff
        for b in bids
        if b in spec.survey.buildings
    )
    span = (
        spec.end_s - spec.start_s if spec.start_s is not None and spec.end_s is not None else _DAY_S
    )
    return float(people) * span * spec.demand_scale


def make_tasks(
    specs: Sequence[RunSpec], replications: int, seed: int, *, keep_raw: bool = False
) -> list[Task]:
    """Every (scenario, replication) task, scenario by scenario, on shared seeds.

    Parameters
    ----------
    specs
        The scenarios' run settings.
    replications
        Replications per scenario.
    seed
        Seed of replication 1; replication ``r`` uses ``seed + r - 1`` in every scenario.
    keep_raw
        Keep the full results of replication 1 of each scenario.
    """
    return [
        Task(spec, r, s, keep_raw=keep_raw and r == 1)
        for spec in specs
        for r, s in enumerate(seeds(seed, replications), start=1)
    ]


def run_batch(
    tasks: Sequence[Task],
    out_dir: str | Path,
    *,
    executor: Executor | None = None,
    slots: int = 1,
    runner: TaskRunner = run_task,
    progress: BatchProgress | None = None,
) -> BatchReport:
    """Run tasks, skipping those already done, writing one result file per task.

    Parameters
    ----------
    tasks
        The tasks (see :func:`make_tasks`).
    out_dir
        Output directory; results go under ``out_dir/runs``.
    executor
        Where to run: a ``ProcessPoolExecutor``, a dask ``ClientExecutor``, or ``None`` to run
        in this process one after another.
    slots
        Tasks kept in flight at once (the executor's worker count). Tasks are handed out as
        slots free up, so "running" in the progress is what the workers hold.
    runner
        The function run for each task (module level, so it pickles).
    progress
        Called with the counts whenever they change.

    Returns
    -------
    BatchReport
        What ran, what was skipped, what failed.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with _exclusive(out):
        return _run_batch(tasks, out, executor, slots, runner, progress)


@contextmanager
def _exclusive(out: Path) -> Iterator[None]:
    """Hold an advisory lock on ``out`` so two batches never write the same folder.

    The lock dies with the process, so a killed batch never leaves the folder locked.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no lock
        yield
        return
    with open(out / ".lock", "a+b") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UsageError.at(
                out, "-", "another batch is writing to this folder; wait for it or use --out"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _run_batch(
    tasks: Sequence[Task],
    out: Path,
    executor: Executor | None,
    slots: int,
    runner: TaskRunner,
    progress: BatchProgress | None,
) -> BatchReport:
    _clean_stale_temps(out)
    t0 = time.perf_counter()
    report = BatchReport(list(tasks))
    todo: list[Task] = []
    for task in tasks:
        if _is_done(out, task):
            report.skipped.append(task.key)
        else:
            todo.append(task)

    per_scenario: dict[str, int] = {}
    for task in report.tasks:
        per_scenario[task.spec.scenario] = per_scenario.get(task.spec.scenario, 0) + 1

    def tell(running: int) -> None:
        if progress is None:
            return
        finished: dict[str, int] = {}
        for name, _ in (*report.ran, *report.skipped):
            finished[name] = finished.get(name, 0) + 1
        failed = {name for name, _ in report.failed}
        progress(
            BatchState(
                total=len(report.tasks),
                done=len(report.ran) + len(report.skipped),
                running=running,
                failed=len(report.failed),
                skipped=len(report.skipped),
                scenarios=len(per_scenario),
                scenarios_done=sum(1 for n, k in per_scenario.items() if finished.get(n, 0) == k),
                scenarios_failed=len(failed),
            )
        )

    def finish(task: Task, result: TaskOutput | None, error: str | None) -> None:
        if result is not None and result.error is not None:
            error = result.error
            if result.problems:
                report.problems[task.key] = result.problems
        if error is None and result is not None and result.metrics is not None:
            if task.keep_raw and result.raw is not None:
                from netplan.sim.results import write_results

                # All or nothing (staged beside the folder, then moved in).
                write_results(result.raw, raw_path(out, task), hooks=False)
            atomic_write_bytes(result_path(out, task), _to_parquet(result.metrics))
            _error_path(out, task).unlink(missing_ok=True)
            report.ran.append(task.key)
            report.events += result.events
        else:
            text = error or "no result"
            atomic_write_text(_error_path(out, task), text)
            report.failed[task.key] = text

    tell(0)
    if executor is None:
        for task in todo:
            tell(1)
            try:
                result = runner(task)
            except Exception:  # a failing scenario must not stop the others
                finish(task, None, traceback.format_exc())
            else:
                finish(task, result, None)
        tell(0)
        report.wall_s = time.perf_counter() - t0
        return report

    # Longest first (by a size estimate), so the last tasks to finish are short ones and
    # workers do not idle at the end; results do not depend on the order.
    queue = sorted(todo, key=_cost)
    in_flight: dict[Future[TaskOutput], Task] = {}
    broken = False
    try:
        while queue or in_flight:
            while queue and len(in_flight) < max(1, slots) and not broken:
                task = queue.pop()
                try:
                    in_flight[executor.submit(runner, task)] = task
                except (BrokenProcessPool, RuntimeError) as exc:
                    broken = True
                    report.failed[task.key] = f"could not start: {exc}"
            if not in_flight:
                break
            tell(len(in_flight))
            finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for fut in finished:
                task = in_flight.pop(fut)
                error = fut.exception()
                if error is None:
                    finish(task, fut.result(), None)
                else:
                    if isinstance(error, BrokenProcessPool):
                        broken = True
                    text = "".join(traceback.format_exception(error))
                    finish(task, None, text)
    finally:
        for fut in in_flight:
            fut.cancel()
    left = {t.key for t in queue}
    report.not_run = [t.key for t in todo if t.key in left]
    tell(0)
    report.wall_s = time.perf_counter() - t0
    return report


def read_results(out_dir: str | Path, tasks: Sequence[Task]) -> pd.DataFrame:
    """Read the result files of the tasks that have one into one tidy table.

    Returns
    -------
    DataFrame
        Columns ``scenario, replication, seed, building, resource, kind, metric, value``,
        in task order.
    """
    out = Path(out_dir)
    frames = [pd.read_parquet(p) for t in tasks if (p := result_path(out, t)).is_file()]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in RESULT_COLUMNS})
    return pd.concat(frames, ignore_index=True)[RESULT_COLUMNS]


@contextmanager
def open_executor(
    workers: int = 1, scheduler: str | None = None
) -> Iterator[tuple[Executor | None, int]]:
    """Open the executor a batch runs on.

    Parameters
    ----------
    workers
        Local worker processes. 1 runs in this process (no executor).
    scheduler
        Address of a dask.distributed scheduler (``tcp://host:8786``); then ``workers`` is
        ignored and every thread of the cluster is a slot. Needs the ``dask`` extra.

    Yields
    ------
    tuple
        The executor (``None`` for in-process) and how many tasks to keep in flight.
    """
    if scheduler:
        try:
            from dask.distributed import Client
        except ImportError:  # pragma: no cover - dask is installed with the test extra
            from netplan.errors import UsageError

            raise UsageError.at(
                "--scheduler", "-", "dask.distributed is not installed: pip install netplan[dask]"
            ) from None
        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            slots = max(1, sum(client.nthreads().values()))
            yield client.get_executor(), slots
        return
    if workers <= 1:
        yield None, 1
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        yield pool, workers
