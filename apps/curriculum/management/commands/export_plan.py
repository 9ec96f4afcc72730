"""export_plan SLUG: print a plan as JSON that import_plan reads back unchanged."""

import json

from django.core.management.base import BaseCommand, CommandError

from apps.curriculum.models import Plan
from apps.curriculum.services import plan_to_dict


class Command(BaseCommand):
    help = "Print a plan as JSON (import_plan accepts it back)."

    def add_arguments(self, parser):
        parser.add_argument("slug")

    def handle(self, *args, slug, **options):
        plan = Plan.objects.filter(slug=slug).first()
        if plan is None:
            known = ", ".join(Plan.objects.values_list("slug", flat=True)) or "none yet"
            raise CommandError(f"no plan with slug '{slug}' (plans here: {known})")
        self.stdout.write(json.dumps(plan_to_dict(plan), ensure_ascii=False, indent=2))
