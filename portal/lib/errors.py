"""Exceptions every room shares."""


class ActionRefused(Exception):
    """The action cannot happen as asked; the message is shown to the user."""
