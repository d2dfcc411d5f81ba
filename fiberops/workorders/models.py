"""Work orders (工单) and their append-only timeline (R-ORD-1..5)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fiberops.core.models import AppendOnlyModel
from fiberops.workforce.models import ScopedQuerySet, Team
from fiberops.workorders.states import OrderType, Status


class WorkOrderQuerySet(ScopedQuerySet):
    branch_path = "grid__branch_id"
    technician_user_path = "technician__user_id"

    def team_scope(self, user) -> Q:
        """A team leader sees the team's orders and the unassigned ones in the team's grid."""
        team_grid = Team.objects.filter(pk=user.team_id).values("grid_id")
        return Q(technician__team_id=user.team_id) | Q(
            technician__isnull=True, grid_id__in=team_grid
        )

    def with_list_relations(self):
        return self.select_related("grid__branch", "customer", "technician").prefetch_related(
            "deadlines"
        )

    def with_api_relations(self):
        """What the API's order JSON shows: the list's relations, the port, the appointments
        and the visits (R-APT-1, R-APT-4)."""
        return (
            self.with_list_relations()
            .select_related("splitter_port__box")
            .prefetch_related("appointments", "visits")
        )


class WorkOrder(models.Model):
    """A unit of field work: install, repair, survey, ... (工单). Status changes only through
    `workorders.actions`; every change is an `OrderEvent`."""

    bss_order_no = models.CharField(_("BSS order number"), max_length=40, unique=True)
    order_type = models.CharField(_("order type"), max_length=16, choices=OrderType.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW, db_index=True
    )
    accepted_at = models.DateTimeField(_("accepted by BSS at"))
    grid = models.ForeignKey(
        "workforce.Grid", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="orders"
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    plan_mbps = models.PositiveIntegerField(_("plan (Mbit/s)"), null=True, blank=True)
    broadband_account = models.CharField(
        _("broadband account"),
        max_length=64,
        blank=True,
        help_text=_(
            "The PPPoE account the BSS opened for the service (宽带账号), checked in AAA at "
            "acceptance (R-ACC-2)."
        ),
    )
    splitter_port = models.ForeignKey(
        "network.SplitterPort",
        verbose_name=_("splitter port"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    holds_port = models.BooleanField(
        _("holds its splitter port"),
        default=False,
        help_text=_(
            "An install or relocation takes its port for a live service; cancelling releases it. "
            "A port holds one live service."
        ),
    )
    description = models.TextField(_("description"), blank=True)
    requires_survey = models.BooleanField(
        _("requires a survey first"),
        default=False,
        help_text=_("The install clock then starts on the day the survey is completed (R-SLA-3)."),
    )
    technician = models.ForeignKey(
        "workforce.Technician",
        verbose_name=_("technician"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("accepted by technician at"), null=True, blank=True)
    first_contact_at = models.DateTimeField(_("first contact at"), null=True, blank=True)
    survey_completed_at = models.DateTimeField(_("survey completed at"), null=True, blank=True)
    survey_conditions_met = models.BooleanField(
        _("installation conditions met"), null=True, blank=True
    )
    appointment_starts_at = models.DateTimeField(_("appointment starts"), null=True, blank=True)
    appointment_ends_at = models.DateTimeField(_("appointment ends"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    suspended_from = models.CharField(
        _("suspended from status"), max_length=16, choices=Status.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = WorkOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-accepted_at", "-id"]
        indexes = [
            models.Index(fields=["grid", "status"], name="workorder_grid_status"),
            models.Index(fields=["technician", "status"], name="workorder_technician_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["splitter_port"],
                condition=Q(holds_port=True),
                name="workorder_one_live_service_per_port",
            ),
            models.CheckConstraint(
                name="workorder_owned_status_has_technician",
                condition=~Q(
                    status__in=["dispatched", "accepted", "appointed", "en_route", "on_site"]
                )
                | Q(technician__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.bss_order_no


class EventKind(models.TextChoices):
    """Kinds of timeline entries. The first five are `OrderEvent` rows written by
    `workorders/events.py`; the SLA kinds are read from the clock's own rows (`sla/queries.py`)
    when the timeline is shown, so the SLA app never writes the orders' tables."""

    CREATED = "created", _("Created")
    TRANSITION = "transition", _("Status changed")
    HANDOVER = "handover", _("Handed over")
    CONTACT_ATTEMPT = "contact_attempt", _("Customer contacted")
    SURVEY_COMPLETED = "survey_completed", _("Survey completed")
    RESCHEDULED = "rescheduled", _("Appointment rescheduled")
    RECONFIRMED = "reconfirmed", _("Appointment reconfirmed")
    RUNNING_LATE = "running_late", _("Running late")
    CUSTOMER_ABSENT = "customer_absent", _("Customer not at home")
    REMINDER = "reminder", _("Reminder")
    ACCEPTANCE_RECORDED = "acceptance_recorded", _("Acceptance reading")
    RESOURCE_CHANGED = "resource_changed", _("Resource changed")
    PHOTO_ADDED = "photo_added", _("Photo added")
    CHECKLIST_RECORDED = "checklist_recorded", _("Checklist item answered")
    SATISFACTION_RECORDED = "satisfaction_recorded", _("Customer satisfaction")
    CONFIRMATION_SIGNED = "confirmation_signed", _("Confirmation form signed")
    INSPECTION_LOGGED = "inspection_logged", _("Inspection logged")
    INSPECTION_TRANSFERRED = "inspection_transferred", _("Transferred to another department")
    SWITCH_BREACH = "switch_breach", _("Switch over threshold")
    SLA_WARNING = "sla_warning", _("SLA warning")
    SLA_BREACH = "sla_breach", _("SLA breach")
    CALENDAR_RECALCULATED = "calendar_recalculated", _("Deadline recalculated")


