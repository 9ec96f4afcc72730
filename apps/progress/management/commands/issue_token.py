"""issue_token USERNAME [--name NAME]: print a new personal API token (it is stored hashed)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from apps.progress.services import issue_token


class Command(BaseCommand):
    help = "Create a personal API token for a user and print it (shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for, e.g. 'iPhone shortcut'")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user '{username}'; create one with: python manage.py enroll {username}")
        if len(name) > 100:
            raise CommandError("--name is at most 100 characters")
        _token, raw = issue_token(user=user, name=name)
        self.stdout.write(raw)
