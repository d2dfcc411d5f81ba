"""The inventory as CSV and Excel (R-RES-1): one django-import-export resource per element kind.

Files have one header row with the column names of each kind's resource (docs/network.md) and one
element a row; codes name elements and their parents (a box names its grid and its first-level
splitter by code). A row whose code exists updates that element, any other creates one.

`check_file` and `actions.import_inventory` read a file into a `tablib.Dataset` and run the
resource's import: a **dry run** writes nothing and returns every row it would reject, with the
column and the reason; a real import is one transaction that writes every row or none. Row
numbers are the file's lines as a spreadsheet shows them: the header is row 1, the first element
row 2.

Adding a kind is one `InventoryResource` subclass and one entry in `RESOURCES`.

Switches (`switch`) carry their SNMP community, a secret: the export writes the column empty for
a role that may not read it (`may(user, "switch.read_secret")`: administrators), so the file keeps
its columns and imports back; an empty community on import keeps the stored one (a new switch
gets the default, `public`).
"""

import io
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from fiberops.accounts.permissions import may
from fiberops.network.models import (
    DeviceProfile,
    Olt,
    PonPort,
    Splitter,
    SplitterBox,
    SplitterPort,
    Switch,
)
from fiberops.workforce.models import Grid

#: File formats read and written: CSV in UTF-8 (a BOM is accepted: Excel writes one), and xlsx.
FORMATS = ("csv", "xlsx")
#: The header row is the file's row 1: the first element is on row 2.
FIRST_DATA_ROW = 2


class CodeWidget(widgets.ForeignKeyWidget):
    """A parent named by its code (or another unique `key`, a device profile's name). An unknown
    code is a field error of the row, in words."""

    def __init__(self, model: type[Model], label: str, key: str = "code", **kwargs: Any) -> None:
        super().__init__(model, field=key, **kwargs)
        self.label = label

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except ObjectDoesNotExist:
            raise ValueError(
                _("No %(kind)s with the code “%(code)s”.") % {"kind": self.label, "code": value}
            ) from None


def code_field(
    attribute: str, model: type[Model], label, *, required: bool = True, key: str = "code"
):
    return fields.Field(
        attribute=attribute,
        column_name=attribute,
        widget=CodeWidget(model, str(label), key),
        saves_null_values=not required,
    )


class InventoryResource(resources.ModelResource):
    """Base of the inventory's resources: validated like a form (`full_clean`), every row
    reported, imported in one transaction."""

    #: The kind's name in the command, the API's URL and the admin.
    kind: ClassVar[str] = ""
    #: The columns that name an element (its natural key).
    key_columns: ClassVar[tuple[str, ...]] = ("code",)

    def __init__(self, *, user=None, **kwargs: Any) -> None:
        """`user`: who the export is for (None: the server's shell, or an import)."""
        super().__init__(**kwargs)
        self.user = user

    class Meta:
        clean_model_instances = True
        use_transactions = True
        skip_diff = True
        import_id_fields: tuple[str, ...] = ("code",)

    @classmethod
    def scoped(cls, user) -> QuerySet:
        """The rows `user` may export: the model's `visible_to`."""
        model = cls._meta.model
        return model.objects.visible_to(user)  # type: ignore[attr-defined]

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        # The widgets raise what their parsers raise (decimal.InvalidOperation for "eight" in a
        # number column): every such refusal becomes the column's error, in words.
        try:
            super().import_field(field, instance, row, is_m2m, **kwargs)
        except ValueError:
            raise
        except (ArithmeticError, TypeError):
            raise ValueError(
                _("“%(value)s” is not a valid value for this column.")
                % {"value": row.get(field.column_name, "")}
            ) from None

    def before_import_row(self, row, **kwargs):
        missing = [column for column in self.key_columns if not str(row.get(column) or "").strip()]
        if missing:
            raise ValidationError({name: _("This column is required.") for name in missing})


class OltResource(InventoryResource):
    kind = "olt"
    grid = code_field("grid", Grid, gettext_lazy("grid"))

    class Meta(InventoryResource.Meta):
        model = Olt
        fields = ("code", "name", "grid", "model_name", "lat", "lng", "state")


class PonPortResource(InventoryResource):
    kind = "pon_port"
    olt = code_field("olt", Olt, gettext_lazy("OLT"))

    class Meta(InventoryResource.Meta):
        model = PonPort
        fields = ("code", "name", "olt", "slot", "number", "state")

    @classmethod
    def scoped(cls, user) -> QuerySet:
        return PonPort.objects.visible_to(user).select_related("olt")


