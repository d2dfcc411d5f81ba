"""Plumbing tables shared by every app (no business rules)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyRecord(models.Model):
    """The stored answer to a write sent with an `Idempotency-Key` header, so that a phone
    replaying its offline queue (ROADMAP 1) or a retrying BSS gets the same answer again instead
    of doing the work twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE
    )
    key = models.CharField(_("idempotency key"), max_length=64)
    method = models.CharField(_("method"), max_length=8)
    path = models.CharField(_("path"), max_length=255)
    request_digest = models.CharField(_("request digest"), max_length=64)
    response_status = models.PositiveSmallIntegerField(_("response status"))
    response_body = models.JSONField(_("response body"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk updates and deletes of history rows (STYLE habit 3, R-ORD-4)."""

    def update(self, **kwargs):
        raise TypeError(_append_only(self.model))

    def delete(self):
        raise TypeError(_append_only(self.model))


class AppendOnlyModel(models.Model):
    """A history row: written once in the transaction of the change it records, never changed
    or deleted afterwards (STYLE habit 3, R-ORD-4). A model with its own queryset class mixes
    `AppendOnlyQuerySet` into it."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(_append_only(type(self)))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(_append_only(type(self)))


def _append_only(model: type[models.Model]) -> str:
    return f"{model.__name__} rows are append-only (R-ORD-4)."
