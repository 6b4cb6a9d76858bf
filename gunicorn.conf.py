"""Gunicorn settings read from the working directory (Procfile's `web`).

The access log leaves out query strings and referrers: a phone system's
screen-pop opens the call-center lookup with the caller's number in the query.
"""

accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
