"""A real SNMP agent for the switch tests (R-INS-3): snmpsim serving the recorded switches of
`inspections/snmpdata/` on a free local UDP port, started here and stopped after."""

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from fiberops.inspections import snmp

DATA = Path(__file__).resolve().parent.parent / "snmpdata"


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_agent(data_dir: Path, cache_dir: Path, port: int) -> subprocess.Popen:
    cache_dir.mkdir(mode=0o777, exist_ok=True)
    cache_dir.chmod(0o777)  # the agent drops to nobody when started as root
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module, fixed arguments
        [
            sys.executable,
            "-m",
            "fiberops.inspections.snmp_agent",
            f"--data-dir={data_dir}",
            f"--cache-dir={cache_dir}",
            f"--agent-udpv4-endpoint=127.0.0.1:{port}",
            "--logging-method=null",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_until_answering(process: subprocess.Popen, port: int, community: str, seconds=30.0):
    target = snmp.Target(key=0, host="127.0.0.1", port=port, community=community, if_index=1)
    quick = snmp.PollSettings(interval_s=0.01, timeout_s=0.3, retries=0)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"snmpsim stopped: {process.stderr.read().decode()[-2000:]}")
        if snmp.poll_targets([target], quick)[0].answered:
            return
        time.sleep(0.2)
    raise RuntimeError("snmpsim did not answer within 30 s")


@pytest.fixture(scope="session")
def snmp_agent():
    """(host, port) of a live snmpsim agent serving `switch-normal`, `switch-hot` and
    `switch-vendor` (the file names are the communities)."""
    # Not pytest's tmp_path: its directories are private to root, and the agent drops to nobody.
    root = Path(tempfile.mkdtemp(prefix="fiberops-snmpsim-"))
    root.chmod(0o755)
    data_dir = root / "data"
    shutil.copytree(DATA, data_dir)
    port = free_udp_port()
    process = start_agent(data_dir, root / "cache", port)
    try:
        wait_until_answering(process, port, "switch-normal")
        yield "127.0.0.1", port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def switch_clock(monkeypatch):
    """The clock two hours after the switch tests' `AT` (switch_helpers.NOW)."""
    from fiberops.inspections.tests.switch_helpers import NOW, freeze_clock

    freeze_clock(monkeypatch)
    return NOW
