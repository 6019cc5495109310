"""A team's stack for the harnesses: several app replicas sharing one PostgreSQL database and one Chroma server,
behind nginx running `deploy/nginx.conf` as shipped (only its ports and its listen address changed).

It looks like one `AppProcess` to a harness: `url` is nginx's, `reader` reads the shared database, `kill()` kills
the replica that served the latest request (read from nginx's upstream log: with sticky sessions from one address,
that is the one serving the candidates), and `start()` brings the killed replica back.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from interviewer.reliability.app_process import AppError, AppProcess
from interviewer.reliability.sessions import Reader
from interviewer.settings import REPO_ROOT, Settings
from interviewer.testing.net import free_port, stop_process, wait_for_http

NGINX_SITE = REPO_ROOT / "deploy" / "nginx.conf"
SHIPPED_PORTS = ("127.0.0.1:7861", "127.0.0.1:7862")
SHIPPED_LISTEN = "listen 8080;"
READY_TIMEOUT_S = 60.0


def nginx_binary() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def nginx_site(ports: list[int], listen: int) -> str:
    """deploy/nginx.conf with one `server` line per replica port, listening on loopback at `listen`."""
    lines = NGINX_SITE.read_text(encoding="utf-8").splitlines()
    at = [i for i, line in enumerate(lines) if any(p in line for p in SHIPPED_PORTS)]
    if len(at) != len(SHIPPED_PORTS) or not any(SHIPPED_LISTEN in line for line in lines):
        raise AppError(f"{NGINX_SITE} no longer has the ports {SHIPPED_PORTS} and `{SHIPPED_LISTEN}` it is run with")
    servers = [lines[at[0]].replace(SHIPPED_PORTS[0], f"127.0.0.1:{p}") for p in ports]
    lines = lines[: at[0]] + servers + [line for i, line in enumerate(lines) if i > at[0] and i not in at]
    return "\n".join(lines).replace(SHIPPED_LISTEN, f"listen 127.0.0.1:{listen};") + "\n"


class Nginx:
    """nginx in the foreground with a prefix of its own (a temporary folder): no root, no system config touched.
    Each request's upstream goes to `upstream.log`."""

    def __init__(self, ports: list[int]):
        binary = nginx_binary()
        if binary is None:
            raise AppError("nginx is not installed (Debian: apt-get install -y nginx)")
        self.binary = binary
        self.prefix = Path(tempfile.mkdtemp(prefix="interviewer-nginx-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.upstream_log = self.prefix / "upstream.log"
        (self.prefix / "site.conf").write_text(nginx_site(ports, self.port), encoding="utf-8")
        temps = "\n".join(f"  {k}_temp_path {self.prefix}/{k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                            "scgi"))  # fmt: skip
        (self.prefix / "nginx.conf").write_text(
            ("user root root;\n" if os.geteuid() == 0 else "")
            + f"pid {self.prefix}/nginx.pid;\nerror_log {self.prefix}/error.log;\nworker_processes 1;\n"
            + "events { worker_connections 4096; }\n"
            + "http {\n  log_format upstream '$upstream_addr';\n"
            + f"  access_log {self.upstream_log} upstream;\n{temps}\n  include {self.prefix}/site.conf;\n}}\n",
            encoding="utf-8",
        )
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.binary, "-p", str(self.prefix), "-c", str(self.prefix / "nginx.conf"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=(self.prefix / "stderr.log").open("wb"),
        )  # fmt: skip
        if not wait_for_http(self.url, lambda: self.proc is not None and self.proc.poll() is None, READY_TIMEOUT_S):
            raise AppError(f"nginx did not serve; see {self.prefix / 'error.log'}")

    def last_upstream_port(self) -> int | None:
        """The replica port of the latest proxied request (the last address tried, when several were)."""
        with contextlib.suppress(FileNotFoundError):
            for line in reversed(self.upstream_log.read_text(encoding="utf-8").splitlines()):
                addr = line.split(",")[-1].strip().split(" : ")[-1]
                if addr.startswith("127.0.0.1:"):
                    return int(addr.rsplit(":", 1)[1])
        return None

    def stop(self) -> None:
        stop_process(self.proc)
        self.proc = None
        shutil.rmtree(self.prefix, ignore_errors=True)


class Stack:
    """`replicas` app processes on fixed ports behind nginx; they share the settings' database and Chroma server."""

    def __init__(self, settings: Settings, data_dir: Path, replicas: int):
        if settings.database_url is None or not settings.chroma_url:
            raise AppError(
                "several replicas need INTERVIEWER_DATABASE_URL (PostgreSQL) and INTERVIEWER_CHROMA_URL (a Chroma "
                "server): a local index folder and a SQLite file are not shared safely between processes"
            )
        if replicas < 1:
            raise AppError(f"--replicas must be at least 1, got {replicas}")
        ports = [free_port() for _ in range(replicas)]
        self.apps = [AppProcess(settings, data_dir, port=p, name=f"replica-{p}") for p in ports]
        self.nginx = Nginx(ports)
        self.url = self.nginx.url
        self.data_dir = data_dir
        self.killed: AppProcess | None = None
        self.kills: dict[int, int] = dict.fromkeys(ports, 0)

    @property
    def reader(self) -> Reader:
        return self.apps[0].reader

    def start(self) -> float:
        """The first call starts every replica (the first alone: it migrates and indexes once) and nginx; later calls
        bring back the replica `kill` took down. Returns the seconds until it serves."""
        began = time.perf_counter()
        if self.killed is not None:
            self.killed.start()
            self.killed = None
            return time.perf_counter() - began
        self.apps[0].start()  # the first migrates the database and builds the index; the rest find them ready
        with ThreadPoolExecutor(max_workers=len(self.apps)) as pool:
            list(pool.map(lambda app: app.start(), self.apps[1:]))
        self.nginx.start()
        return time.perf_counter() - began

    def cpu_seconds(self) -> float:
        return sum(app.cpu_seconds() for app in self.apps)

    def serving(self) -> AppProcess:
        port = self.nginx.last_upstream_port()
        return next((a for a in self.apps if a.port == port and a.proc is not None), self.apps[0])

    def kill(self) -> None:
        """SIGKILL the replica serving the candidates now; the others stay up."""
        app = self.serving()
        app.kill()
        self.killed = app
        assert app.port is not None
        self.kills[app.port] += 1

    def stop(self) -> None:
        self.nginx.stop()
        for app in self.apps:
            app.stop()


def target(settings: Settings, data_dir: Path, replicas: int) -> AppProcess | Stack:
    """What a harness runs against: one app process (`replicas` 0), or that many replicas behind nginx."""
    return Stack(settings, data_dir, replicas) if replicas else AppProcess(settings, data_dir)


def describe(settings: Settings, replicas: int) -> str:
    sessions = "PostgreSQL" if settings.database_url is not None else "SQLite"
    index = "a Chroma server" if settings.chroma_url else "a local Chroma folder"
    serving = f"{replicas} replicas behind nginx" if replicas else "one app process"
    return f"{serving}; sessions in {sessions}, the index in {index}"
