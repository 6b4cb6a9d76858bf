"""The standard letters an incident still has as shipped leave out "What happened" for a reader whose
state's law keeps the nature of the breach out of the letter (Massachusetts), and print each law's block
under its own heading; a standard letter a district changed is left alone.

The standard letter text before this change is known by its SHA-256 (ends trimmed, CRLF as LF), and the
new text with its compiled body is embedded as of this migration, so later edits to
templates/letters/default_*.md or to the compiler change nothing here."""

import hashlib

from django.db import migrations

# SHA-256 of the standard letter text shipped before, by language.
EARLIER_TEXTS: dict[str, str] = {
    "1620a1e10d9f6e4d2541588b8a48f8f8af078c43a0f07ef76af471fe2a1902d2": "en",
    "81e76c6c691b046dbcda5899899879f996e1e3d3e75ff9316f09c3a953f979a0": "es",
}
TEXT_EN = """::: only when the letter goes to the person themselves
We are writing to tell you about an incident that involved some of your personal information.
::: otherwise when the letter goes to a parent or guardian
We are writing to tell you about an incident that involved personal information about your child, named above, for whom our records list you as parent or guardian.
::: otherwise
We are writing to you as the next of kin of the person named above, who has died, to tell you about an incident that involved their personal information.
:::
We take the protection of this information seriously and regret any concern this may cause.

::: except when the law where the reader lives keeps out what happened
## What happened
::: only when the incident gives what happened
{{ what_happened }}
::: otherwise
We recently learned that personal information held by us was accessed without authorization.
:::
::: only when the incident gives the discovery date
We discovered the incident on {{ discovered_on }}.
:::
:::

## What information was involved
::: only when the letter goes to the person themselves
The information involved your
::: otherwise when the letter goes to a parent or guardian
The information involved your child's
::: otherwise
The information involved the deceased person's
:::
::: only when the information exposed is known
{{ data_types_text }}.
::: otherwise
personal information.
:::
::: only when the incident gives what information was involved
{{ what_information }}
:::

::: only when medical information was exposed
Because medical information was involved, we recommend that you review the statements you receive from health insurers and health care providers. If you see services that were not received, contact the insurer or provider at once.
:::

::: only when a Social Security number was exposed
Because a Social Security number was involved, we encourage you to consider placing a security freeze with each of the nationwide consumer reporting agencies listed below.
:::

## What we are doing
::: only when the incident gives what we are doing
{{ what_we_are_doing }}
::: otherwise
We secured the affected systems, notified law enforcement and are reviewing our safeguards.
:::

## What you can do
::: only when the incident gives what you can do
{{ what_you_can_do }}
:::
We encourage you to remain vigilant by reviewing account statements and monitoring free credit reports. You are entitled to one free credit report every year from each of the nationwide consumer reporting agencies: visit www.annualcreditreport.com or call (877) 322-8228. You may also place a fraud alert or a security freeze, free of charge, by contacting any of them:

[[credit bureaus]]

You can learn more about identity theft, fraud alerts and security freezes from the Federal Trade Commission at www.identitytheft.gov or (877) 438-4338, and report identity theft to the FTC or to local law enforcement.

::: only when the letter goes to a parent or guardian
### Protecting a child's credit

Children rarely have credit files, which makes misuse of a child's information hard to notice. You may ask each consumer reporting agency to check whether a credit file exists for your child and to place a free security freeze that creates a locked file in your child's name. Each agency asks for proof of your identity and of your authority to act for your child, such as a copy of your child's birth certificate and Social Security card.
:::

::: only when the letter goes to next of kin
### Protecting the credit of a person who has died

You may ask each consumer reporting agency to mark the deceased person's credit file "Deceased. Do not issue credit." Each agency asks for a copy of the death certificate and proof that you may act for the estate.
:::

[[state notice]]

## For more information
::: only when the incident gives for more information
{{ for_more_information }}
:::
::: only when the incident gives the assistance line's number
Please call our dedicated assistance line at {{ hotline_phone }},
::: only when the incident gives the assistance line's hours
{{ hotline_hours }},
:::
and have the reference code printed at the top of this letter ready.
:::
::: only when the incident gives an address to write to
You may also write to {{ contact_email }}.
:::

Sincerely,

**{{ organisation_name }}**
"""
BODY_EN = """<p>{% if is_self %}
We are writing to tell you about an incident that involved some of your personal information.
{% elif is_parent_guardian %}
We are writing to tell you about an incident that involved personal information about your child, named above, for whom our records list you as parent or guardian.
{% else %}
We are writing to you as the next of kin of the person named above, who has died, to tell you about an incident that involved their personal information.
{% endif %}
We take the protection of this information seriously and regret any concern this may cause.</p>
{% if not omits_what_happened %}
<h2>What happened</h2>
<p>{% if what_happened %}
{{ what_happened }}
{% else %}
We recently learned that personal information held by us was accessed without authorization.
{% endif %}
{% if discovered_on %}
We discovered the incident on {{ discovered_on }}.
{% endif %}</p>
{% endif %}
<h2>What information was involved</h2>
<p>{% if is_self %}
The information involved your
{% elif is_parent_guardian %}
The information involved your child's
{% else %}
The information involved the deceased person's
{% endif %}
{% if data_types_text %}
{{ data_types_text }}.
{% else %}
personal information.
{% endif %}
{% if what_information %}
{{ what_information }}
{% endif %}</p>
{% if has_medical %}
<p>Because medical information was involved, we recommend that you review the statements you receive from health insurers and health care providers. If you see services that were not received, contact the insurer or provider at once.</p>
{% endif %}
{% if has_ssn %}
<p>Because a Social Security number was involved, we encourage you to consider placing a security freeze with each of the nationwide consumer reporting agencies listed below.</p>
{% endif %}
<h2>What we are doing</h2>
<p>{% if what_we_are_doing %}
{{ what_we_are_doing }}
{% else %}
We secured the affected systems, notified law enforcement and are reviewing our safeguards.
{% endif %}</p>
<h2>What you can do</h2>
<p>{% if what_you_can_do %}
{{ what_you_can_do }}
{% endif %}
We encourage you to remain vigilant by reviewing account statements and monitoring free credit reports. You are entitled to one free credit report every year from each of the nationwide consumer reporting agencies: visit www.annualcreditreport.com or call (877) 322-8228. You may also place a fraud alert or a security freeze, free of charge, by contacting any of them:</p>
<table class="bureaus">
<tr><td><strong>Equifax</strong><br>P.O. Box 105788<br>Atlanta, GA 30348-5788<br>(888) 298-0045<br>www.equifax.com</td>
<td><strong>Experian</strong><br>P.O. Box 9554<br>Allen, TX 75013<br>(888) 397-3742<br>www.experian.com</td>
<td><strong>TransUnion</strong><br>P.O. Box 2000<br>Chester, PA 19016<br>(800) 680-7289<br>www.transunion.com</td></tr>
</table>

<p>You can learn more about identity theft, fraud alerts and security freezes from the Federal Trade Commission at www.identitytheft.gov or (877) 438-4338, and report identity theft to the FTC or to local law enforcement.</p>
{% if is_parent_guardian %}
<h3>Protecting a child's credit</h3>
<p>Children rarely have credit files, which makes misuse of a child's information hard to notice. You may ask each consumer reporting agency to check whether a credit file exists for your child and to place a free security freeze that creates a locked file in your child's name. Each agency asks for proof of your identity and of your authority to act for your child, such as a copy of your child's birth certificate and Social Security card.</p>
{% endif %}
{% if is_next_of_kin %}
<h3>Protecting the credit of a person who has died</h3>
<p>You may ask each consumer reporting agency to mark the deceased person's credit file &quot;Deceased. Do not issue credit.&quot; Each agency asks for a copy of the death certificate and proof that you may act for the estate.</p>
{% endif %}
{% if state_insert %}{% for block in state_insert.blocks %}
<h3>{{ block.title }}</h3>
<p>{% for line in block.lines %}{{ line }}{% if not forloop.last %}<br>{% endif %}{% endfor %}</p>
{% endfor %}{% endif %}

<h2>For more information</h2>
<p>{% if for_more_information %}
{{ for_more_information }}
{% endif %}
{% if hotline_phone %}
Please call our dedicated assistance line at {{ hotline_phone }},
{% if hotline_hours %}
{{ hotline_hours }},
{% endif %}
and have the reference code printed at the top of this letter ready.
{% endif %}
{% if contact_email %}
You may also write to {{ contact_email }}.
{% endif %}</p>
<p>Sincerely,</p>
<p><strong>{{ organisation_name }}</strong></p>
"""
TEXT_ES = """::: only when the letter goes to the person themselves
Le escribimos para informarle de un incidente de seguridad que afectó parte de su información personal.
::: otherwise when the letter goes to a parent or guardian
Le escribimos para informarle de un incidente de seguridad que afectó información personal de su hijo o hija, cuyo nombre aparece arriba. Según nuestros registros, usted es su padre, madre o tutor legal.
::: otherwise
Le escribimos porque, según nuestros registros, usted es familiar de la persona nombrada arriba, quien falleció. Queremos informarle de un incidente de seguridad que afectó la información personal de esa persona.
:::
Nos tomamos muy en serio la protección de esta información y lamentamos la preocupación que esto pueda causarle.

::: except when the law where the reader lives keeps out what happened
## Qué sucedió
::: only when the incident gives what happened
{{ what_happened }}
::: otherwise
Hace poco supimos que alguien accedió sin autorización a información personal que tenemos bajo nuestro cuidado.
:::
::: only when the incident gives the discovery date
Descubrimos el incidente el {{ discovered_on }}.
:::
:::

## Qué información se vio afectada
::: only when the letter goes to the person themselves
Los datos suyos que se vieron afectados son:
::: otherwise when the letter goes to a parent or guardian
Los datos de su hijo o hija que se vieron afectados son:
::: otherwise
Los datos de la persona fallecida que se vieron afectados son:
:::
::: only when the information exposed is known
{{ data_types_text }}.
::: otherwise
información personal.
:::
::: only when the incident gives what information was involved
{{ what_information }}
:::

::: only when medical information was exposed
Como se vio afectada información de salud, le recomendamos revisar las cartas y los estados de cuenta que reciba del seguro médico y de médicos, clínicas u hospitales. Si aparece algún servicio que no se recibió, comuníquese de inmediato con el seguro médico o con quien lo cobró.
:::

::: only when a Social Security number was exposed
Como se vio afectado un número de Seguro Social, le recomendamos pedir el congelamiento del crédito a cada una de las agencias nacionales de informes de crédito que aparecen más abajo.
:::

## Qué estamos haciendo
::: only when the incident gives what we are doing
{{ what_we_are_doing }}
::: otherwise
Protegimos los sistemas afectados, avisamos a las autoridades y estamos revisando nuestras medidas de seguridad.
:::

## Qué puede hacer usted
::: only when the incident gives what you can do
{{ what_you_can_do }}
:::
Le recomendamos mantenerse alerta: revise sus estados de cuenta y vigile sus informes de crédito, que puede obtener gratis. Tiene derecho a recibir cada año un informe de crédito gratuito de cada una de las agencias nacionales de informes de crédito: visite www.annualcreditreport.com o llame al (877) 322-8228. También puede pedir sin costo una alerta de fraude o el congelamiento de su crédito comunicándose con cualquiera de ellas:

[[credit bureaus]]

Para saber más sobre el robo de identidad, las alertas de fraude y el congelamiento del crédito, visite el sitio en español de la Comisión Federal de Comercio (FTC), www.robodeidentidad.gov, o llame al (877) 438-4338. Puede denunciar un robo de identidad ante la FTC o ante la policía local.

::: only when the letter goes to a parent or guardian
### Cómo proteger el crédito de su hijo o hija

Los menores casi nunca tienen historial de crédito, por eso es difícil darse cuenta de que alguien usa sus datos indebidamente. Puede pedir a cada agencia de informes de crédito que verifique si existe un historial de crédito a nombre de su hijo o hija y que lo congele sin costo; si no existe, la agencia crea uno bloqueado a nombre del menor. Cada agencia le pedirá documentos que demuestren quién es usted y que puede hacer trámites en nombre del menor, como una copia del acta de nacimiento y de la tarjeta de Seguro Social del menor.
:::

::: only when the letter goes to next of kin
### Cómo proteger el crédito de una persona fallecida

Puede pedir a cada agencia de informes de crédito que agregue al historial de crédito de la persona fallecida una nota que indique su fallecimiento y que no se debe aprobar ningún crédito a su nombre. Cada agencia le pedirá una copia del acta de defunción y un documento que demuestre que usted puede hacer trámites en nombre de la persona fallecida o de su herencia.
:::

[[state notice]]

## Más información
::: only when the incident gives for more information
{{ for_more_information }}
:::
::: only when the incident gives the assistance line's number
Si tiene preguntas, llame a nuestra línea de ayuda al {{ hotline_phone }},
::: only when the incident gives the assistance line's hours
{{ hotline_hours }},
:::
y tenga a mano el código de referencia que aparece en la parte superior de esta carta.
:::
::: only when the incident gives an address to write to
También puede escribirnos por correo electrónico a {{ contact_email }}.
:::

Atentamente,

**{{ organisation_name }}**
"""
BODY_ES = """<p>{% if is_self %}
Le escribimos para informarle de un incidente de seguridad que afectó parte de su información personal.
{% elif is_parent_guardian %}
Le escribimos para informarle de un incidente de seguridad que afectó información personal de su hijo o hija, cuyo nombre aparece arriba. Según nuestros registros, usted es su padre, madre o tutor legal.
{% else %}
Le escribimos porque, según nuestros registros, usted es familiar de la persona nombrada arriba, quien falleció. Queremos informarle de un incidente de seguridad que afectó la información personal de esa persona.
{% endif %}
Nos tomamos muy en serio la protección de esta información y lamentamos la preocupación que esto pueda causarle.</p>
{% if not omits_what_happened %}
<h2>Qué sucedió</h2>
<p>{% if what_happened %}
{{ what_happened }}
{% else %}
Hace poco supimos que alguien accedió sin autorización a información personal que tenemos bajo nuestro cuidado.
{% endif %}
{% if discovered_on %}
Descubrimos el incidente el {{ discovered_on }}.
{% endif %}</p>
{% endif %}
<h2>Qué información se vio afectada</h2>
<p>{% if is_self %}
Los datos suyos que se vieron afectados son:
{% elif is_parent_guardian %}
Los datos de su hijo o hija que se vieron afectados son:
{% else %}
Los datos de la persona fallecida que se vieron afectados son:
{% endif %}
{% if data_types_text %}
{{ data_types_text }}.
{% else %}
información personal.
{% endif %}
{% if what_information %}
{{ what_information }}
{% endif %}</p>
{% if has_medical %}
<p>Como se vio afectada información de salud, le recomendamos revisar las cartas y los estados de cuenta que reciba del seguro médico y de médicos, clínicas u hospitales. Si aparece algún servicio que no se recibió, comuníquese de inmediato con el seguro médico o con quien lo cobró.</p>
{% endif %}
{% if has_ssn %}
<p>Como se vio afectado un número de Seguro Social, le recomendamos pedir el congelamiento del crédito a cada una de las agencias nacionales de informes de crédito que aparecen más abajo.</p>
{% endif %}
<h2>Qué estamos haciendo</h2>
<p>{% if what_we_are_doing %}
{{ what_we_are_doing }}
{% else %}
Protegimos los sistemas afectados, avisamos a las autoridades y estamos revisando nuestras medidas de seguridad.
{% endif %}</p>
<h2>Qué puede hacer usted</h2>
<p>{% if what_you_can_do %}
{{ what_you_can_do }}
{% endif %}
Le recomendamos mantenerse alerta: revise sus estados de cuenta y vigile sus informes de crédito, que puede obtener gratis. Tiene derecho a recibir cada año un informe de crédito gratuito de cada una de las agencias nacionales de informes de crédito: visite www.annualcreditreport.com o llame al (877) 322-8228. También puede pedir sin costo una alerta de fraude o el congelamiento de su crédito comunicándose con cualquiera de ellas:</p>
<table class="bureaus">
<tr><td><strong>Equifax</strong><br>P.O. Box 105788<br>Atlanta, GA 30348-5788<br>(888) 298-0045<br>www.equifax.com</td>
<td><strong>Experian</strong><br>P.O. Box 9554<br>Allen, TX 75013<br>(888) 397-3742<br>www.experian.com</td>
<td><strong>TransUnion</strong><br>P.O. Box 2000<br>Chester, PA 19016<br>(800) 680-7289<br>www.transunion.com</td></tr>
</table>

<p>Para saber más sobre el robo de identidad, las alertas de fraude y el congelamiento del crédito, visite el sitio en español de la Comisión Federal de Comercio (FTC), www.robodeidentidad.gov, o llame al (877) 438-4338. Puede denunciar un robo de identidad ante la FTC o ante la policía local.</p>
{% if is_parent_guardian %}
<h3>Cómo proteger el crédito de su hijo o hija</h3>
<p>Los menores casi nunca tienen historial de crédito, por eso es difícil darse cuenta de que alguien usa sus datos indebidamente. Puede pedir a cada agencia de informes de crédito que verifique si existe un historial de crédito a nombre de su hijo o hija y que lo congele sin costo; si no existe, la agencia crea uno bloqueado a nombre del menor. Cada agencia le pedirá documentos que demuestren quién es usted y que puede hacer trámites en nombre del menor, como una copia del acta de nacimiento y de la tarjeta de Seguro Social del menor.</p>
{% endif %}
{% if is_next_of_kin %}
<h3>Cómo proteger el crédito de una persona fallecida</h3>
<p>Puede pedir a cada agencia de informes de crédito que agregue al historial de crédito de la persona fallecida una nota que indique su fallecimiento y que no se debe aprobar ningún crédito a su nombre. Cada agencia le pedirá una copia del acta de defunción y un documento que demuestre que usted puede hacer trámites en nombre de la persona fallecida o de su herencia.</p>
{% endif %}
{% if state_insert %}{% for block in state_insert.blocks %}
<h3>{{ block.title }}</h3>
<p>{% for line in block.lines %}{{ line }}{% if not forloop.last %}<br>{% endif %}{% endfor %}</p>
{% endfor %}{% endif %}

<h2>Más información</h2>
<p>{% if for_more_information %}
{{ for_more_information }}
{% endif %}
{% if hotline_phone %}
Si tiene preguntas, llame a nuestra línea de ayuda al {{ hotline_phone }},
{% if hotline_hours %}
{{ hotline_hours }},
{% endif %}
y tenga a mano el código de referencia que aparece en la parte superior de esta carta.
{% endif %}
{% if contact_email %}
También puede escribirnos por correo electrónico a {{ contact_email }}.
{% endif %}</p>
<p>Atentamente,</p>
<p><strong>{{ organisation_name }}</strong></p>
"""
LETTERS = {"en": (TEXT_EN, BODY_EN), "es": (TEXT_ES, BODY_ES)}


def keep_out(apps, schema_editor):
    LetterTemplate = apps.get_model("notifications", "LetterTemplate")
    for template in LetterTemplate.objects.exclude(text="").only("pk", "text").iterator():
        # As installed, or saved unchanged from the editor (which sends CRLF and trims the ends).
        shipped = template.text.replace("\r\n", "\n").strip()
        language = EARLIER_TEXTS.get(hashlib.sha256(shipped.encode("utf-8")).hexdigest())
        if language is not None:
            text, body = LETTERS[language]
            LetterTemplate.objects.filter(pk=template.pk).update(text=text, body=body)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0007_recipient_in_people"),
    ]

    # Backwards: the letters stay as they are, which the earlier code renders as it renders any letter text.
    operations = [migrations.RunPython(keep_out, migrations.RunPython.noop)]
