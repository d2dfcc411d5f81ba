"""Delete stored photo files that no photo names (R-PHO-3): left by a process that died between
writing the files and committing the row (`onsite.actions.add_photo` deletes them itself on any
error it sees)."""

import datetime as dt

from django.core.management.base import BaseCommand

from fiberops.core.clock import now
from fiberops.onsite.actions import sweep_orphan_files


class Command(BaseCommand):
    help = "Delete photo files under photos/ that no photo row names and that are old enough."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=60,
            help="leave younger files alone: their upload may still be committing (default 60)",
        )
        parser.add_argument("--dry-run", action="store_true", help="only list them")

    def handle(self, *args, older_than_minutes, dry_run, **options):
        swept = sweep_orphan_files(
            now=now(), older_than=dt.timedelta(minutes=older_than_minutes), dry_run=dry_run
        )
        for name in swept:
            self.stdout.write(name)
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(f"{verb} {len(swept)} orphan file(s)")
