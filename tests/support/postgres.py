"""A throwaway PostgreSQL server on loopback for the test session.

Uses the Debian packages' binaries (``initdb``/``postgres`` on PATH or under /usr/lib/postgresql).
PostgreSQL refuses to run as root, so when the tests run as root (as CI does) the server runs as the
``postgres`` system user the package creates.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def find_binaries() -> Path | None:
    on_path = shutil.which("initdb")
    if on_path:
        return Path(os.path.realpath(on_path)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class TemporaryPostgres:
    directory: Path
    port: int
    bin_dir: Path
    run_as: list[str]

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.run_as, *args], check=True, capture_output=True, text=True, timeout=120)

    def start(self) -> None:
        data = self.directory / "data"
        self._run(str(self.bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8")
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            str(self.bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(self.directory / "log"),
            "-w",
            "start",
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return
            time.sleep(0.1)
        raise RuntimeError(f"PostgreSQL did not start; see {self.directory / 'log'}")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.directory / "data"), "-m", "immediate", "stop")
        shutil.rmtree(self.directory, ignore_errors=True)


def start_temporary_postgres() -> TemporaryPostgres:
    """Start a server, or raise ``RuntimeError`` saying what is missing."""
    bin_dir = find_binaries()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed (no initdb found); install the Debian package postgresql")
    directory = Path(tempfile.mkdtemp(prefix="practice-bot-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            raise RuntimeError("running as root, but there is no postgres system user to run the server as") from None
        os.chown(directory, account.pw_uid, account.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    server = TemporaryPostgres(directory, _free_port(), bin_dir, run_as)
    server.start()
    return server