class SplitterResource(InventoryResource):
    kind = "splitter"
    pon_port = code_field("pon_port", PonPort, gettext_lazy("PON port"), required=False)
    grid = code_field("grid", Grid, gettext_lazy("grid"))

    class Meta(InventoryResource.Meta):
        model = Splitter
        fields = ("code", "name", "pon_port", "grid", "ratio", "lat", "lng", "state")

    @classmethod
    def scoped(cls, user) -> QuerySet:
        return Splitter.objects.visible_to(user).select_related("pon_port", "grid")


class SplitterBoxResource(InventoryResource):
    """Second-level boxes; a new box gets its ports 1..`port_count` (free); a larger count adds
    the missing ones; ports are never deleted by an import."""

    kind = "box"
    grid = code_field("grid", Grid, gettext_lazy("grid"))
    splitter = code_field(
        "splitter", Splitter, gettext_lazy("first-level splitter"), required=False
    )

    class Meta(InventoryResource.Meta):
        model = SplitterBox
        fields = ("code", "name", "grid", "splitter", "port_count", "lat", "lng", "state")

    @classmethod
    def scoped(cls, user) -> QuerySet:
        return SplitterBox.objects.visible_to(user).select_related("grid", "splitter")

    def after_save_instance(self, instance, row, **kwargs):
        SplitterPort.objects.bulk_create(
            [SplitterPort(box=instance, number=n) for n in range(1, instance.port_count + 1)],
            ignore_conflicts=True,
        )


class SplitterPortResource(InventoryResource):
    """Ports of a box. Their occupancy is not imported: it changes only through the actions
    (`network/actions.py`); `state` and `work_order_id` are exported for reading."""

    kind = "port"
    key_columns = ("box", "number")
    box = code_field("box", SplitterBox, gettext_lazy("splitter box"))
    state = fields.Field(attribute="state", column_name="state", readonly=True)
    work_order_id = fields.Field(
        attribute="work_order_id", column_name="work_order_id", readonly=True
    )

    class Meta(InventoryResource.Meta):
        model = SplitterPort
        fields = ("box", "number", "state", "work_order_id")
        import_id_fields: tuple[str, ...] = ("box", "number")

    @classmethod
    def scoped(cls, user) -> QuerySet:
        return SplitterPort.objects.visible_to(user).select_related("box")

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        # The box names the port: check it before the row is looked up, to report it as the
        # box column's error rather than a failed look-up.
        try:
            self.fields["box"].clean(row)
        except ValueError as error:
            raise ValidationError({"box": str(error)}) from None


class SwitchResource(InventoryResource):
    """Community and village switches with their SNMP settings and uplink (an OLT's or another
    switch's code; a cascade imports top down, the upper switch on an earlier row or file)."""

    kind = "switch"
    grid = code_field("grid", Grid, gettext_lazy("grid"))
    profile = code_field(
        "profile", DeviceProfile, gettext_lazy("device profile"), required=False, key="name"
    )
    uplink_olt = code_field("uplink_olt", Olt, gettext_lazy("OLT"), required=False)
    uplink_switch = code_field("uplink_switch", Switch, gettext_lazy("switch"), required=False)

    class Meta(InventoryResource.Meta):
        model = Switch
        fields = (
            "code",
            "name",
            "kind",
            "grid",
            "lat",
            "lng",
            "state",
            "management_address",
            "snmp_port",
            "snmp_community",
            "device_model",
            "profile",
            "uplink_interface",
            "uplink_if_index",
            "uplink_olt",
            "uplink_switch",
        )

    @property
    def reveal_secrets(self) -> bool:
        # No user: the server's shell (`manage.py`), trusted like a migration.
        return self.user is None or may(self.user, "switch.read_secret")

    @classmethod
    def scoped(cls, user) -> QuerySet:
        return Switch.objects.visible_to(user).select_related(
            "grid", "profile", "uplink_olt", "uplink_switch"
        )

    def dehydrate_snmp_community(self, switch: Switch) -> str:
        return switch.snmp_community if self.reveal_secrets else ""

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.attribute == "snmp_community" and not str(row.get("snmp_community") or "").strip():
            return  # an export without secrets imports back without wiping them
        super().import_field(field, instance, row, is_m2m, **kwargs)


