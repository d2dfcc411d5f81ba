"""Print the API token of a user, creating it on first use: `manage.py create_api_token bss`."""

from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from fiberops.accounts.choices import Role
from fiberops.accounts.models import User


class Command(BaseCommand):
    help = "Print (creating if needed) the API token of USERNAME; --rotate replaces it."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true", help="replace an existing token")
        parser.add_argument(
            "--create-integration",
            action="store_true",
            help="create USERNAME as an integration (API-only) account without a password if "
            "it does not exist",
        )

    def handle(self, *args, username, rotate, create_integration, **options):
        if create_integration and not User.objects.filter(username=username).exists():
            User.objects.create_user(username=username, password=None, role=Role.INTEGRATION)
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist as missing:
            raise CommandError(f"No active user named {username!r}.") from missing
        if rotate:
            Token.objects.filter(user=user).delete()
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
