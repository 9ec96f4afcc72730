"""bootstrap: what `make run` needs before the first start, safe to run every time.

Imports the shipped plan when there is no plan yet, and makes sure someone can log in: on the
first run it creates an admin account with a random password and prints it once.
"""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from apps.curriculum.models import Plan
from apps.progress.services import enroll

SHIPPED_PLAN = Path(settings.BASE_DIR) / "fixtures" / "llm-engineer-180-days.md"


class Command(BaseCommand):
    help = "Import the shipped plan if there is none, and create the first admin account if there is no user."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        if not Plan.objects.exists():
            call_command("import_plan", str(SHIPPED_PLAN), stdout=self.stdout, stderr=self.stderr)
        from apps.reminders.channels import vapid

        vapid()  # the Web Push key pair, made once here (kept in the database) unless VAPID_PRIVATE_KEY is set
        users = get_user_model().objects
        if users.exists():
            self.stdout.write("Accounts exist already. To add one: python manage.py enroll USERNAME --email you@example.com")
            return
        password = secrets.token_urlsafe(12)
        user = users.create_superuser(username, email="", password=password)
        enroll(user=user, plan=Plan.objects.order_by("pk").first(), start_date=timezone.localdate(), timezone=settings.TIME_ZONE)
        self.stdout.write(self.style.SUCCESS("=" * 60))
        self.stdout.write(self.style.SUCCESS(f"First run: created the admin account '{username}'"))
        self.stdout.write(self.style.SUCCESS(f"  password: {password}"))
        self.stdout.write(self.style.SUCCESS("Shown only this once. Change it at /admin/password_change/."))
        self.stdout.write(self.style.SUCCESS("=" * 60))
