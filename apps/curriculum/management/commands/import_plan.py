"""import_plan PATH [--slug SLUG] [--replace]: store a Markdown or JSON plan, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.curriculum.parsing import PlanFileError
from apps.curriculum.services import save_plan, slug_for
from apps.curriculum.validation import load_plan_file


class Command(BaseCommand):
    help = "Import a study plan from Markdown (Chinese or English) or from export_plan's JSON."

    def add_arguments(self, parser):
        parser.add_argument("path", help="a .md plan, or a .json file from export_plan")
        parser.add_argument("--slug", help="the plan's short name in URLs (default: from the file name)")
        parser.add_argument(
            "--replace", action="store_true",
            help="update an existing plan in place, keeping learners' progress on topics that still exist",
        )

    def handle(self, *args, path, slug=None, replace=False, **options):
        try:
            data = load_plan_file(path)
            slug = slug or slug_for(data, source_name=Path(path).stem)
            plan = save_plan(data, slug=slug, replace=replace)
        except PlanFileError as error:
            for problem in error.problems:
                self.stderr.write(f"{path}: {problem}")
            count = len(error.problems)
            raise CommandError(f"{path}: nothing imported ({count} problem{'s' if count != 1 else ''})") from None
        topics = sum(len(b["topics"]) for p in data["phases"] for b in p["blocks"])
        blocks = sum(len(p["blocks"]) for p in data["phases"])
        self.stdout.write(
            self.style.SUCCESS(
                f"{'Updated' if replace else 'Imported'} '{plan.title}' as {plan.slug}: {plan.total_days} days, "
                f"{len(data['phases'])} phases, {blocks} blocks, {topics} topics, "
                f"{len(data['resources'])} resources, {len(data['milestones'])} milestones, {len(data['rhythm'])} slots"
            )
        )
