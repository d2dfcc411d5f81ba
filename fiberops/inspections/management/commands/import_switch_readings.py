"""Import switch readings from a CSV file (R-INS-3): all rows or none; a bad row is named."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fiberops.inspections.switch_actions import CSV_COLUMNS, ImportRefused, import_readings


class Command(BaseCommand):
    help = f"Import switch readings from CSV (columns {','.join(CSV_COLUMNS)}); all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("--file", required=True, help="the CSV file (UTF-8)")

    def handle(self, *args, file, **options):
        try:
            text = Path(file).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        try:
            count = import_readings(text, actor=None)
        except ImportRefused as error:
            raise CommandError(
                _("Nothing imported. %(reason)s") % {"reason": error.message}
            ) from None
        self.stdout.write(f"{count} readings imported.")
