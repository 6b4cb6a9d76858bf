"""The public notice is dated by what happened to it: the day it was published and the day of its latest
update, never a day still ahead. The letters' date (which may be set ahead of the mailing) is not the
notice's date, and an update cannot be dated ahead."""

import re
import uuid
from datetime import datetime, timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents import wording
from incidents.models import Incident
from portal.lib.errors import ActionRefused
from public import actions as public_actions
from public.models import NoticeUpdate

TEXTS = {
    "what_happened": "A staff member copied student files to a personal mailbox.",
    "what_information": "Names, addresses and education records.",
    "what_we_are_doing": "We disabled the account and notified law enforcement.",
    "what_you_can_do": "Review account statements and order free credit reports.",
    "for_more_information": "Updates are posted on this page.",
    "what_happened_es": "Un empleado copió archivos de estudiantes a un correo personal.",
    "what_information_es": "Nombres, domicilios y expedientes escolares.",
    "what_we_are_doing_es": "Desactivamos la cuenta y avisamos a la policía.",
    "what_you_can_do_es": "Revise sus estados de cuenta y pida sus informes de crédito gratuitos.",
    "for_more_information_es": "Publicamos novedades en esta página.",
}


@pytest.fixture(autouse=True)
def _own_rate_limits(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }


@pytest.fixture
def letters_ahead(incident):
    """An incident whose letters are dated a month ahead: the mailing is still being prepared."""
    ahead = timezone.localdate() + timedelta(days=30)
    Incident.objects.filter(pk=incident.pk).update(**TEXTS, hotline_phone="+18005550100", notice_on=ahead)
    incident.refresh_from_db()
    return incident


def _notice(client, incident, query=""):
    return unescape(client.get(reverse("public:public-notice", args=[incident.slug]) + query).content.decode())


def _dates_shown(page: str) -> list[str]:
    return re.findall(r'<time datetime="(\d{4}-\d{2}-\d{2})">', page)


def test_a_notice_published_today_with_an_update_today_shows_today_only(client, letters_ahead, manager):
    today = timezone.localdate()
    client.force_login(manager)
    client.post(reverse("public:notice-publish", args=[letters_ahead.slug]))
    posted = client.post(
        reverse("public:notice-manage", args=[letters_ahead.slug]),
        {"posted_on": today.isoformat(), "text": "The hotline now opens on Saturdays."},
    )
    assert posted.status_code == 302
    client.logout()
    page = _notice(client, letters_ahead)
    assert f'Published <time datetime="{today.isoformat()}">{wording.written_date(today)}</time></p>' in page
    assert "The hotline now opens on Saturdays." in page
    assert set(_dates_shown(page)) == {today.isoformat()}
    assert wording.written_date(letters_ahead.notice_on) not in page


def test_an_update_after_the_publication_day_is_the_notices_latest_date(client, letters_ahead, manager):
    public_actions.publish_notice(manager, letters_ahead)
    today = timezone.localdate()
    published = datetime.combine(today - timedelta(days=9), datetime.min.time(), tzinfo=timezone.get_current_timezone())
    Incident.objects.filter(pk=letters_ahead.pk).update(notice_published_at=published + timedelta(hours=10))
    public_actions.add_notice_update(manager, letters_ahead, today - timedelta(days=2), "Letters were mailed.")
    page = _notice(client, letters_ahead)
    first, latest = today - timedelta(days=9), today - timedelta(days=2)
    assert f'Published <time datetime="{first.isoformat()}">{wording.written_date(first)}</time> · updated' in page
    assert f'updated <time datetime="{latest.isoformat()}">{wording.written_date(latest)}</time>' in page
    spanish = _notice(client, letters_ahead, "?lang=es")
    assert f'Publicado el <time datetime="{first.isoformat()}">{wording.written_date(first, "es")}</time>' in spanish
    assert f'actualizado el <time datetime="{latest.isoformat()}">' in spanish


def test_an_update_dated_ahead_is_refused_and_one_stored_ahead_waits_for_its_day(client, letters_ahead, manager):
    public_actions.publish_notice(manager, letters_ahead)
    tomorrow = timezone.localdate() + timedelta(days=1)
    client.force_login(manager)
    response = client.post(
        reverse("public:notice-manage", args=[letters_ahead.slug]),
        {"posted_on": tomorrow.isoformat(), "text": "Credit monitoring opens."},
    )
    message = f"{tomorrow:%m/%d/%Y} is in the future; date an update the day it is posted, or earlier."
    assert message in unescape(response.content.decode())
    assert not NoticeUpdate.objects.exists()
    with pytest.raises(ActionRefused, match="is in the future"):
        public_actions.add_notice_update(manager, letters_ahead, tomorrow, "Credit monitoring opens.")

    NoticeUpdate.objects.create(incident=letters_ahead, posted_on=tomorrow, text="Credit monitoring opens.")
    page = _notice(client, letters_ahead)
    assert "Credit monitoring opens." not in page
    assert tomorrow.isoformat() not in _dates_shown(page)
