"""import_user FILE [--as USERNAME] [--replace]: restore a learner from export_user's JSON, all or nothing."""

import json
import os

from django.core.management.base import BaseCommand, CommandError

from apps.accounts.portability import ImportProblem, import_user

MAX_BYTES = 50_000_000


class Command(BaseCommand):
    help = "Restore a learner's data from an export_user document into this instance."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--as", dest="username", help="restore under another username")
        parser.add_argument("--replace", action="store_true", help="overwrite the data of a user who exists already")

    def handle(self, *args, path, username=None, replace=False, **options):
        try:
            if os.path.getsize(path) > MAX_BYTES:
                raise CommandError(f"{path}: larger than {MAX_BYTES // 1_000_000} MB; no learner's data is that big")
            with open(path, encoding="utf-8") as handle:
                doc = json.load(handle)
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror or error}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text") from None
        except json.JSONDecodeError as error:
            raise CommandError(f"{path}: line {error.lineno}: not valid JSON: {error.msg}") from None
        except RecursionError:
            raise CommandError(f"{path}: nested too deeply to be a Cadence export") from None
        try:
            user, password = import_user(doc, username=username, replace=replace)
        except ImportProblem as problem:
            for line in problem.problems:
                self.stderr.write(f"{path}: {line}")
            raise CommandError(
                f"{path}: nothing imported ({len(problem.problems)} problem{'s' if len(problem.problems) != 1 else ''})"
            ) from None
        self.stdout.write(self.style.SUCCESS(f"Imported {user.username}" + (f" (new account, password {password})" if password else "")))
