"""export_user USERNAME [--csv]: print everything a learner has as JSON (or their check-ins as CSV)."""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.portability import checkins_csv, export_user


class Command(BaseCommand):
    help = "Print a learner's data as one JSON document that import_user reads back; --csv prints check-ins as CSV."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--csv", action="store_true", help="only the check-ins, as CSV")

    def handle(self, *args, username, csv=False, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user '{username}'")
        self.stdout.write(
            checkins_csv(user) if csv else json.dumps(export_user(user), ensure_ascii=False, indent=2), ending="" if csv else "\n"
        )
