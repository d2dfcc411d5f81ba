"""Domain errors with stable codes: the API turns them into JSON, the UI into Chinese messages."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A refused business operation. `code` is stable and part of the API contract."""

    code = "domain_error"
    http_status = 400
    default_message = _("The operation was refused.")

    def __init__(self, message=None, **details):
        self.message = message or self.default_message
        self.details = details
        super().__init__(str(self.message))


class IllegalTransition(DomainError):
    """R-ORD-3: the order's current status does not allow this action."""

    code = "illegal_transition"
    http_status = 409
    default_message = _("This action is not allowed in the order's current status.")


class NotPermitted(DomainError):
    """R-SEC-2: the actor's role or scope does not allow this write."""

    code = "permission_denied"
    http_status = 403
    default_message = _("You are not allowed to do this.")


class RuleViolation(DomainError):
    """A business rule refused the input (e.g. an uncertified technician)."""

    code = "rule_violation"
    http_status = 422
    default_message = _("A business rule refused this request.")

    def __init__(self, message=None, *, code: str | None = None, **details):
        if code:
            self.code = code
        super().__init__(message, **details)


class Conflict(DomainError):
    """The request collides with another one in flight (e.g. the same Idempotency-Key)."""

    code = "conflict"
    http_status = 409
    default_message = _("The request conflicts with another one; retry shortly.")

    def __init__(self, message=None, *, code: str | None = None, **details):
        if code:
            self.code = code
        super().__init__(message, **details)


class Missing(DomainError):
    """What was asked for does not exist (yet) for this object, e.g. a service note never left."""

    code = "not_found"
    http_status = 404
    default_message = _("Not found.")

    def __init__(self, message=None, *, code: str | None = None, **details):
        if code:
            self.code = code
        super().__init__(message, **details)
