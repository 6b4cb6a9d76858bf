"""What the benchmarks share: their own PostgreSQL database, the import benchmark's generator, and the portal
served as in production."""

import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import IO
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
BARE_PATH = "/bench/bare/"  # bench/bare_wsgi.py's bare Django view

# Bench-only keys for the sealed identifiers, the same in every process of a run: the loader runs with DEBUG
# on, the server it times with DEBUG off, where nothing is derived from SECRET_KEY.
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "bench:YmVuY2gtb25seS1maWVsZC1lbmNyeXB0aW9uLWtleSE=")
os.environ.setdefault("FIELD_LOOKUP_KEY", "YmVuY2gtb25seS1maWVsZC1sb29rdXAta2V5LTAwMDE=")


def ensure_database(example: str | None = None) -> str:
    """Create the database named in DATABASE_URL if it is missing; return its name. With `example`, refuse a
    database whose name does not contain "bench" (the run fills it with its own data)."""
    import dj_database_url
    import psycopg2  # type: ignore[import-untyped]
    from psycopg2 import sql

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (it is created if missing).")
    config = dj_database_url.parse(url)
    if example and "bench" not in str(config["NAME"]):
        sys.exit(f"DATABASE_URL names {config['NAME']}: use a database of its own, such as {example}.")
    options = {"host": config["HOST"], "port": config["PORT"], "user": config["USER"], "password": config["PASSWORD"]}
    server = psycopg2.connect(dbname="postgres", **{k: v for k, v in options.items() if v})
    server.autocommit = True  # CREATE DATABASE refuses to run in a transaction
    try:
        with server.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
                print(f"Created database {config['NAME']}")
    finally:
        server.close()
    return str(config["NAME"])


def import_benchmark() -> ModuleType:
    """bench/import.py as a module ("import" is a keyword, so it cannot be imported by name)."""
    spec = importlib.util.spec_from_file_location("bench_import", ROOT / "bench" / "import.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_healthy(port: int, server: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            with urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    log.seek(0)
    sys.exit("gunicorn did not become healthy:\n" + log.read().decode(errors="replace")[-3000:])


def _server_env(**settings: str) -> dict[str, str]:
    """Production's settings, less HTTPS (the clients speak plain HTTP on the loopback), plus `settings`."""
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        **settings,
    }


@contextmanager
def gunicorn(workers: int, app: str = "portal.wsgi", **settings: str) -> Iterator[tuple[int, IO[bytes]]]:
    """The portal served as in production (DEBUG off, static files collected, gunicorn with the repository's
    gunicorn.conf.py and `workers` sync workers) on a free port, with `settings` as environment variables;
    yields the port and the server's log. `app` names the WSGI module (bench.bare_wsgi adds a bare view)."""
    env = _server_env(**settings)
    # DEBUG off serves static files through WhiteNoise's manifest: without it, pages raise errors.
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],  # noqa: S603
                   cwd=ROOT, env=env, check=True)  # fmt: skip
    port = free_port()
    command = [str(Path(sys.executable).parent / "gunicorn"), app, "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers)]  # fmt: skip
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            _wait_until_healthy(port, server, log)
            yield port, log
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
