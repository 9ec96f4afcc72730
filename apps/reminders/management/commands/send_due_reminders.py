"""send_due_reminders [--now 2026-03-08T11:00:00Z] [--dry-run]: one dispatch-and-send pass in the foreground.

For cron instead of Celery beat, and for tests. With --dry-run it lists who would get what and writes nothing.
"""

from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.reminders import services
from apps.reminders.models import Reminder


class Command(BaseCommand):
    help = "Record due reminders and send them now (without Celery)."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="the instant to act at, ISO 8601 with a timezone (default: now)")
        parser.add_argument("--dry-run", action="store_true", help="list who would get what; change nothing")

    def handle(self, *args, now=None, dry_run=False, **options):
        instant = None
        if now:
            try:
                instant = datetime.fromisoformat(now.replace("Z", "+00:00"))
            except ValueError:
                raise CommandError(f"--now: '{now}' is not an ISO 8601 instant such as 2026-03-08T11:00:00Z") from None
            if instant.tzinfo is None:
                raise CommandError("--now needs a timezone, such as 2026-03-08T11:00:00Z")
            instant = instant.astimezone(UTC)
        if dry_run:
            candidates = services.find_candidates(instant or datetime.now(tz=UTC))
            existing = set(
                Reminder.objects.filter(user_id__in={c.user_id for c in candidates}).values_list("user_id", "local_date", "slot", "kind")
            )
            from django.contrib.auth import get_user_model

            names = dict(get_user_model().objects.filter(pk__in={c.user_id for c in candidates}).values_list("pk", "username"))
            shown = 0
            for c in candidates:
                if (c.user_id, c.local_date, c.slot, c.kind) in existing:
                    continue
                verdict = "would send" if c.status == Reminder.Status.PENDING else "would record missed"
                when = f"{c.due_at:%Y-%m-%d %H:%M}Z"
                self.stdout.write(f"{names.get(c.user_id)}: {c.local_date} slot {c.slot} ({c.kind}) at {when}: {verdict}")
                shown += 1
            self.stdout.write(f"{shown} reminder{'s' if shown != 1 else ''} due (dry run: nothing written)")
            return
        with transaction.atomic():
            ids = services.dispatch(instant)
        totals = {"sent": 0, "skipped": 0, "retry": 0, "released": 0}
        for batch in services.batches(ids):
            for key, value in services.send_batch(batch, now=instant).items():
                totals[key] += value
        self.stdout.write(f"{len(ids)} due: {totals['sent']} sent, {totals['skipped']} skipped (checked in), {totals['retry']} to retry"
                          + (f", {totals['released']} handed back for the next run" if totals["released"] else ""))
