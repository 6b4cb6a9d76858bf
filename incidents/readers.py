"""Whom the incident's words are addressed to: the reader's relationship to the person whose data was
exposed, and the reader's language. Letters, the public notice and the agents' script all speak to
these readers, so the vocabulary sits with the incident; `people.models` stores them on each recipient."""

from django.db import models


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"


class Relationship(models.TextChoices):
    SELF = "self", "Self"
    PARENT_GUARDIAN = "parent_guardian", "Parent or guardian"
    NEXT_OF_KIN = "next_of_kin", "Next of kin"
