"""Gunicorn settings read from the working directory (Procfile's `web`, and `make run`'s).

The access log leaves out query strings and referrers: a phone system's
screen-pop opens the call-center lookup with the caller's number in the query.
Each line ends with the request's id (the X-Request-ID response header), as the
portal's own log lines and audit events carry it.
"""

accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s" [%({x-request-id}o)s]'
