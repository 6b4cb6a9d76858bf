"""What a checking process runs (see parallel.py). A fresh process imports this module, configures Django's
settings with the few values a check reads (the importing process's keys), and checks the chunks it is sent.
It loads no app: checking a row reads no model and no database, and a process with every app loaded would
weigh three times as much."""

from typing import Any

_checker: Any = None
_failed: BaseException | None = None


def start(passed: dict[str, Any], checker_settings: dict[str, Any], job_id: int, copy: bool) -> None:
    """Configure the process and make the file's checker. A failure is kept and raised by the first check, in
    the importing process: an executor whose processes die while starting would report nothing of why."""
    global _checker, _failed
    try:
        from django.conf import settings

        if settings.configured:  # the importing program's main module, run again here, set Django up
            for name, value in passed.items():
                setattr(settings, name, value)
        else:
            settings.configure(**passed)
        from people.importing.parallel import ChunkChecker
        from people.importing.rows import Settings

        _checker = ChunkChecker(Settings(**checker_settings), job_id, copy)
    except Exception as exc:
        _failed = exc


def check(rows: list[tuple[int, list[str]]]) -> Any:
    """One chunk of rows checked (a parallel.Chunk)."""
    if _failed is not None:
        raise RuntimeError("a checking process could not start") from _failed
    return _checker(rows)
