from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """Staff who sign in. What a user may see is decided per incident by Membership."""

    sessions_ended_at = models.DateTimeField(
        null=True, blank=True, help_text="Sessions signed in before this moment were ended by an administrator."
    )

    class Meta:
        ordering = ["username"]

    def display_name(self) -> str:
        return self.get_full_name() or self.username


class FieldKeyCheck(models.Model):
    """A fixed text sealed under one field key (or hashed under the lookup key), stored when the key was
    first seen, so that a start with a well-formed but wrong key is refused (accounts/keycheck.py)."""

    key_id = models.CharField(max_length=16, unique=True)
    value = models.TextField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"check value of key {self.key_id}"
