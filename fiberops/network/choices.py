"""States of network resources (R-RES-1)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ResourceState(models.TextChoices):
    """The life of an element of the network: planned, in service, faulty, retired."""

    PLANNED = "planned", _("Planned")
    IN_SERVICE = "in_service", _("In service")
    FAULTY = "faulty", _("Faulty")
    RETIRED = "retired", _("Retired")


class PortState(models.TextChoices):
    """A splitter port's occupancy: free, occupied by a customer's service, or faulty."""

    FREE = "free", _("Free")
    OCCUPIED = "occupied", _("Occupied")
    FAULTY = "faulty", _("Faulty")


class PortEventKind(models.TextChoices):
    """What happened to a port; each kind is one action in `network/actions.py`."""

    OCCUPIED = "occupied", _("Occupied")
    RELEASED = "released", _("Released")
    MARKED_FAULTY = "marked_faulty", _("Marked faulty")
    REPAIRED = "repaired", _("Repaired")


#: action → (the states it starts from, the state it leads to). The one table of port moves.
PORT_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "occupy": (frozenset({PortState.FREE}), PortState.OCCUPIED),
    "release": (frozenset({PortState.OCCUPIED}), PortState.FREE),
    "mark_faulty": (frozenset({PortState.FREE}), PortState.FAULTY),
    "repair": (frozenset({PortState.FAULTY}), PortState.FREE),
}
