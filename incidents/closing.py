"""What must be settled before an incident closes. Each room that keeps something the incident owes
registers a check (in its AppConfig.ready): the regulators' room, the obligations neither done nor
documented as not owed. Closing is refused while any check names something open."""

from collections.abc import Callable

from incidents.models import Incident

# A check names what is still open on the incident, in words for the manager ("Texas Attorney General:
# Breach report"); an empty list when nothing is.
CHECKS: list[Callable[[Incident], list[str]]] = []


def register(check: Callable[[Incident], list[str]]) -> None:
    CHECKS.append(check)


def still_open(incident: Incident) -> list[str]:
    """Everything the registered checks name as open, in the order they were registered."""
    return [item for check in CHECKS for item in check(incident)]


def refusal(open_items: list[str]) -> str:
    shown = "; ".join(open_items[:10]) + (f"; and {len(open_items) - 10} more" if len(open_items) > 10 else "")
    return (
        f"The incident cannot close while {len(open_items)} obligation{'s are' if len(open_items) != 1 else ' is'} "
        f"open: {shown}. Mark each done, or record a decision not to give it."
    )
