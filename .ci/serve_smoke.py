"""CI: start the production server once against PostgreSQL — gunicorn with several workers, DEBUG
off, static files by WhiteNoise — and check /healthz answers 200 and one BSS intake answers 201.

Usage: .venv/bin/python .ci/serve_smoke.py postgres://postgres@127.0.0.1:5432/postgres"""

import datetime as dt
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE = "fiberops_ci_serve"

REFERENCE_DATA = """
from fiberops.network.models import SplitterBox, SplitterPort
from fiberops.workforce.models import Branch, Grid
branch = Branch.objects.create(code="CI", name="持续集成区", area_type="urban")
grid = Grid.objects.create(code="CI-01", name="持续集成网格", branch=branch)
box = SplitterBox.objects.create(code="CI01-FX-001", grid=grid, port_count=8)
SplitterPort.objects.bulk_create([SplitterPort(box=box, number=n) for n in range(1, 9)])
"""


def expect(condition: bool, detail) -> None:
    if not condition:
        sys.exit(f"production server smoke test failed: {detail}")


def recreate_database(admin_url: str) -> str:
    with psycopg.connect(admin_url.replace("postgres://", "postgresql://"), autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        db.execute(f"CREATE DATABASE {DATABASE}")
    return admin_url.rsplit("/", 1)[0] + "/" + DATABASE


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our interpreter, fixed arguments
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def request(url: str, *, token: str | None = None, body: dict | None = None):
    headers = {"Host": "127.0.0.1", "Accept": "application/json"}
    data = None
    if token:
        headers["Authorization"] = f"Token {token}"
    if body is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(body).encode()
    try:
        call = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 - local http
        with urllib.request.urlopen(call, timeout=10) as answer:  # noqa: S310 - local http
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def main(admin_url: str) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": recreate_database(admin_url),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": tempfile.mkdtemp(prefix="fiberops-static-"),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "3",
    }
    env.pop("DEBUG", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    manage(env, "shell", "-c", REFERENCE_DATA)
    token = manage(env, "create_api_token", "ci_bss", "--create-integration").strip()
    log = tempfile.NamedTemporaryFile("w+", prefix="fiberops-gunicorn-", suffix=".log")  # noqa: SIM115
    server = subprocess.Popen(  # noqa: S603 - the venv's gunicorn, fixed arguments
        [str(Path(PYTHON).parent / "gunicorn"), "--config", "gunicorn.conf.py", "fiberops.wsgi"],
        cwd=ROOT,
        env=env,
        stderr=log,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, text = request(f"{base}/healthz")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"gunicorn did not start:\n{Path(log.name).read_text()}")
                time.sleep(0.3)
        print(f"GET /healthz -> {status} {text}")
        expect(status == 200, text)
        css_status, _ = request(f"{base}/static/fiberops/fiberops.css")
        print(f"GET /static/fiberops/fiberops.css -> {css_status}")
        expect(css_status == 200, "static file not served")
        accepted = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).replace(microsecond=0)
        order = {
            "bss_order_no": "BSSCI0000001",
            "order_type": "install",
            "accepted_at": accepted.isoformat(),
            "grid": "CI-01",
            "customer": {
                "name": "张三",
                "phone": "13812345678",
                "address": "成都市武侯区佳灵路3号",
            },
            "plan_mbps": 1000,
            "resource": {"splitter_box": "CI01-FX-001", "port": 1},
        }
        status, text = request(f"{base}/api/v1/work-orders/", token=token, body=order)
        print(f"POST /api/v1/work-orders/ -> {status}")
        expect(status == 201, text)
        created = json.loads(text)
        expect(created["bss_order_no"] == "BSSCI0000001" and "138****5678" in text, text)
        status, text = request(f"{base}/api/v1/work-orders/", token="0" * 40)
        expect(status == 401, text)  # a wrong token still answers in the JSON envelope
        expect(json.loads(text)["error"]["code"] == "authentication_failed", text)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            sys.exit("gunicorn did not stop within 30 s of SIGTERM")
    lines = Path(log.name).read_text().splitlines()
    records = [json.loads(line) for line in lines if line.strip()]  # every log line is JSON
    served = [r for r in records if r.get("logger") == "gunicorn.access"]
    expect(len(served) >= 4, lines)
    print(f"{len(records)} log lines, each one JSON object; production server smoke test passed")


if __name__ == "__main__":
    main(sys.argv[1])