#: Events that change an order; a device-reported action may not predate the latest of them.
CHANGE_EVENTS = (
    EventKind.CREATED,
    EventKind.TRANSITION,
    EventKind.HANDOVER,
    EventKind.SURVEY_COMPLETED,
    EventKind.RESCHEDULED,
    EventKind.CUSTOMER_ABSENT,
)


class OrderEvent(AppendOnlyModel):
    """One line of an order's timeline (R-ORD-4): who did what, when, with the before/after."""

    order = models.ForeignKey(
        WorkOrder, verbose_name=_("work order"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=EventKind.choices)
    action = models.CharField(_("action"), max_length=32, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("occurred at"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    from_status = models.CharField(_("from status"), max_length=16, blank=True)
    to_status = models.CharField(_("to status"), max_length=16, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["order", "occurred_at"], name="orderevent_order_time")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind} {self.action}"


class SuspensionInitiator(models.TextChoices):
    """Who asked to suspend an order: the customer's request pauses its clocks (docs/sla.md)."""

    CUSTOMER = "customer", _("Customer's request")
    OPERATOR = "operator", _("Operator (materials, network work, other)")


class Initiator(models.TextChoices):
    """Who asked for an appointment's window, or for changing it (R-APT-1, R-APT-6)."""

    CUSTOMER = "customer", _("Customer")
    TECHNICIAN = "technician", _("Technician")


class AppointmentOutcome(models.TextChoices):
    """What became of an appointment (R-APT-4, R-APT-6, R-APT-9)."""

    PENDING = "pending", _("Pending")
    KEPT = "kept", _("Kept")
    KEPT_LATE = "kept_late", _("Kept late")
    BROKEN = "broken", _("Broken")
    RESCHEDULED = "rescheduled", _("Rescheduled in time")
    CUSTOMER_CHANGED = "customer_changed", _("Changed by the customer")


class Appointment(models.Model):
    """One booking of a visit (预约): a window the customer agreed to (R-APT-1). The order's
    bookings are numbered; at most one is pending. `is_second`: booked after the customer was
    not at home (R-APT-7), ranked first in every queue."""

    order = models.ForeignKey(
        WorkOrder,
        verbose_name=_("work order"),
        on_delete=models.CASCADE,
        related_name="appointments",
    )
    sequence = models.PositiveSmallIntegerField(_("sequence"))
    starts_at = models.DateTimeField(_("window starts"))
    ends_at = models.DateTimeField(_("window ends"))
    initiated_by = models.CharField(_("initiated by"), max_length=16, choices=Initiator.choices)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    booked_at = models.DateTimeField(_("booked at"))
    is_second = models.BooleanField(_("second appointment"), default=False)
    outcome = models.CharField(
        _("outcome"),
        max_length=16,
        choices=AppointmentOutcome.choices,
        default=AppointmentOutcome.PENDING,
    )
    outcome_at = models.DateTimeField(_("outcome at"), null=True, blank=True)
    change_reason = models.CharField(_("reason for the change"), max_length=500, blank=True)
    reconfirmed_at = models.DateTimeField(_("reconfirmed at"), null=True, blank=True)
    eta = models.DateTimeField(_("expected arrival"), null=True, blank=True)
    late_notice_at = models.DateTimeField(_("late notice at"), null=True, blank=True)
    reconfirm_reminded_at = models.DateTimeField(
        _("reminded to reconfirm at"), null=True, blank=True
    )
    miss_warned_at = models.DateTimeField(_("warned of a miss at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["order", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["order", "sequence"], name="appointment_sequence"),
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(outcome="pending"),
                name="appointment_one_pending_per_order",
            ),
            models.CheckConstraint(
                name="appointment_window_ordered", condition=Q(ends_at__gt=models.F("starts_at"))
            ),
        ]
        indexes = [models.Index(fields=["starts_at"], name="appointment_starts")]

    def __str__(self) -> str:
        return f"{self.order_id} #{self.sequence} {self.outcome}"


class SiteVisit(models.Model):
    """A check-in at the customer's (R-APT-4) and, if nobody was home, the wait and the service
    note left (R-APT-7, R-APT-8). `checked_in_recorded_at` is the server's time of the check-in:
    the 15-minute wait runs from it, whatever time a device reports."""

    order = models.ForeignKey(
        WorkOrder,
        verbose_name=_("work order"),
        on_delete=models.CASCADE,
        related_name="visits",
    )
    appointment = models.ForeignKey(
        Appointment,
        verbose_name=_("appointment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
    )
    technician = models.ForeignKey(
        "workforce.Technician",
        verbose_name=_("technician"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    checked_in_at = models.DateTimeField(_("checked in at"))
    checked_in_recorded_at = models.DateTimeField(_("check-in received at"))
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.PositiveIntegerField(_("accuracy (m)"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(
        _("distance to the customer (m)"), null=True, blank=True
    )
    absent_at = models.DateTimeField(_("customer absent reported at"), null=True, blank=True)
    wait_until = models.DateTimeField(_("wait until"), null=True, blank=True)
    note_left_at = models.DateTimeField(_("service note left at"), null=True, blank=True)

    class Meta:
        verbose_name = _("site visit")
        verbose_name_plural = _("site visits")
        ordering = ["order", "checked_in_at"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.checked_in_at:%Y-%m-%d %H:%M}"


class ReminderKind(models.TextChoices):
    """What the worker reminds the technician of before an appointment (R-APT-3, R-APT-4)."""

    RECONFIRM = "reconfirm", _("Reconfirm the visit with the customer")
    ABOUT_TO_MISS = "about_to_miss", _("Appointment about to be missed")


class AppointmentReminder(models.Model):
    """A reminder scheduled when the visit is booked and swept by the SLA worker when due (like
    the deadlines: a stored time, a partial index, batched `SKIP LOCKED` claims). When due it
    fires only if still needed (not yet reconfirmed / not yet on site); `outcome` says which."""

    appointment = models.ForeignKey(
        Appointment,
        verbose_name=_("appointment"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ReminderKind.choices)
    due_at = models.DateTimeField(_("due at"))
    fired_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"),
        max_length=16,
        blank=True,
        choices=[("sent", _("Sent")), ("not_needed", _("Not needed any more"))],
    )

    class Meta:
        verbose_name = _("appointment reminder")
        verbose_name_plural = _("appointment reminders")
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["appointment", "kind"], name="reminder_one_per_kind")
        ]
        indexes = [
            models.Index(
                fields=["due_at"], condition=Q(fired_at__isnull=True), name="reminder_unfired_due"
            )
        ]

    def __str__(self) -> str:
        return f"{self.appointment_id} {self.kind} {self.due_at:%Y-%m-%d %H:%M}"
