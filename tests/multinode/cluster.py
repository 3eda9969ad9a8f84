"""The services the guide expects, started on this machine, and stopped after.

PostgreSQL runs already (the machine's, on 127.0.0.1:5432); the rest is
started here: Redis and moto's S3 server on free ports, an SMTP server in
this process, and then, by the guide, Broadsheet's units, Varnish and nginx.
"""

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import requests

POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


@dataclass
class Process:
    name: str
    command: list[str]
    env: dict
    log: Path
    popen: subprocess.Popen | None = None

    def start(self) -> "Process":
        self.log.parent.mkdir(parents=True, exist_ok=True)
        output = self.log.open("a")
        self.popen = subprocess.Popen(
            self.command,
            env=self.env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its children die with it
        )
        output.close()
        return self

    def kill(self) -> float:
        """SIGKILL the whole process group, as a machine losing power; when."""
        os.killpg(self.popen.pid, signal.SIGKILL)
        killed_at = time.time()
        self.popen.wait(timeout=20)
        return killed_at

    def stop(self) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def log_lines(self) -> list[dict]:
        """The JSON log lines this process wrote (other output is skipped)."""
        lines = []
        for line in self.log.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    lines.append(json.loads(line))
                except json.JSONDecodeError:
                    continue
        return lines


def wait_until(check, timeout: float, message: str, pause: float = 0.05):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(pause)


def answers(url: str, status: int = 200) -> bool:
    try:
        response = requests.get(url, timeout=2, allow_redirects=False)
        return response.status_code == status
    except requests.RequestException:
        return False


def create_database(name: str) -> None:
    with psycopg.connect(POSTGRES, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    with psycopg.connect(POSTGRES, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgresql_cluster() -> tuple[str, str]:
    """The machine's cluster (version, name), for stopping and starting it."""
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    return version, "main"


def postgresql(action: str) -> None:
    version, name = postgresql_cluster()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, action]
        + (["-m", "fast"] if action == "stop" else []),
        check=True,
        capture_output=True,
        timeout=120,
    )


def redis_server(port: int, folder: Path) -> Process:
    return Process(
        "redis",
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        dict(os.environ),
        folder / "redis.log",
    )


def s3_server(port: int, folder: Path) -> Process:
    moto = Path(sys.executable).with_name("moto_server")
    return Process(
        "s3",
        [str(moto), "-H", "127.0.0.1", "-p", str(port)],
        dict(os.environ),
        folder / "s3.log",
    )


def create_bucket(port: int, bucket: str) -> None:
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{port}",
        aws_access_key_id="multinode",
        aws_secret_access_key="multinode-secret",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=bucket)


def self_signed_certificate(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(folder / "privkey.pem"),
            "-out",
            str(folder / "fullchain.pem"),
            "-days",
            "2",
            "-subj",
            "/CN=news.example.org",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )


def nginx_main_config(root: Path, site: Path) -> Path:
    """The distribution's nginx.conf around the guide's site, in ``root``."""
    temp = root / "nginx-temp"
    temp.mkdir(parents=True, exist_ok=True)
    config = root / "nginx.conf"
    config.write_text(
        f"pid {root}/nginx.pid;\n"
        f"error_log {root}/nginx-error.log;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        "  access_log off;\n"
        f"  client_body_temp_path {temp}/body;\n"
        f"  proxy_temp_path {temp}/proxy;\n"
        f"  fastcgi_temp_path {temp}/fastcgi;\n"
        f"  uwsgi_temp_path {temp}/uwsgi;\n"
        f"  scgi_temp_path {temp}/scgi;\n"
        f"  include {site};\n"
        "}\n"
    )
    return config
