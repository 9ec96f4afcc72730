"""export_user / import_user: everything a learner has, round-tripped exactly; bad documents change nothing."""

import io
import json
from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from apps.curriculum.models import Block, BlockItem, Topic
from apps.milestones.models import MilestoneCheck, Output
from apps.progress import review
from apps.progress.models import CheckIn, Pause, ProjectProgress, TopicNote, TopicProgress
from apps.progress.services import set_topic_status
from apps.reminders.models import ReminderSettings
from apps.resources.models import UserResource
from apps.resources.services import ensure_rows
from tests.conftest import move_slot

pytestmark = pytest.mark.django_db


def export(username):
    out = io.StringIO()
    call_command("export_user", username, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def rich(alice, alice_client):
    move_slot(alice, "weekday", 3, time(19, 30), time(23))
    Pause.objects.create(user=alice, start_date=date(2026, 11, 5), end_date=date(2026, 11, 6))
    Pause.objects.create(user=alice, start_date=date(2026, 11, 7), end_date=date(2026, 11, 7), kind="shift")
    c = CheckIn.objects.create(user=alice, local_date=date(2026, 11, 3), slot=3, status="done", minutes=150, note="**SVD** 笔记")
    c.topics.set([Topic.objects.get(key="1.2"), Topic.objects.get(key="1.1")])
    CheckIn.objects.create(user=alice, local_date=date(2026, 11, 4), slot=1, status="skipped")
    # 1.1 done on 2026-11-03 (its review card, reviewed Good), then reviewed Hard two days later.
    with time_machine.travel(datetime(2026, 11, 3, 4, tzinfo=UTC), tick=False):
        set_topic_status(user=alice, topic=Topic.objects.get(key="1.1"), status="done", local_date=date(2026, 11, 3))
    review.rate(user=alice, topic=Topic.objects.get(key="1.1"), rating="hard", retention=0.9, now=datetime(2026, 11, 5, 4, tzinfo=UTC))
    TopicProgress.objects.create(user=alice, topic=Topic.objects.get(key="1.2"), status="in_progress")
    TopicNote.objects.create(user=alice, topic=Topic.objects.get(key="1.1"), text="装饰器 notes")
    ProjectProgress.objects.create(user=alice, item=BlockItem.objects.get(block__number=1, kind="project", position=1),
                                   done=True, link="https://github.com/alice/matrix", done_on=date(2026, 11, 6))
    ensure_rows(alice, alice.enrollment.plan)
    UserResource.objects.filter(user=alice, resource__title="BERT").update(status="reading", rating=5, notes="MLM")
    UserResource.objects.create(user=alice, kind="paper", title="LoRA", url="https://arxiv.org/abs/2106.09685", status="done")
    alice_client.get("/milestones/")
    MilestoneCheck.objects.filter(user=alice, item__milestone__day=30, item__position=2).update(
        done=True, evidence="https://alice.example/lr", done_on=date(2026, 11, 9))
    Output.objects.create(user=alice, kind="blog", title="Decorators", url="https://alice.example/d", block=Block.objects.get(number=1))
    Output.objects.create(user=alice, kind="repo", title="Matrix lib", url="https://github.com/alice/matrix",
                          project=BlockItem.objects.get(block__number=1, kind="project", position=1), topic=Topic.objects.get(key="1.2"))
    ReminderSettings.objects.filter(user=alice).update(mode="digest", weekends=False, disabled_slots=["weekday-2"])
    return alice


def test_export_import_into_an_empty_database_export_is_identical(rich, tmp_path):
    first = export("alice")
    assert first["cadence_export"] == 3 and first["plan"] == "llm"
    assert first["enrollment"]["slots"] == [{"days": "weekday", "slot": 3, "start": "19:30", "end": "23:00"}]
    assert first["cadence_export"] == 3 and "reviews" not in first
    card = first["topics"][0]["card"]
    assert card["state"] == 2 and card["last_review"] == "2026-11-05T04:00:00+00:00" and card["stability"] > 0
    assert [(log["topic"], log["rating"]) for log in first["review_logs"]] == [("1.1", 3), ("1.1", 2)]
    assert first["enrollment"]["desired_retention"] == 0.9 and first["enrollment"]["daily_reviews"] == 10
    assert first["pauses"] == [{"start": "2026-11-05", "end": "2026-11-06"}, {"start": "2026-11-07", "end": "2026-11-07", "kind": "shift"}]
    assert len(first["checkins"]) == 2 and first["checkins"][0]["topics"] == ["1.1", "1.2"]
    assert len(first["resources"]) == 17 and len(first["milestones"]) == 8 and len(first["outputs"]) == 2
    path = tmp_path / "alice.json"
    path.write_text(json.dumps(first, ensure_ascii=False))
    get_user_model().objects.filter(username="alice").delete()  # nothing of alice is left
    assert not CheckIn.objects.exists() and not UserResource.objects.exists() and not Output.objects.exists()
    out = io.StringIO()
    call_command("import_user", str(path), stdout=out)
    assert "Imported alice (new account, password" in out.getvalue()
    assert export("alice") == first


def test_import_as_another_user_and_replace(rich, tmp_path):
    path = tmp_path / "alice.json"
    path.write_text(json.dumps(export("alice")))
    call_command("import_user", str(path), username="alice2", stdout=io.StringIO())
    copy = export("alice2")
    copy["user"]["username"] = "alice"
    assert copy == export("alice")
    with pytest.raises(CommandError):
        call_command("import_user", str(path), stderr=io.StringIO())  # alice exists
    CheckIn.objects.filter(user=rich).delete()
    call_command("import_user", str(path), replace=True, stdout=io.StringIO())
    assert CheckIn.objects.filter(user=rich).count() == 2


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d.update(cadence_export=4), "newer Cadence"),
        (lambda d: d.update(plan="no-such-plan"), "plan 'no-such-plan' is not on this instance"),
        (lambda d: d.pop("cadence_export"), "not a Cadence export"),
        (lambda d: d["checkins"][0].update(date="03/11/2026"), "checkins[0].date: expected a date"),
        (lambda d: d["checkins"][0].update(topics=["99.9"]), "topic '99.9' is not in plan"),
        (lambda d: d["topics"][0].update(status="finished"), "topics[0].status: must be one of"),
        (lambda d: d["milestones"][0].update(day=31), "no milestone item"),
        (lambda d: d.update(checkins="lots"), "checkins: expected a list"),
    ],
)
def test_bad_documents_change_nothing(rich, tmp_path, change, message):
    doc = export("alice")
    doc["user"]["username"] = "newcomer"
    change(doc)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_user", str(path), stderr=err)
    assert message in err.getvalue()
    assert not get_user_model().objects.filter(username="newcomer").exists()


def test_a_broken_file_is_refused(tmp_path, db):
    path = tmp_path / "broken.json"
    path.write_text('{"cadence_export": 1,\n "user": ')
    with pytest.raises(CommandError, match="line 2: not valid JSON"):
        call_command("import_user", str(path))


def test_check_ins_as_csv_from_the_command_and_the_settings_page(rich, alice_client):
    out = io.StringIO()
    call_command("export_user", "alice", csv=True, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "date,slot,status,minutes,topics,note"
    assert lines[1] == "2026-11-03,3,done,150,1.1 1.2,**SVD** 笔记"
    response = alice_client.get("/settings/export-checkins.csv")
    assert response["Content-Type"].startswith("text/csv") and response.content.decode() == out.getvalue()
    doc = json.loads(alice_client.get("/settings/export.json").content)
    assert doc == export("alice")
