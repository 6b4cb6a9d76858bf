"""The letter-making pipeline: one incident's letters, each in the variant chosen for it, laid out as PDF pages.

Pure of the worker's mechanics (claims, chunks, assembly: jobs.py): the render chunks, the preview and the
benchmarks use it alike.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.template import Template
from django.utils import timezone
from django.utils.safestring import SafeString

from incidents.models import DataType, Incident
from notifications.letters import frame, merge, sandbox
from notifications.letters.render import BodyStore, LaidOut, LetterPage, Renderer
from notifications.models import Letter, LetterTemplate
from people.models import Exposure

logger = logging.getLogger(__name__)

NO_TEMPLATE = "No active template fits this recipient (language, relationship, state or data types)."
NO_DATE = (
    "The incident has no notice date, the date its letters are dated, and the batch has no date of its own: "
    "set the notice date on the incident's form, then render again."
)


def renderer_for(incident: Incident) -> Renderer:
    logo = None
    if incident.letter_logo:
        with incident.letter_logo.open("rb") as f:
            logo = f.read()
    lines = [incident.organisation_name, *incident.return_address.splitlines()]
    return Renderer(return_lines=[line.strip() for line in lines if line.strip()], logo=logo)


def warm_up() -> None:
    """Render one throwaway letter, so that what every renderer of a worker process shares is loaded before its
    first task: the frame's fonts, and WeasyPrint's and cairo's C bindings (cffi parses each C type the first
    time it is used). A worker's first chunk otherwise waited about half a second for them; the bodies of a
    batch's letters are still laid out by the renderer that draws them."""
    renderer = Renderer(return_lines=["Warm-up"])
    page = LetterPage(
        body=sandbox.render_body(sandbox.compile_body("<p>Warm-up.</p>"), {}),
        sequence=1,
        reference_code="WARM-UP",
        address_lines=["Warm Up", "1 Main Street", "Springfield MO 65801"],
        letter_date="January 1, 2026",
        language="en",
        salutation="Dear reader:",
    )
    renderer.write([renderer.layout(page)])


@dataclass
class Outcome:
    """What became of one letter in a chunk."""

    letter: Letter
    reason: str = ""
    template_id: int | None = None
    document: LaidOut | None = None


