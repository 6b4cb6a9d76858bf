"""Django's database sessions, a write of an existing session made as one statement.

Django's store wraps every write in `transaction.atomic()`, for the sake of creating a session (a key taken by
another session must raise CreateError, not break the caller's transaction). For a write of an existing
session that costs two round trips of its own: BEGIN and COMMIT when the request runs in autocommit, SAVEPOINT
and RELEASE inside the caller's transaction (a caller search writes whom it showed in its own). Here an update
is the single UPDATE; a session that is gone raises UpdateError as Django's does, and creating one is Django's
own path.
"""

from typing import Any

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    def save(self, must_create: bool = False) -> None:
        if must_create or self.session_key is None:
            super().save(must_create)
            return
        fresh: Any = self.create_model_instance(dict(self.items()))
        rows = self.model.objects.filter(session_key=fresh.session_key)
        if not rows.update(session_data=fresh.session_data, expire_date=fresh.expire_date):
            raise UpdateError
