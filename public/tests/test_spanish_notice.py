"""Texts in Spanish beside the English on the incident form, the public notice in Spanish when every text has
its Spanish, and wording that reads right to every reader: hours said once, numbers as people dial them."""

import re
import uuid
from datetime import date
from html import unescape

import pytest
from django.urls import reverse

from incidents import wording
from incidents.models import Incident
from portal.lib import refcode
from portal.testing import IndividualFactory, RecipientFactory, expose
from public import actions as public_actions

ENGLISH = {
    "what_happened": "A staff member copied student files to a personal mailbox.",
    "what_information": "Names, addresses and education records.",
    "what_we_are_doing": "We disabled the account and notified law enforcement.",
    "what_you_can_do": "Review account statements and order free credit reports.",
    "for_more_information": "Updates are posted on this page.",
}
SPANISH = {
    "what_happened_es": "Un empleado copió archivos de estudiantes a un correo personal.",
    "what_information_es": "Nombres, domicilios y expedientes escolares.",
    "what_we_are_doing_es": "Desactivamos la cuenta y avisamos a la policía.",
    "what_you_can_do_es": "Revise sus estados de cuenta y pida sus informes de crédito gratuitos.",
    "for_more_information_es": "Publicamos novedades en esta página.",
    "hotline_hours_es": "de lunes a viernes, de 8 a. m. a 5:30 p. m.",
}


@pytest.fixture(autouse=True)
def _own_rate_limits(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }


@pytest.fixture
def published(incident, manager):
    Incident.objects.filter(pk=incident.pk).update(
        **ENGLISH,
        **SPANISH,
        hotline_phone="+18667754209",
        hotline_hours="Monday to Friday, 8 a.m. to 5:30 p.m. Central time",
        hotline_time_zone="America/Chicago",
    )
    incident.refresh_from_db()
    public_actions.publish_notice(manager, incident)
    incident.refresh_from_db()
    return incident


def _notice(client, incident, query=""):
    return client.get(reverse("public:public-notice", args=[incident.slug]) + query)


def test_the_notice_says_the_hours_once_and_the_number_as_dialled(client, published):
    html = unescape(_notice(client, published).content.decode())
    assert "Monday to Friday, 8 a.m. to 5:30 p.m. Central time." in html
    assert "(Central time)" not in html
    assert "(866) 775-4209" in html
    assert "+1866" not in html


def test_the_spanish_notice_is_wholly_spanish_with_a_switch_back(client, published):
    response = _notice(client, published, "?lang=es")
    html = unescape(response.content.decode())
    assert '<html lang="es">' in html
    assert "Aviso de incidente de seguridad de datos" in html
    for text in SPANISH.values():
        assert text[1:] in html  # the hours start the sentence, capitalised
    for text in ENGLISH.values():
        assert text not in html
    assert "De lunes a viernes, de 8 a. m. a 5:30 p. m. (hora del Centro)." in html
    assert re.findall(r'<h2 id="section-\d">([^<]+)</h2>', html) == [
        "Qué sucedió",
        "Qué información se vio afectada",
        "Qué estamos haciendo",
        "Qué puede hacer usted",
        "Más información",
    ]
    assert "Código de referencia de la carta" in html  # the check's labels
    assert f'href="/notice/{published.slug}/" lang="en" hreflang="en"' in html
    english = unescape(_notice(client, published).content.decode())
    assert f'href="/notice/{published.slug}/?lang=es" lang="es" hreflang="es"' in english


def test_the_spanish_check_answers_in_spanish(client, published):
    person = IndividualFactory.create(incident=published, date_of_birth=date(2012, 5, 1))
    expose(person, "name", "medical_information")
    recipient = RecipientFactory.create(individual=person)
    url = reverse("public:public-notice", args=[published.slug]) + "?lang=es"
    answer = client.post(url, {"reference_code": recipient.reference_code, "date_of_birth": "05/01/2012"})
    html = unescape(answer.content.decode())
    assert "Sí: la información de esta persona se vio afectada" in html
    assert "<strong>Información de salud</strong>: La información de salud de la persona" in html
    refused = unescape(client.post(url, {"reference_code": "K7QX", "date_of_birth": "31/31/2001"}).content.decode())
    assert "Escriba el código de referencia tal como aparece en la carta" in refused
    assert "Escriba la fecha de nacimiento como MM/DD/AAAA" in refused
    assert "«K7QX»" not in refused
    assert "“K7QX”" not in refused  # the messages repeat nothing typed
    assert refcode.display(recipient.reference_code) not in html


