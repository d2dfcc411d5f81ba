"""manage.py import_inventory --kind box --file boxes.csv [--dry-run] (R-RES-1).

Imports one kind of network element from a CSV (UTF-8) or xlsx file; the columns are in
docs/network.md. Every refused row is printed (row, column, reason) and the command exits with
status 1 having imported nothing; `--dry-run` checks the file and never writes."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fiberops.network.actions import import_inventory
from fiberops.network.inventory import RESOURCES, UnreadableFile, format_of, read_dataset


class Command(BaseCommand):
    help = "Import network elements of one kind from a CSV or xlsx file (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=sorted(RESOURCES))
        parser.add_argument("--file", required=True, type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row; write nothing."
        )

    def handle(self, *args, kind: str, file: Path, dry_run: bool, **options):
        file_format = format_of(file.name)
        if not file_format:
            raise CommandError("The file must end in .csv or .xlsx.")
        try:
            dataset = read_dataset(file.read_bytes(), file_format)
        except (OSError, UnreadableFile) as refused:
            raise CommandError(str(refused)) from None
        # The server's shell is trusted like a migration: no user, no role check.
        report = import_inventory(kind, dataset, actor=None, dry_run=dry_run)
        for error in report.errors:
            column = f" [{error.field}]" if error.field else ""
            self.stderr.write(f"row {error.row}{column}: {error.message}")
        if report.errors:
            raise CommandError(
                f"{len(report.errors)} problem(s) in {report.rows} row(s): nothing imported."
            )
        verb = "would import" if dry_run else "imported"
        self.stdout.write(
            f"{kind}: {verb} {report.rows} row(s) ({report.created} new, {report.updated} updated)."
        )
