"""The layer contracts in pyproject.toml catch an import against them.

Each test copies the packages the contracts name into a temporary directory, plants one import there, and
runs `lint-imports` on the copy with the project's own configuration: the real contracts, not a model of them.
"""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _packages() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["importlinter"]["root_packages"]


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """The project's packages (Python files only) and its pyproject.toml."""
    copy = tmp_path_factory.mktemp("layers")
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    for package in _packages():
        shutil.copytree(
            ROOT / package, copy / package, ignore=shutil.ignore_patterns("__pycache__", "vendor", "*.html", "*.txt")
        )
    return copy


@pytest.fixture
def plant(tree: Path):
    """Writes a module into the copy, and takes it out again after the test."""
    planted: list[Path] = []

    def write(relative: str, source: str) -> None:
        path = tree / relative
        path.write_text(source, encoding="utf-8")
        planted.append(path)

    yield write
    for path in planted:
        path.unlink()


def test_the_code_as_it_is_keeps_every_contract(tree):
    result = _lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_upward_import_breaks_the_rooms_contract(tree, plant):
    plant("incidents/planted.py", "from notifications.models import LetterBatch  # noqa\n")
    result = _lint(tree)
    assert result.returncode == 1
    assert "incidents is not allowed to import notifications" in result.stdout
    assert "incidents.planted -> notifications.models" in result.stdout


def test_the_floor_may_not_import_a_room(tree, plant):
    plant("portal/lib/planted.py", "from people import models  # noqa\n")
    result = _lint(tree)
    assert result.returncode == 1
    assert "portal.lib.planted -> people.models" in result.stdout


def test_a_room_may_not_import_the_wiring(tree, plant):
    plant("people/planted.py", "from portal import urls  # noqa\n")
    result = _lint(tree)
    assert result.returncode == 1
    assert "people.planted -> portal.urls" in result.stdout


def test_one_apps_tests_may_not_import_anothers(tree, plant):
    plant("people/tests/test_planted.py", "from callcenter.tests import conftest  # noqa\n")
    result = _lint(tree)
    assert result.returncode == 1
    assert "people.tests.test_planted -> callcenter.tests.conftest" in result.stdout
