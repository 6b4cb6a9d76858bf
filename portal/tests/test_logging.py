import logging

from portal.middleware import QueryStringLogFilter


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
