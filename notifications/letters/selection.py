"""Which recipients a new batch takes."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from incidents.models import DataType, Incident
from notifications.models import Letter
from people.models import Exposure, Recipient

# The order a batch's letters are numbered in: ZIP order, as the print house presorts by it.
ZIP_ORDER = ("postal_code", "name_key", "pk")


@dataclass(frozen=True)
class Selection:
    """By default everyone with a deliverable address and no letter yet; `remail` takes instead
    those whose every letter came back and whose address has since been corrected."""

    data_type: DataType | None = None
    state: str = ""
    relationship: str = ""
    remail: bool = False
    # Exactly these recipients (letters asked for again on calls), whether or not they had a letter.
    recipient_ids: frozenset[int] | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "data_type": self.data_type.key if self.data_type else "",
            "state": self.state,
            "relationship": self.relationship,
            "remail": self.remail,
            "resends": len(self.recipient_ids or ()),
        }


def recipients_for(incident: Incident, selection: Selection) -> QuerySet[Recipient]:
    letters = Letter.objects.filter(recipient=OuterRef("pk"))
    chosen = Recipient.objects.filter(incident=incident).filter(Recipient.deliverable())
    if selection.recipient_ids is not None:
        chosen = chosen.filter(pk__in=sorted(selection.recipient_ids))
    elif selection.remail:
        chosen = chosen.filter(Exists(letters.filter(Letter.returned()))).exclude(
            Exists(letters.filter(returned_on__isnull=True))
        )
    else:
        chosen = chosen.exclude(Exists(letters))
    if selection.data_type is not None:
        exposed = Exposure.objects.filter(individual=OuterRef("individual_id"), data_type=selection.data_type)
        chosen = chosen.filter(Exists(exposed))
    if selection.state:
        chosen = chosen.filter(state=selection.state)
    if selection.relationship:
        chosen = chosen.filter(relationship=selection.relationship)
    return chosen.order_by(*ZIP_ORDER)
