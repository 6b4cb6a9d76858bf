"""Every call of audit.record in the portal's code sits inside a transaction that code opens itself: in a
function decorated `@transaction.atomic`, or in a `with transaction.atomic():` block of the same function.

This is the static half of the rule; the runtime half is audit.record refusing to run outside a transaction
the code opened, tests' own transactions not counting (audit/tests/test_chain.py), which makes every test of
a request, signal, admin action, command or task a probe. A nested function or lambda is judged on its
own, since it runs whenever it is called (after commit, on another thread), not where it is written."""

import ast
from pathlib import Path

from django.conf import settings

_SKIPPED = {".venv", "var", "tests", "e2e", "node_modules", "bench"}


def _sources() -> list[Path]:
    return [
        path
        for path in Path(settings.BASE_DIR).rglob("*.py")
        if not _SKIPPED.intersection(path.relative_to(settings.BASE_DIR).parts)
        and not any(part.startswith(".") for part in path.relative_to(settings.BASE_DIR).parts)
    ]


def _atomic(node: ast.expr) -> bool:
    return ast.unparse(node).split("(")[0] in ("transaction.atomic", "atomic")


def _is_record(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "record"
        and ast.unparse(node.func.value) in ("audit", "audit_api", "api")
    )


def _inside_transaction(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.With | ast.AsyncWith) and any(_atomic(item.context_expr) for item in node.items):
            return True
        if isinstance(node, ast.Lambda):
            return False
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return any(_atomic(decorator) for decorator in node.decorator_list)
    return False


def _unguarded(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    return [
        f"{path.relative_to(settings.BASE_DIR)}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _is_record(node) and not _inside_transaction(node, parents)
    ]


def test_every_audit_record_call_opens_its_transaction():
    sources = _sources()
    assert any(path.name == "actions.py" for path in sources)  # the walk found the code
    calls = [path for path in sources if "record(" in path.read_text()]
    assert len(calls) > 5
    assert [site for path in calls for site in _unguarded(path)] == []


def test_the_check_sees_a_call_outside_a_transaction(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    (tmp_path / "views.py").write_text(
        "from django.db import transaction\n"
        "from audit import api as audit\n"
        "@transaction.atomic\n"
        "def fine():\n"
        "    audit.record('auth.login', actor=None)\n"
        "def also_fine():\n"
        "    with transaction.atomic():\n"
        "        audit.record('auth.login', actor=None)\n"
        "@transaction.atomic\n"
        "def later():\n"
        "    transaction.on_commit(lambda: audit.record('auth.login', actor=None))\n"
        "def bare():\n"
        "    audit.record('auth.login', actor=None)\n"
    )
    assert sorted(_unguarded(tmp_path / "views.py")) == ["views.py:11", "views.py:13"]
