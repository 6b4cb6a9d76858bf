"""Sections other rooms add to the incident's dashboard: the obligations due, say. Each room registers
its panel in its AppConfig.ready, so the dashboard imports none of them and a room's figures are read
by the room that keeps them."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from incidents.access import IncidentAccess
from incidents.figures import PeopleFigures


@dataclass(frozen=True)
class Panel:
    template: str
    # The panel's template context for this person, or None when the panel is not for them.
    context: Callable[[IncidentAccess, PeopleFigures], dict[str, Any] | None]


PANELS: list[Panel] = []


def register(panel: Panel) -> None:
    PANELS.append(panel)


def shown(found: IncidentAccess, people: PeopleFigures) -> tuple[list[str], dict[str, Any]]:
    """The templates of the panels this person sees, in the order registered, and their context."""
    templates: list[str] = []
    context: dict[str, Any] = {}
    for panel in PANELS:
        extra = panel.context(found, people)
        if extra is not None:
            templates.append(panel.template)
            context |= extra
    return templates, context
