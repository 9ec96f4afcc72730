"""enroll USERNAME / enroll --csv FILE."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from apps.progress.learner import Learner
from apps.progress.models import Enrollment
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def run(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("enroll", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_it_creates_and_enrolls_a_new_learner_with_a_printed_password(plan, django_user_model):
    out, _ = run("dora", email="dora@example.com", start="2026-12-01", timezone="Asia/Kathmandu")
    assert "dora: new account, password " in out
    password = out.split("password ")[1].split()[0]
    user = django_user_model.objects.get(username="dora")
    assert user.check_password(password) and user.email == "dora@example.com"
    enrollment = user.enrollment
    assert (enrollment.plan, enrollment.start_date, enrollment.timezone) == (plan, date(2026, 12, 1), "Asia/Kathmandu")
    slots = [(s.days, s.number, f"{s.start:%H:%M}") for s in Learner.load(user).slots]
    assert slots == [("weekday", 1, "06:00"), ("weekday", 2, "12:00"), ("weekday", 3, "20:00"),
                     ("weekend", 1, "09:00"), ("weekend", 2, "14:00"), ("weekend", 3, "20:00")]


def test_defaults_are_the_only_plan_today_and_the_server_timezone(plan, django_user_model, settings):
    run("erin")
    enrollment = Enrollment.objects.get(user__username="erin")
    assert enrollment.timezone == settings.TIME_ZONE and enrollment.plan == plan
    assert enrollment.start_date is not None


def test_re_enrolling_keeps_what_was_not_given(alice):
    out, _ = run("alice", timezone="Europe/London")
    assert "alice: enrolled" in out and "password" not in out
    alice.enrollment.refresh_from_db()
    assert (alice.enrollment.timezone, alice.enrollment.start_date) == ("Europe/London", date(2026, 11, 1))


def test_it_refuses_bad_arguments_and_writes_nothing(plan, django_user_model):
    with pytest.raises(CommandError, match="not a date"):
        run("dora", start="2026-13-01")
    with pytest.raises(CommandError, match="nothing enrolled"):
        run("dora", timezone="Mars/Olympus")
    with pytest.raises(CommandError, match="no plan with slug 'nope'"):
        run("dora", plan="nope")
    with pytest.raises(CommandError, match="either a USERNAME or --csv"):
        run()
    assert not django_user_model.objects.filter(username="dora").exists()


def test_it_says_to_import_a_plan_first(no_plan):
    with pytest.raises(CommandError, match="import_plan"):
        run("dora")


def test_it_enrolls_a_csv_of_learners(plan, tmp_path, django_user_model):
    path = tmp_path / "group.csv"
    path.write_text("username,email,start,timezone\nann,ann@example.com,2026-12-01,Asia/Shanghai\nben,,,\n")
    out, _ = run(csv_path=str(path))
    assert "ann: new account" in out and "ben: new account" in out and "Enrolled 2 learners" in out
    assert Enrollment.objects.get(user__username="ann").timezone == "Asia/Shanghai"


def test_a_csv_with_one_bad_row_enrolls_nobody(plan, tmp_path, django_user_model):
    path = tmp_path / "group.csv"
    path.write_text("ann,ann@example.com,2026-12-01,Asia/Shanghai\nben,not-an-email,2026-12-01,UTC\ncat,,2026-02-30,\nann,,,\n")
    with pytest.raises(CommandError, match="nothing enrolled"):
        _, err = run(csv_path=str(path))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("enroll", csv_path=str(path), stderr=err, stdout=io.StringIO())
    assert "line 3: start '2026-02-30' is not a date" in err.getvalue()
    assert not django_user_model.objects.exists()


@pytest.mark.parametrize("command", ["enroll", "group"])
def test_a_file_that_is_not_a_readable_csv_is_named_and_changes_nothing(command, plan, tmp_path, django_user_model):
    """Both commands that take --csv read it the same way (apps/core/csvfile.py): a missing file, a file
    that is not UTF-8 and one that is no CSV (a field past the csv module's limit) each get their
    message, never a traceback; a quoted field across lines is named by the line it ends on."""
    args = ["add", "cohort"] if command == "group" else []
    if command == "group":
        call_command("group", "create", "cohort", "--name", "C", "--plan", plan.slug, "--lead", make_user(django_user_model, "lena").username,
                     stdout=io.StringIO())
    problems = {
        "missing.csv": None, "latin1.csv": "café".encode("latin-1"), "huge.csv": ("x" * 200_000 + "\n").encode(),
    }
    expected = {"missing.csv": "cannot read", "latin1.csv": "is not UTF-8 text", "huge.csv": "is not a CSV file"}
    before = django_user_model.objects.count()
    for name, content in problems.items():
        path = tmp_path / name
        if content is not None:
            path.write_bytes(content)
        with pytest.raises(CommandError, match=expected[name]):
            call_command(command, *args, csv_path=str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert django_user_model.objects.count() == before
    quoted = tmp_path / "quoted.csv"
    quoted.write_text('username\n"ann\nbeth",,2026-02-30\n' if command == "enroll" else 'username\n"nobody\nat all"\n')
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(command, *args, csv_path=str(quoted), stdout=io.StringIO(), stderr=err)
    assert "line 3:" in err.getvalue()