def test_without_every_spanish_text_the_notice_stays_english(client, published):
    Incident.objects.filter(pk=published.pk).update(what_we_are_doing_es="")
    html = unescape(_notice(client, published, "?lang=es").content.decode())
    assert '<html lang="en">' in html
    assert "Español" not in html
    assert ENGLISH["what_happened"] in html


@pytest.fixture
def edit_data(published):
    return {
        "title": published.title,
        "organisation_name": published.organisation_name,
        "organisation_type": published.organisation_type,
        "discovered_on": "2026-09-14",
        "notice_on": "2026-10-20",
        "hotline_phone": "(866) 775-4209",
        "hotline_hours": "Monday to Friday, 8 a.m. to 5:30 p.m.",
        "hotline_time_zone": "America/Chicago",
        **ENGLISH,
        **SPANISH,
    }


def test_the_form_keeps_each_section_beside_its_spanish(client, manager, published, edit_data):
    client.force_login(manager)
    url = reverse("incidents:incident-edit", args=[published.slug])
    page = client.get(url).content.decode()
    assert (
        page.index('name="what_happened"')
        < page.index('name="what_happened_es"')
        < page.index('name="what_information"')
    )
    assert 'lang="es"' in page
    assert 'value="(866) 775-4209"' in page  # as dialled, not the stored +18667754209
    response = client.post(url, {**edit_data, "what_happened_es": "Un texto nuevo."})
    assert response.status_code == 302
    assert Incident.objects.get(pk=published.pk).what_happened_es == "Un texto nuevo."


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"for_more_information": "Call (866) 775-4209 any weekday."}, "for_more_information", "said twice"),
        ({"for_more_information_es": "Llame al 866-775-4209."}, "for_more_information_es", "said twice"),
        (
            {"for_more_information": "The line is open Monday to Friday, 8 a.m. to 5:30 p.m. on weekdays."},
            "for_more_information",
            "said twice",
        ),
        ({"what_you_can_do": "Place a fraud alert about your child."}, "what_you_can_do", "“your child”"),
        ({"what_you_can_do_es": "Proteja el crédito de su hijo."}, "what_you_can_do_es", "“su hijo”"),
    ],
)
def test_texts_that_would_read_wrong_are_refused_by_name(client, manager, published, edit_data, change, field, message):
    client.force_login(manager)
    response = client.post(reverse("incidents:incident-edit", args=[published.slug]), {**edit_data, **change})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])


def test_hours_are_said_once_with_their_zone():
    assert wording.hours_with_zone("Mon-Fri 8-5", "America/Chicago") == "Mon-Fri 8-5 (Central time)"
    assert wording.hours_with_zone("Mon-Fri 8 a.m. to 5 p.m. Central time", "America/Chicago") == (
        "Mon-Fri 8 a.m. to 5 p.m. Central time"
    )
    assert wording.hours_with_zone("Weekdays 8 to 5 CST.", "America/Chicago") == "Weekdays 8 to 5 CST"
    assert wording.hours_with_zone("de 8 a. m. a 5 p. m.", "America/New_York", "es") == (
        "de 8 a. m. a 5 p. m. (hora del Este)"
    )


def test_the_demos_spanish_notice_says_where_updates_are_as_its_note_does(client, db):
    """The demo's Spanish "Más información" must not promise updates on a page that then says they are only
    in English: both say the updates and questions are in English."""
    from django.core.management import call_command

    from demo import seed as demo

    call_command("seed_demo", "--force", "--size", "20")
    html = unescape(_notice(client, Incident.objects.get(slug=demo.SLUG), "?lang=es").content.decode())
    assert "solo están en la versión en inglés" in html
    more = re.search(r'<h2 id="section-\d">Más información</h2>\s*<p class="portal-prose">([^<]+)</p>', html)
    assert more is not None
    assert "en inglés" in more.group(1)
