"""One grading worker process: its setup (environment, sandbox kernelspec, safety nets) and one notebook's grading.

``grading`` runs a pool of these; each grades one submission at a time with nbgrader's real autograde.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing.util
import os
import re
import shutil
import signal
import tempfile
import threading
from pathlib import Path

import nbformat

from .. import layout
from ..harness.call_audit import CLUSTER_READY_ENV
from ..labkit import GRADING_ENV
from . import inert, nbgrader, output_caps, sandbox, scrub

DEAD_KERNEL = (
    "its kernel died before the notebook finished: it ran out of its time budget or memory, or stopped itself; "
    "run it top to bottom in a fresh kernel (Kernel → Restart and Run All) to see where"
)
HUNG_MARGIN = 120  # seconds past a notebook's budget after which the worker itself is presumed hung
PR_SET_PDEATHSIG = 1

_ipc_dir: Path | None = None  # a sandboxing worker's folder for its kernels' connection files and IPC sockets
_deadline_seconds: int | None = None


def setup_worker(full_demos: bool, budget: int | None, cluster_ready: bool = False) -> None:
    """Each grading worker: quiet logs, kernels told they are graded (ungraded demos run reduced), and sandboxed
    with ``budget`` seconds per notebook (None: unsandboxed); ``cluster_ready``: every call is also held to Redis
    Cluster's rules (``checks.cluster_ready``)."""
    import logging
    import warnings

    global _ipc_dir, _deadline_seconds
    _die_with_parent()
    os.environ.pop(GRADING_ENV, None)
    if not full_demos:
        os.environ[GRADING_ENV] = "1"  # the kernels nbgrader starts inherit this process's environment
    os.environ.pop("REDIS_URL", None)  # every kernel its own Redis: one learner's FLUSHALL never reaches another
    os.environ.pop(CLUSTER_READY_ENV, None)
    if cluster_ready:
        os.environ[CLUSTER_READY_ENV] = "1"
    if budget is not None:
        # Short: a unix socket's path has at most 107 bytes (a course folder deep in /tmp/pytest-of-... has more).
        private = Path(tempfile.mkdtemp(prefix="kata-grading-"))
        multiprocessing.util.Finalize(
            None, shutil.rmtree, args=(private,), kwargs={"ignore_errors": True}, exitpriority=1
        )
        (private / "ipc").mkdir()
        sandbox.install_kernelspec(private / "jupyter", private / "ipc", budget)
        os.environ["JUPYTER_PATH"] = os.pathsep.join(
            filter(None, [str(private / "jupyter"), os.environ.get("JUPYTER_PATH")])
        )
        # Connection files: jupyter_client writes them with tempfile.mkstemp (whose folder is cached on first use).
        os.environ["JUPYTER_RUNTIME_DIR"] = tempfile.tempdir = str(private / "ipc")
        _ipc_dir = private / "ipc"
        _deadline_seconds = budget + HUNG_MARGIN
    warnings.filterwarnings("ignore")  # nbgrader's SQLAlchemy autoflush warnings: scores are unaffected
    logging.disable(logging.WARNING)


def _die_with_parent() -> None:
    """A killed `grade` leaves no worker grading on (Linux; elsewhere the pool's own shutdown has to do)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def grade_in_worker(root: str, lesson: str, learner: str, cell_timeout: int, feedback: bool = True) -> tuple:
    """Autograde one submission and write its feedback: (learner, lesson, problem or "")."""
    watchdog = _watchdog()
    try:
        nbgrader.autograde(Path(root), lesson, learner, cell_timeout, _ipc_dir)
        prepare_for_feedback(Path(root), lesson, learner)
        if feedback:
            nbgrader.generate_feedback(Path(root), lesson, learner)
        return learner, lesson, ""
    except nbgrader.PipelineError as error:
        if "DeadKernelError" in str(error) or "Kernel died" in str(error):
            return learner, lesson, DEAD_KERNEL
        causes = re.findall(r"^\s*([\w.]+(?:Error|Exception): .+)$", str(error), re.M)
        return learner, lesson, f"nbgrader could not grade it: {causes[0] if causes else 'see its log'}"[:300]
    finally:
        if watchdog:
            watchdog.cancel()
        _close_kernel_contexts()


def prepare_for_feedback(root: Path, lesson: str, student: str) -> tuple[int, int, int]:
    """Before feedback copies a submission's outputs: streams merged and hidden test lines out (``scrub``), sizes capped
    (``output_caps``), learner markup made inert (``inert``), one read and at most one write per notebook.
    (Lines scrubbed, outputs capped, outputs and cells made inert.)"""
    source, release = (layout.notebook_path(folder, lesson, root) for folder in (layout.SOURCE, layout.RELEASE))
    hidden = scrub.hidden_lines(source, release)
    scrubbed = capped = inerted = 0
    for path in (root / "autograded" / student / lesson).glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        merged = scrub.merge_streams(nb)
        lines, outputs = scrub.scrub_notebook(nb, hidden), output_caps.cap_notebook(nb)
        made_inert = inert.make_inert(nb)  # after the caps: bleach never reads more than they keep
        if merged or lines or outputs or made_inert:
            nbformat.write(nb, path)
        scrubbed, capped, inerted = scrubbed + lines, capped + outputs, inerted + made_inert
    return scrubbed, capped, inerted


def _watchdog() -> threading.Timer | None:
    """A worker stuck past any notebook's budget ends itself, so that the pool notices instead of waiting forever."""
    if _deadline_seconds is None:
        return None
    timer = threading.Timer(_deadline_seconds, os._exit, args=(70,))
    timer.daemon = True
    timer.start()
    return timer


def _close_kernel_contexts() -> None:
    """Close this notebook's ZeroMQ sockets and contexts now, without lingering, before the garbage collector can.

    A kernel client can leave its context and sockets in a reference cycle. The collector clears the context's weak
    set of sockets before it finalizes the context, so ``Context.__del__`` closes none of them and ``term()`` waits
    for them forever: the worker hangs at whatever allocation triggers the collection (seen in a suite run). Between
    notebooks no socket of this process is in use, so every one found is closed.
    """
    import zmq

    found = gc.get_objects()
    for obj in found:
        if isinstance(obj, zmq.Socket) and not obj.closed:
            obj.close(linger=0)
    for obj in found:
        if isinstance(obj, zmq.Context) and not obj.closed and not getattr(obj, "_shadow", False):
            obj.destroy(linger=0)
    del found
    gc.collect()