RESOURCES: dict[str, type[InventoryResource]] = {
    resource.kind: resource
    for resource in (
        OltResource,
        PonPortResource,
        SplitterResource,
        SplitterBoxResource,
        SplitterPortResource,
        SwitchResource,
    )
}


@dataclass(frozen=True)
class RowError:
    """One reason a row is refused: the file's row number, its column ("" for the whole row)."""

    row: int
    field: str
    message: str


@dataclass
class ImportReport:
    """What an import did or, in a dry run, would do."""

    kind: str
    dry_run: bool
    rows: int
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    @property
    def valid(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "valid": self.valid,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "errors": [asdict(error) for error in self.errors],
        }


class UnreadableFile(ValueError):
    """The file is not a CSV or xlsx table this import reads."""


def read_dataset(content: bytes, file_format: str) -> tablib.Dataset:
    """The file's rows as a Dataset; raises `UnreadableFile` with a message for the user."""
    if file_format not in FORMATS:
        raise UnreadableFile(_("Send a CSV or an Excel (xlsx) file."))
    try:
        if file_format == "csv":
            text = content.decode("utf-8-sig")
            return tablib.Dataset().load(io.StringIO(text), format="csv")
        return tablib.Dataset().load(io.BytesIO(content), format="xlsx")
    except UnicodeDecodeError:
        raise UnreadableFile(_("The CSV file is not UTF-8 text.")) from None
    except Exception:  # noqa: BLE001 - tablib/openpyxl raise many kinds for a broken file
        raise UnreadableFile(_("The file cannot be read as a table.")) from None


def format_of(filename: str) -> str:
    """`csv` or `xlsx` by the file name's extension ("" for anything else)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return extension if extension in FORMATS else ""


def _duplicate_errors(resource: InventoryResource, dataset: tablib.Dataset) -> list[RowError]:
    """A key given twice in one file: the later row would silently overwrite the earlier."""
    columns = resource.key_columns
    if not all(column in (dataset.headers or []) for column in columns):
        return []
    seen: dict[tuple, int] = {}
    found = []
    for index, row in enumerate(dataset.dict, start=FIRST_DATA_ROW):
        key = tuple(str(row.get(column) or "").strip() for column in columns)
        if not all(key):
            continue
        if key in seen:
            found.append(
                RowError(
                    index,
                    columns[0],
                    _("“%(key)s” is already on row %(row)s.")
                    % {"key": "/".join(key), "row": seen[key]},
                )
            )
        else:
            seen[key] = index
    return found


def _messages(value: Iterable) -> list[str]:
    return [str(message) for message in value]


def result_errors(result) -> list[RowError]:
    """Every refusal in an import's result, by row (the file's numbering), then column."""
    found: list[RowError] = []
    for error in result.base_errors:
        found.append(RowError(1, "", str(error.error)))
    for invalid in result.invalid_rows:
        row = invalid.number + FIRST_DATA_ROW - 1
        for name, messages in invalid.error_dict.items():
            column = "" if name == NON_FIELD_ERRORS else name
            found.extend(RowError(row, column, message) for message in _messages(messages))
    for number, errors in result.row_errors():
        for error in errors:
            found.append(RowError(number + FIRST_DATA_ROW - 1, "", str(error.error)))
    return found


def run_import(kind: str, dataset: tablib.Dataset, *, dry_run: bool) -> ImportReport:
    """Import `dataset` as elements of `kind`; callers hold the transaction (the action)."""
    resource = RESOURCES[kind]()
    report = ImportReport(kind=kind, dry_run=dry_run, rows=len(dataset))
    missing = [c for c in resource.key_columns if c not in (dataset.headers or [])]
    if missing:
        report.errors = [
            RowError(1, column, _("The header has no column “%(column)s”.") % {"column": column})
            for column in missing
        ]
        return report
    duplicates = _duplicate_errors(resource, dataset)
    result = resource.import_data(
        dataset,
        dry_run=dry_run or bool(duplicates),
        raise_errors=False,
        use_transactions=True,
        rollback_on_validation_errors=True,
    )
    report.errors = sorted(
        result_errors(result) + duplicates, key=lambda error: (error.row, error.field)
    )
    report.created = result.totals.get("new", 0)
    report.updated = result.totals.get("update", 0)
    return report


def export_dataset(kind: str, user) -> tablib.Dataset:
    """The elements of `kind` that `user` may read, as a Dataset with the import's columns."""
    resource_class = RESOURCES[kind]
    return resource_class(user=user).export(queryset=resource_class.scoped(user))
