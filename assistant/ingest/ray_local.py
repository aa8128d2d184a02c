"""A throwaway Ray cluster on this machine: a head and N-1 nodes joining it, one CPU each,
each `ray start --block` in its own process group, so closing ends exactly the processes
it started (never `ray stop`, which ends every Ray process on the machine). The tests and
bench/ray_ingest.py use it; a real cluster is started by its operators (docs/deploy.md).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ports(*names: str) -> list[str]:
    args: list[str] = []
    for name in names:
        args += [f"--{name}", str(free_port())]
    return args


class LocalRayCluster:
    """`with LocalRayCluster(2, logs) as address:` -> "127.0.0.1:PORT" once all nodes are up."""

    def __init__(self, nodes: int, logs: Path, cpus: int = 1, pythonpath: str = "") -> None:
        self.count, self.logs, self.cpus = nodes, logs, cpus
        self.pythonpath = pythonpath
        self.processes: list[subprocess.Popen[bytes]] = []
        # Short: Ray's unix sockets live under the temp dir (about 100 characters at most).
        self.temp = Path(tempfile.mkdtemp(prefix="ray-", dir="/tmp"))
        self.address = ""

    def _start(self, name: str, args: list[str], worker_ports: int) -> None:
        ray = shutil.which("ray") or str(Path(sys.executable).parent / "ray")
        env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
        if self.pythonpath:
            env["PYTHONPATH"] = self.pythonpath
        ports = _ports(
            "dashboard-agent-listen-port", "metrics-export-port", "runtime-env-agent-port"
        )
        first = 31000 + 200 * worker_ports
        workers = ["--min-worker-port", str(first), "--max-worker-port", str(first + 199)]
        log = (self.logs / f"{name}.log").open("wb")
        self.processes.append(
            subprocess.Popen(
                [ray, "start", "--block", "--num-cpus", str(self.cpus), *args, *ports, *workers],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )

    def __enter__(self) -> str:
        self.logs.mkdir(parents=True, exist_ok=True)
        port = free_port()
        head = [
            "--head",
            "--port",
            str(port),
            "--temp-dir",
            str(self.temp),
            "--disable-usage-stats",
        ]
        self._start(
            "head", [*head, "--include-dashboard=false", *_ports("ray-client-server-port")], 0
        )
        self.address = f"127.0.0.1:{port}"
        try:
            time.sleep(3)
            for i in range(1, self.count):
                self._start(f"node{i + 1}", ["--address", self.address], i)
            self._wait()
        except BaseException:
            self.close()
            raise
        return self.address

    def _wait(self, limit_s: float = 240.0) -> None:
        import ray

        ray.init(address=self.address, log_to_driver=False, logging_level=logging.WARNING)
        try:
            deadline = time.monotonic() + limit_s
            while sum(1 for n in ray.nodes() if n["Alive"]) < self.count:
                if time.monotonic() > deadline:
                    tails = "\n".join(p.read_text()[-2000:] for p in self.logs.glob("*.log"))
                    raise RuntimeError(f"the Ray nodes did not come up:\n{tails}")
                time.sleep(1)
        finally:
            ray.shutdown()

    def close(self) -> None:
        stop_process_groups(list(reversed(self.processes)), wait_s=60)
        self.processes = []
        shutil.rmtree(self.temp, ignore_errors=True)

    def __exit__(self, *exc: object) -> None:
        self.close()


def stop_process_groups(processes: list[subprocess.Popen[Any]], wait_s: float) -> None:
    """Stop processes started in their own process groups (and whatever they started),
    by their ids only: politely first, then for good after `wait_s`."""
    for process in processes:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=wait_s)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
