"""Fixtures of the letter screens' tests: a template, a batch's creator, and batches at each status."""

import pytest

from incidents.models import Role
from notifications import actions
from notifications.letters.selection import Selection
from notifications.models import BatchStatus, Letter, LetterTemplate
from notifications.tests.screens import BODY
from portal.testing import UserFactory, member
from portal.testing.letters import approve, recipients, rendered_batch


@pytest.fixture
def template(incident):
    return LetterTemplate.objects.create(incident=incident, name="Plain letter", body=BODY)


@pytest.fixture
def creator(incident):
    """A manager who is also a mail administrator: creates batches, so may not approve them.
    The `mail_admin` actor is the second person who does."""
    user = UserFactory.create(username="second-mail-admin")
    member(user, incident, Role.MANAGER)
    member(user, incident, Role.MAIL_ADMIN)
    return user


@pytest.fixture
def rendered(incident, creator, settings):
    """Three letters in two print parts."""
    settings.LETTER_CHUNK_SIZE = 2
    settings.LETTER_PART_SIZE = 2
    recipients(incident, 3, "name", "medical_information")
    batch = rendered_batch(incident, creator)
    assert batch.status == BatchStatus.RENDERED, list(Letter.objects.values_list("reason", flat=True))
    return batch


@pytest.fixture
def approved(rendered, mail_admin):
    approve(mail_admin, rendered)
    rendered.refresh_from_db()
    return rendered


@pytest.fixture
def exported(approved, mail_admin):
    actions.record_export(mail_admin, approved, via="browser")
    approved.refresh_from_db()
    return approved


@pytest.fixture
def rendering(incident, manager, template):
    """A batch the workers have not started on."""
    recipients(incident, 3)
    return actions.create_batch(manager, incident, "Waiting mailing", Selection(), queue=False)
