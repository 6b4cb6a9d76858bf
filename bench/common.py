"""What the benchmarks share: their own PostgreSQL database, and the import benchmark's generator."""

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent

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
