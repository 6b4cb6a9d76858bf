"""bin/audit-dependencies: a known vulnerability fails the build; an audit that could not run says so."""

import json
import os
import stat
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bin" / "audit-dependencies"


def _run(tmp_path: Path, report: Mapping[str, object] | str, **env: str) -> subprocess.CompletedProcess[str]:
    fake = tmp_path / "pip-audit"  # stands in for pip-audit: prints the report it is given, or fails with it
    if isinstance(report, str):
        fake.write_text(f"#!{sys.executable}\nimport sys\nsys.exit({report!r})\n")
    else:
        fake.write_text(f"#!{sys.executable}\nprint({json.dumps(json.dumps(report))})\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path)],
        capture_output=True, text=True, timeout=60, check=False, env={**os.environ, **env},
    )  # fmt: skip


def test_a_known_vulnerability_fails_and_is_named(tmp_path):
    vuln = {"id": "PYSEC-2099-1", "fix_versions": ["5.2.99"], "aliases": [], "description": ""}
    report = {"dependencies": [{"name": "django", "version": "5.2.19", "vulns": [vuln]}], "fixes": []}
    run = _run(tmp_path, report)
    assert run.returncode == 1
    assert "django 5.2.19: PYSEC-2099-1 (fixed in 5.2.99)" in run.stdout


def test_a_clean_audit_passes(tmp_path):
    run = _run(tmp_path, {"dependencies": [{"name": "django", "version": "5.2.19", "vulns": []}], "fixes": []})
    assert run.returncode == 0
    assert "1 of 1 installed packages audited; 0 with known vulnerabilities." in run.stdout


@pytest.mark.parametrize(("strict", "code"), [("", 0), ("true", 1)])
def test_packages_that_could_not_be_audited_are_reported_and_fail_when_strict(tmp_path, strict, code):
    skipped = {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited"}
    run = _run(tmp_path, {"dependencies": [skipped], "fixes": []}, AUDIT_STRICT=strict)
    assert run.returncode == code
    assert "1 packages could NOT be audited" in run.stderr


@pytest.mark.parametrize(("strict", "code"), [("", 0), ("true", 1)])
def test_an_unreachable_service_is_said_plainly(tmp_path, strict, code):
    failure = "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='pypi.org'): Max retries exceeded"
    run = _run(tmp_path, failure, AUDIT_STRICT=strict)
    assert run.returncode == code
    assert "NOTHING was audited" in run.stderr


def test_any_other_failure_fails(tmp_path):
    run = _run(tmp_path, "Traceback: something else broke")
    assert run.returncode == 1
    assert "pip-audit gave no report" in run.stderr
