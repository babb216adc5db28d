"""A live Jupyter kernel the tests drive cell by cell, as a learner's JupyterLab does."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from jupyter_client.manager import KernelManager


@dataclass
class CellRun:
    stdout: str = ""
    stderr: str = ""
    error: tuple[str, str] | None = None  # (ename, evalue)
    outputs: list[dict] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.stdout + (f"\n{self.error[0]}: {self.error[1]}" if self.error else "")


class LiveKernel:
    def __init__(self, cwd: str, env: dict[str, str] | None = None):
        full_env = dict(os.environ)
        full_env.pop("REDIS_URL", None)
        full_env.update(env or {})
        # IPC sockets, not TCP ports: jupyter_client picks a free port and releases it before the kernel binds it,
        # so with many kernels starting at once another process can take it ("Address already in use").
        self._sockets = tempfile.mkdtemp(prefix="kata-kernel-")
        self.manager = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(self._sockets) / "k"))
        self.manager.start_kernel(cwd=cwd, env=full_env, extra_arguments=["--IPKernelApp.log_level=ERROR"])
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)

    def run(self, code: str, timeout: float = 60, store_history: bool = True) -> CellRun:
        """Run one cell. ``store_history=False``: the test's own scaffolding, kept out of the input history that the
        tamper scan reads as the learner's cells."""
        result = CellRun()

        def hook(msg: dict) -> None:
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                if content["name"] == "stdout":
                    result.stdout += content["text"]
                else:
                    result.stderr += content["text"]
            elif kind == "error":
                result.error = (content["ename"], content["evalue"])
            if kind in ("stream", "error", "execute_result", "display_data"):
                result.outputs.append(content)

        self.client.execute_interactive(code, output_hook=hook, timeout=timeout, store_history=store_history)
        return result

    def run_notebook(self, nb) -> None:
        """Run every code cell of a notebook in order; a cell that fails stops it with that cell's error."""
        for cell in nb.cells:
            if cell.cell_type == "code":
                run = self.run(cell.source)
                assert run.error is None, f"cell {cell.get('id')} failed: {run.text}"

    def close(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)
        shutil.rmtree(self._sockets, ignore_errors=True)
