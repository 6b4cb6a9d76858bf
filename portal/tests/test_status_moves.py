"""No code changes a status except through `portal/lib/transitions.py`: every stateful model's moves go through
its app's one move function, which calls `Transitions.move`/`move_one` (checked table, conditional update on
the old status, audit row). This test reads every module of every app (tests and migrations aside) and fails
on any other way of writing a status:

- `.update(status=...)` (a queryset update, `update_or_create`'s keywords, or a claim's `take` that would
  move a status besides: such a claim goes through the move function with `Claims.claiming`), keywords
  unpacked from a literal dict (`**{"status": ...}`) included;
- `<anything>.status = ...` or `setattr(<anything>, "status", ...)` (an attribute named `status`, then saved);
- `.save(update_fields=[..., "status", ...])`;
- `.create(..., status=X)`, `.get_or_create(..., status=X)` or `Model(..., status=X)` where X is not one of
  the model's initial statuses. Creating a row in a status it may start in is not a move (it leaves no status
  behind); creating one in any other status skips the table. A model's initial statuses are its field's
  default and its table's `starts` (an export starts ready or awaiting approval). When the call does not
  name the model (`rows.create(...)`), the initial statuses of every model count. X must be a constant or
  `Model.Status.NAME` (either branch of a conditional): a status computed otherwise cannot be judged here.

A field counts as a status when it is named `status`: every stateful model names it so. What the scan cannot
see is a status written under a name computed at run time (`rows.update(**fields)` with fields built
elsewhere): `Transitions` itself writes so, and nothing else should.
"""

import ast
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "accounts",
    "audit",
    "incidents",
    "people",
    "regulators",
    "public",
    "notifications",
    "callcenter",
    "demo",
    "portal",
]
ALLOWED = {ROOT / "portal" / "lib" / "transitions.py"}
STATUS = "status"


def _stateful_models() -> dict[str, set[str]]:
    """Every model with a `status` field, by class name, with the statuses a row may be created in."""
    models = {}
    for model in apps.get_models():
        field = next((f for f in model._meta.concrete_fields if f.name == STATUS), None)
        if field is not None:
            table = getattr(model, "TRANSITIONS", None)
            starts = {str(status) for status in getattr(table, "starts", ())}
            models[model.__name__] = starts | ({str(field.get_default())} if field.has_default() else set())
    return models


def _modules(app: str) -> Iterator[Path]:
    for path in sorted((ROOT / app).rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        test_support = parts[:2] == ("portal", "testing")  # factories set up rows in any status, as tests do
        if "tests" in parts or "migrations" in parts or path.name.startswith("test_") or test_support:
            continue
        if path in ALLOWED:
            continue
        yield path


def _initial_value(node: ast.expr, initial: Collection[str]) -> bool:
    """`Model.Status.QUEUED` or `"queued"` (or a conditional choosing between such): initial statuses."""
    if isinstance(node, ast.IfExp):
        return _initial_value(node.body, initial) and _initial_value(node.orelse, initial)
    if isinstance(node, ast.Constant):
        return node.value in initial
    if isinstance(node, ast.Attribute):
        return node.attr.lower() in initial
    return False


def _model_named(func: ast.expr) -> str:
    """`Export` in `Export(...)` and `Export.objects.create(...)`; empty when the call does not say."""
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute):
        owner = func.value.value
        return owner.id if isinstance(owner, ast.Name) else ""
    return ""


def _names_status(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value == STATUS


def _call_problem(node: ast.Call, models: Mapping[str, set[str]]) -> str | None:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    status_kw = next((kw for kw in node.keywords if kw.arg == STATUS), None)
    unpacked = any(
        kw.arg is None
        and isinstance(kw.value, ast.Dict)
        and any(key is not None and _names_status(key) for key in kw.value.keys)
        for kw in node.keywords
    )
    if name in {"update", "update_or_create", "take"} and (status_kw is not None or unpacked):
        return f".{name}({STATUS}=...)"
    if name == "setattr" and len(node.args) > 1 and _names_status(node.args[1]):
        return f'setattr(..., "{STATUS}", ...)'
    if name == "save":
        listed = [kw.value for kw in node.keywords if kw.arg == "update_fields"]
        if any(isinstance(v, (ast.List, ast.Tuple, ast.Set)) and any(map(_names_status, v.elts)) for v in listed):
            return 'save(update_fields=[..."status"...])'
    creating = name in {"create", "get_or_create"} or (isinstance(func, ast.Name) and name in models)
    model = _model_named(func)
    initial = models[model] if model in models else {status for starts in models.values() for status in starts}
    if creating and status_kw is not None and not _initial_value(status_kw.value, initial):
        return f"{name}({STATUS}=...) in a status that is not a model's initial one"
    return None


def _problems(path: Path, models: Mapping[str, set[str]], root: Path = ROOT) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    where = path.relative_to(root)
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr == STATUS:
                yield target.lineno, f"{where}:{target.lineno}: assignment to .{STATUS}"
        if isinstance(node, ast.Call) and (problem := _call_problem(node, models)):
            yield node.lineno, f"{where}:{node.lineno}: {problem}"


@pytest.mark.parametrize("app", APPS)
def test_statuses_change_only_through_a_move_function(app):
    models = _stateful_models()
    problems = [problem for path in _modules(app) for _, problem in sorted(_problems(path, models))]
    assert not problems, "Change a status only through the model's move function:\n" + "\n".join(problems)


def test_the_scan_finds_each_way_of_writing_a_status(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text(
        "Job.objects.filter(pk=1).update(status='running')\n"
        "job.status = 'failed'\n"
        "job.save(update_fields=['status', 'updated_at'])\n"
        "Job.objects.create(status='done')\n"
        "Job.objects.create(status=Job.Status.QUEUED)\n"
        "Job(status='done')\n"
        "HttpResponse(status=404)\n"
        "Job.objects.create(status=Job.Status.QUEUED if soon else Job.Status.DONE)\n"
        "Other.objects.create(status='queued')\n"
        "rows.create(status='waiting')\n"
        "rows.update(**{'status': 'done'})\n"
        "JOBS.take(rows, token, status='running')\n"
        "setattr(job, 'status', 'done')\n"
    )
    found = sorted(_problems(planted, {"Job": {"queued"}, "Other": {"waiting"}}, root=tmp_path))
    assert [line for line, _ in found] == [1, 2, 3, 4, 6, 8, 9, 11, 12, 13]
