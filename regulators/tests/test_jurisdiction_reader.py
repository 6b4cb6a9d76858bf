"""The table's reader refuses a file that breaks the format, naming the file and the field, so that no
notice is silently dropped; the portal reads the table as it starts."""

import re

import pytest

from regulators.jurisdictions.table import TableError, read_all

GOOD = """
code = "KS"
name = "Kansas"
kind = "state"
checked_on = 2026-12-07
checked_against = ["https://example.gov/ks"]

[[law]]
key = "ks-breach"
title = "A breach law"
kind = "breach"
citation = "K.S.A. 1"
url = "https://example.gov/ks"
triggers = ["ssn"]
triggers_citation = "K.S.A. 1(a)"

[[law.notice]]
key = "ks-residents"
party = "Affected Kansas residents"
owed_to = "residents"
notice = "Notice"
citation = "K.S.A. 1(b)"
min_affected = 10
counted = "residents"
due_rule = "without unreasonable delay"
"""


def _read(tmp_path, name="ks", text=GOOD):
    (tmp_path / f"{name}.toml").write_text(text, encoding="utf-8")
    return read_all(tmp_path)


def test_a_good_file_is_read_with_its_defaults(tmp_path):
    [kansas] = _read(tmp_path)
    [notice] = kansas.laws[0].notices
    assert (notice.min_affected, notice.max_affected, notice.counted, notice.days) == (10, None, "residents", None)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('min_affected = 10', 'min_affected = 10\nmax_affected = 9'),
         "ks.toml.law[0].notice[0].max_affected: 9 is below min_affected (10)"),
        (('triggers = ["ssn"]', 'triggers = ["shoe_size"]'), "ks.toml.law[0].triggers: 'shoe_size' is not one of"),
        (('owed_to = "residents"', 'owed_to = "residents"\nwhen = "soon"'),
         "ks.toml.law[0].notice[0]: unknown field 'when'"),
        (('code = "KS"', 'code = "MO"'), "ks.toml.code: 'MO' does not match the file's name"),
        (('counted = "residents"', 'counted = "some"'), "ks.toml.law[0].notice[0].counted: 'some' is not one of"),
        (('checked_on = 2026-12-07', 'checked_on = "December"'), "ks.toml.checked_on: a date (YYYY-MM-DD, unquoted)"),
    ],
)  # fmt: skip
def test_a_fault_names_the_file_and_field(tmp_path, change, message):
    old, new = change
    with pytest.raises(TableError, match=re.escape(message)):
        _read(tmp_path, text=GOOD.replace(old, new))


def test_a_notice_key_used_twice_is_refused_naming_both_files(tmp_path):
    _read(tmp_path)
    with pytest.raises(TableError, match=r"mo\.toml: notice key 'ks-residents' is also in ks\.toml"):
        _read(tmp_path, "mo", GOOD.replace('"KS"', '"MO"').replace("Kansas", "Missouri"))


def test_the_portal_does_not_start_with_a_broken_file(tmp_path):
    from django.apps import apps

    from portal.testing.jurisdictions import table_from

    _read(tmp_path)
    (tmp_path / "mo.toml").write_text('code = "MO"\nname = "Missouri"\nkind = "county"\n', encoding="utf-8")
    with table_from(tmp_path), pytest.raises(TableError, match=re.escape("mo.toml.kind: 'county' is not one of")):
        apps.get_app_config("regulators").ready()
