"""The current request's id, readable anywhere in the request (logs, audit events)."""

from contextvars import ContextVar

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")