class LetterMaker:
    """Turns letters of one incident into laid-out documents; templates compile once."""

    def __init__(self, incident: Incident) -> None:
        self.incident = incident
        self.templates = list(LetterTemplate.objects.filter(incident=incident, is_active=True))
        self._compiled: dict[int, Template] = {}
        self._shared: dict[str, dict[str, Any]] = {}
        self.renderer = renderer_for(incident)

    def _body(self, template: LetterTemplate, context: Mapping[str, Any]) -> SafeString:
        if template.pk not in self._compiled:
            self._compiled[template.pk] = sandbox.compile_body(template.body)
        return sandbox.render_body(self._compiled[template.pk], context)

    def shared(self, language: str) -> dict[str, Any]:
        if language not in self._shared:
            self._shared[language] = merge.incident_fields(self.incident, language)
        return self._shared[language]

    def make(
        self, letter: Letter, data_types: list[DataType], on: date | None, template: LetterTemplate | None = None
    ) -> Outcome:
        """Lay out one letter dated `on` in the variant chosen for it (or in `template`, for a preview)."""
        return self._lay_out(self._prepare(letter, data_types, on, template))

    def make_chunk(
        self,
        letters: Sequence[Letter],
        types: Mapping[int, list[DataType]],
        on: date | None,
        store: BodyStore | None = None,
        descending: bool = False,
    ) -> list[Outcome]:
        """`make` for each of a chunk's letters (`types`: each person's data types). With `store`, the
        bodies the chunk needs are laid out first, in key order or its `descending` reverse, sharing them
        with the batch's other workers (Renderer.lay_out_bodies)."""
        prepared = [self._prepare(letter, types.get(letter.recipient.individual_id, []), on) for letter in letters]
        if store is not None:
            pages = [p.page for p in prepared if isinstance(p, _Prepared)]
            self.renderer.lay_out_bodies(pages, store, descending)
        return [self._lay_out(p) for p in prepared]

    def _prepare(
        self, letter: Letter, data_types: list[DataType], on: date | None, template: LetterTemplate | None = None
    ) -> "_Prepared | Outcome":
        """The letter's page with its body merged, or the Outcome that says why it has none."""
        facts = merge.LetterFacts(letter.recipient, letter.recipient.individual, data_types)
        template = template or merge.choose_template(self.templates, facts)
        if template is None:
            return Outcome(letter, NO_TEMPLATE)
        if on is None:
            return Outcome(letter, NO_DATE, template.pk)
        try:
            context = merge.letter_context(facts, self.shared(template.language), template.language, on)
        except merge.MissingTranslation as missing:
            return Outcome(letter, f"Template “{template.name}”: {missing}", template.pk)
        try:
            page = LetterPage(
                body=self._body(template, context),
                sequence=letter.sequence,
                reference_code=str(context["reference_code"]),
                address_lines=context["address_lines"],
                letter_date=str(context["letter_date"]),
                language=template.language,
                salutation=str(context["salutation"]),
                regarding="" if context["is_self"] else str(context["individual_name"]),
            )
        except Exception as exc:
            return _failed(letter, template, exc)
        return _Prepared(letter, template, page)

    def _lay_out(self, prepared: "_Prepared | Outcome") -> Outcome:
        if isinstance(prepared, Outcome):
            return prepared
        letter, template = prepared.letter, prepared.template
        try:
            return Outcome(letter, template_id=template.pk, document=self.renderer.layout(prepared.page))
        except Exception as exc:
            return _failed(letter, template, exc)


def _failed(letter: Letter, template: LetterTemplate, exc: Exception) -> Outcome:
    """Why a letter could not be made, in words the batch's page can show."""
    if isinstance(exc, sandbox.TemplateProblem):
        return Outcome(letter, f"Template “{template.name}”: {exc}", template.pk)
    if isinstance(exc, frame.FrameProblem):  # names the line, never its text
        return Outcome(letter, str(exc), template.pk)
    # The renderer's own failure: name its kind only (the message may quote data).
    logger.warning("letter %s of batch %s: %s", letter.sequence, letter.batch_id, type(exc).__name__)
    return Outcome(letter, f"The PDF renderer failed ({type(exc).__name__}).", template.pk)


@dataclass(frozen=True)
class _Prepared:
    """A letter whose body is merged, to be laid out."""

    letter: Letter
    template: LetterTemplate
    page: LetterPage


_makers: dict[int, tuple[tuple[object, ...], LetterMaker]] = {}


def maker_for(incident: Incident) -> LetterMaker:
    """A worker process keeps one maker per incident, so its bodies stay laid out from chunk to chunk;
    an edited template or incident (a re-render after a fix) makes a new one."""
    templates = LetterTemplate.objects.filter(incident=incident, is_active=True)
    # The date is part of it: a worker that runs past midnight dates the next letters afresh.
    version = (timezone.localdate(), incident.updated_at, *templates.order_by("pk").values_list("pk", "updated_at"))
    cached = _makers.get(incident.pk)
    if cached is None or cached[0] != version:
        _makers.clear()  # one incident at a time is plenty; a worker renders batch after batch
        _makers[incident.pk] = (version, LetterMaker(incident))
    return _makers[incident.pk][1]


def data_types_of(letters: Iterable[Letter]) -> dict[int, list[DataType]]:
    individual_ids = [letter.recipient.individual_id for letter in letters]
    catalog = {t.pk: t for t in DataType.objects.all()}
    found: dict[int, list[DataType]] = defaultdict(list)
    for individual_id, type_id in Exposure.objects.filter(individual_id__in=individual_ids).values_list(
        "individual_id", "data_type_id"
    ):
        found[individual_id].append(catalog[type_id])
    return found
