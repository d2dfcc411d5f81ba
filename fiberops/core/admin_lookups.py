"""Admin list look-ups must not confirm personal data (R-CUS-5).

Django's admin allows any look-up on a model's own fields in the changelist's query string, so
`/admin/customers/customer/?phone__startswith=1390000` answers "yes, such a customer exists"
without opening a record — and without the unmasking log. Admins that list personal fields name
them here; a look-up on one is refused (400), as Django refuses undeclared related look-ups."""

from django.db.models.constants import LOOKUP_SEP


class PersonalFieldsAdminMixin:
    #: Fields of the model whose values must not be probed through list look-ups.
    personal_fields: tuple[str, ...] = ()

    def lookup_allowed(self, lookup, value, request):
        if lookup.split(LOOKUP_SEP, 1)[0] in self.personal_fields:
            return False
        return super().lookup_allowed(lookup, value, request)  # type: ignore[misc]
