"""group create SLUG --name NAME --plan PLAN --lead USER [--lead USER ...]
group add SLUG USER... | --csv FILE
group remove SLUG USER...

`add` checks every user before any is added (each must exist and follow the group's plan), so a bad
CSV changes nothing; the CSV has a username in its first column (a header row "username" is skipped).
Added members are "invited" until they accept on their Groups page.
"""


from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_slug
from django.db import transaction

from apps.core.csvfile import read_rows
from apps.curriculum.models import Plan
from apps.groups import services
from apps.groups.models import Group, Membership


class Command(BaseCommand):
    help = "Make a study group, add members to it (by name or from a CSV) or remove them."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        create = commands.add_parser("create", help="make a group")
        create.add_argument("slug")
        create.add_argument("--name", required=True)
        create.add_argument("--plan", required=True, help="the plan's slug")
        create.add_argument("--lead", action="append", required=True, help="a lead's username (repeat for more)")
        add = commands.add_parser("add", help="invite members")
        add.add_argument("slug")
        add.add_argument("usernames", nargs="*")
        add.add_argument("--csv", dest="csv_path", help="CSV with a username in the first column")
        remove = commands.add_parser("remove", help="remove members")
        remove.add_argument("slug")
        remove.add_argument("usernames", nargs="+")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _create(self, slug, name, plan, lead, **options):
        try:
            validate_slug(slug)
        except ValidationError:
            raise CommandError(f"'{slug}' is not a slug: use letters, numbers, hyphens and underscores") from None
        if Group.objects.filter(slug=slug).exists():
            raise CommandError(f"a group '{slug}' exists already")
        name = name.strip()
        if not name or len(name) > Group._meta.get_field("name").max_length:
            raise CommandError("--name: give a name of 1 to 120 characters")
        found = Plan.objects.filter(slug=plan).first()
        if found is None:
            raise CommandError(f"no plan with slug '{plan}' (plans here: {', '.join(Plan.objects.values_list('slug', flat=True)) or 'none'})")
        users = services.users_named(lead)
        missing = [u for u in lead if u not in users]
        if missing:
            raise CommandError(f"--lead: no user {', '.join(repr(u) for u in missing)}")
        with transaction.atomic():
            group = Group.objects.create(slug=slug, name=name, plan=found)
            group.leads.set(users.values())
        self.stdout.write(self.style.SUCCESS(f"Made group '{slug}' ({name}) on {found.slug}, led by {', '.join(sorted(users))}"))

    def _group(self, slug) -> Group:
        group = Group.objects.select_related("plan").filter(slug=slug).first()
        if group is None:
            raise CommandError(f"no group '{slug}'")
        return group

    def _add(self, slug, usernames, csv_path=None, **options):
        if bool(usernames) == bool(csv_path):
            raise CommandError("give either USERNAMEs or --csv FILE")
        group = self._group(slug)
        rows = [("arguments", name) for name in usernames] if usernames else self._read_csv(csv_path)
        users = services.users_named(name for _where, name in rows)
        problems, seen = [], set()
        for where, name in rows:
            user = users.get(name)
            if name in seen:
                problems.append(f"{where}: username '{name}' appears twice")
            elif user is None:
                problems.append(f"{where}: no user '{name}'")
            elif getattr(user, "enrollment", None) is None:
                problems.append(f"{where}: '{name}' has not chosen a plan (enroll them in {group.plan.slug} first)")
            elif user.enrollment.plan_id != group.plan_id:
                problems.append(f"{where}: '{name}' follows {user.enrollment.plan.slug}, not the group's {group.plan.slug}")
            seen.add(name)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"nobody added ({len(problems)} problem{'s' if len(problems) != 1 else ''})")
        chosen = [users[name] for _where, name in rows]
        total = len(chosen)
        added, already = [], []
        for first in range(0, total, 1000):
            a, b = services.add_members(group, chosen[first:first + 1000])
            added += a
            already += b
            if total > 1000:
                self.stderr.write(f"  {min(first + 1000, total):,} / {total:,}")
        for user in already:
            self.stdout.write(f"{user.username}: already a member")
        self.stdout.write(self.style.SUCCESS(f"Invited {len(added)} to '{group.slug}' ({len(already)} already members)"))

    def _read_csv(self, path):
        rows = []
        for number, cells in read_rows(path):
            if not cells[0].strip():
                raise CommandError(f"line {number}: the first column (username) is empty; nobody added")
            rows.append((f"line {number}", cells[0].strip()))
        if not rows:
            raise CommandError(f"{path} has no usernames; nobody added")
        return rows

    def _remove(self, slug, usernames, **options):
        group = self._group(slug)
        found = Membership.objects.filter(group=group, user__username__in=usernames)
        names = set(found.values_list("user__username", flat=True))
        missing = [u for u in usernames if u not in names]
        if missing:
            raise CommandError(f"not members of '{slug}': {', '.join(missing)}; nobody removed")
        found.delete()
        self.stdout.write(self.style.SUCCESS(f"Removed {len(names)} from '{slug}'"))
