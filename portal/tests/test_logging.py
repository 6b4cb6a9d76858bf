import io
import logging
import sys

import pytest
from django.urls import reverse

from portal.middleware import QueryStringLogFilter, RefusalLogFilter, RequestIdLogFilter


def _line(args):
    record = logging.LogRecord("django.server", logging.INFO, __file__, 1, '"%s" %s %s', args, None)
    QueryStringLogFilter().filter(record)
    return record.getMessage()


def test_request_lines_lose_their_query_string():
    assert _line(("GET /callcenter/x/lookup/?phone=5735550142 HTTP/1.1", "302", "0")) == (
        '"GET /callcenter/x/lookup/ HTTP/1.1" 302 0'
    )


def test_request_lines_without_a_query_are_unchanged():
    assert _line(("GET /healthz HTTP/1.1", "200", "2")) == '"GET /healthz HTTP/1.1" 200 2'


@pytest.fixture
def console():
    """What the portal's configured console handler writes (LOGGING in portal/settings/base.py)."""
    handler = next(h for h in logging.getLogger().handlers if any(isinstance(f, RequestIdLogFilter) for f in h.filters))
    assert isinstance(handler, logging.StreamHandler)
    written = io.StringIO()
    previous = handler.setStream(written)
    yield written
    handler.setStream(previous)


def _lines(written: io.StringIO) -> list[str]:
    return [line for line in written.getvalue().splitlines() if "django.request" in line]


def test_a_refused_request_is_one_line_with_its_request_id(client, console, agent, incident):
    client.force_login(agent)
    response = client.get(reverse("incidents:incident-edit", args=[incident.slug]))  # not an agent's page
    assert response.status_code == 403
    lines = _lines(console)
    assert lines == [lines[0]]
    assert f"WARNING django.request [{response['X-Request-ID']}] Forbidden (Permission denied): /" in lines[0]
    assert "Traceback" not in console.getvalue()


def test_a_page_not_found_is_one_line_with_its_request_id(client, console, outsider, incident):
    client.force_login(outsider)
    url = reverse("incidents:incident-detail", args=[incident.slug])
    response = client.get(url)  # not theirs: 404
    assert response.status_code == 404
    lines = _lines(console)
    assert lines == [f"{lines[0][:23]} WARNING django.request [{response['X-Request-ID']}] Not Found: {url}"]
    assert "Traceback" not in console.getvalue()


def test_a_server_error_keeps_its_traceback():
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: /x", (), None)
    try:
        raise ValueError("boom")
    except ValueError:
        record.exc_info = sys.exc_info()
    record.status_code = 500
    RefusalLogFilter().filter(record)
    assert record.exc_info is not None
