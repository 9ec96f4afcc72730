"""enroll USERNAME … or enroll --csv FILE: create learners (printing new passwords) and enroll them.

Every row is checked before any is written, so a bad CSV changes nothing.
"""

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from apps.core.csvfile import read_rows
from apps.core.validators import sane_date
from apps.curriculum.models import Plan
from apps.progress.models import Enrollment, validate_timezone
from apps.progress.services import enroll


@dataclass
class Row:
    where: str
    username: str
    email: str | None
    start: date | None
    timezone: str | None


class Command(BaseCommand):
    help = "Create a learner if needed and enroll them in a plan; --csv enrolls many at once."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?")
        parser.add_argument("--email")
        parser.add_argument("--plan", help="plan slug (default: the only plan)")
        parser.add_argument("--start", help="day 1 as YYYY-MM-DD (default: today in the learner's timezone)")
        parser.add_argument("--timezone", help="IANA timezone such as Asia/Shanghai (default: TIME_ZONE)")
        parser.add_argument("--csv", dest="csv_path", help="CSV with columns username,email,start,timezone")

    def handle(self, *args, username=None, email=None, plan=None, start=None, timezone=None, csv_path=None, **options):
        if bool(username) == bool(csv_path):
            raise CommandError("give either a USERNAME or --csv FILE")
        plan_obj = self._plan(plan)
        if csv_path:
            rows = self._read_csv(csv_path)
        else:
            rows = [Row("arguments", username, email, None, timezone)]
            if start is not None:
                rows[0].start = self._date(start, "--start")
        problems = [p for row in rows for p in self._check(row)]
        seen = set()
        for row in rows:
            if row.username in seen:
                problems.append(f"{row.where}: username '{row.username}' appears twice")
            seen.add(row.username)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"nothing enrolled ({len(problems)} problem{'s' if len(problems) != 1 else ''})")

        passwords = self._save(rows, plan_obj)
        for row in rows:
            password = passwords.get(row.username)
            if password:
                self.stdout.write(f"{row.username}: new account, password {password}")
            else:
                self.stdout.write(f"{row.username}: enrolled")
        self.stdout.write(self.style.SUCCESS(f"Enrolled {len(rows)} learner{'s' if len(rows) != 1 else ''} in '{plan_obj.title}'"))

    def _plan(self, slug):
        plans = list(Plan.objects.order_by("slug"))
        if slug:
            found = next((p for p in plans if p.slug == slug), None)
            if found is None:
                raise CommandError(f"no plan with slug '{slug}' (plans here: {', '.join(p.slug for p in plans) or 'none'})")
            return found
        if not plans:
            raise CommandError("there is no plan yet: run `python manage.py import_plan fixtures/llm-engineer-180-days.md` first")
        if len(plans) > 1:
            raise CommandError(f"there are several plans; choose one with --plan ({', '.join(p.slug for p in plans)})")
        return plans[0]

    def _date(self, value, where):
        try:
            return sane_date(datetime.strptime(value.strip(), "%Y-%m-%d").date())
        except ValueError:
            raise CommandError(f"{where}: '{value}' is not a date YYYY-MM-DD") from None
        except ValidationError as error:
            raise CommandError(f"{where}: {error.messages[0]}") from None

    def _read_csv(self, path):
        rows, problems = [], []
        for number, cells in read_rows(path):
            if len(cells) > 4:
                problems.append(f"line {number}: expected username,email,start,timezone, got {len(cells)} columns")
                continue
            cells = [c.strip() for c in cells] + [""] * (4 - len(cells))
            start = None
            if cells[2]:
                try:
                    start = sane_date(datetime.strptime(cells[2], "%Y-%m-%d").date())
                except ValueError:
                    problems.append(f"line {number}: start '{cells[2]}' is not a date YYYY-MM-DD")
                except ValidationError as error:
                    problems.append(f"line {number}: start {cells[2]}: {error.messages[0]}")
            rows.append(Row(f"line {number}", cells[0], cells[1] or None, start, cells[3] or None))
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"nothing enrolled ({len(problems)} problem{'s' if len(problems) != 1 else ''})")
        if not rows:
            raise CommandError(f"{path} has no learners in it")
        return rows

    def _check(self, row):
        user_model = get_user_model()
        username_field = user_model._meta.get_field("username")
        try:
            username_field.run_validators(row.username)
            if not row.username:
                raise ValidationError("empty")
        except ValidationError:
            yield f"{row.where}: '{row.username}' is not a valid username (letters, digits and @/./+/-/_ only)"
        if row.email:
            try:
                validate_email(row.email)
            except ValidationError:
                yield f"{row.where}: '{row.email}' is not an e-mail address"
        if row.timezone:
            try:
                validate_timezone(row.timezone)
            except ValidationError:
                yield f"{row.where}: '{row.timezone}' is not an IANA timezone such as Asia/Shanghai"

    @transaction.atomic
    def _save(self, rows, plan):
        from zoneinfo import ZoneInfo

        from django.utils import timezone as dj_timezone

        user_model = get_user_model()
        users = {u.username: u for u in user_model.objects.filter(username__in=[r.username for r in rows])}
        enrollments = {e.user_id: e for e in Enrollment.objects.filter(user__in=users.values())}
        passwords = {}
        for row in rows:
            user = users.get(row.username)
            if user is None:
                passwords[row.username] = secrets.token_urlsafe(12)
                user = user_model.objects.create_user(row.username, email=row.email or "", password=passwords[row.username])
            elif row.email and user.email != row.email:
                user.email = row.email
                user.save(update_fields=["email"])
            current = enrollments.get(user.pk)
            tz = row.timezone or (current.timezone if current else settings.TIME_ZONE)
            start = row.start or (current.start_date if current else dj_timezone.now().astimezone(ZoneInfo(tz)).date())
            enroll(user=user, plan=plan, start_date=start, timezone=tz)
        return passwords
