import pytest

from portal.testing.jurisdictions import real_with_sample_missouri, table_from


@pytest.fixture
def sample_table(tmp_path):
    """The real table with the sample Missouri file in place of Missouri's own."""
    with table_from(real_with_sample_missouri(tmp_path / "jurisdictions")) as folder:
        yield folder
