"""Items 3 and 6 (in part): a learner document with bad reminder slots or out-of-range dates is refused
with its JSON path, and writes nothing; reminders never crash on what a document held."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from apps.accounts.portability import export_user
from tests.accounts.test_portability import rich  # noqa: F401 - a learner with some of everything

pytestmark = pytest.mark.django_db


def run(tmp_path, doc, as_copy=True) -> str:
    """Import the document (as "copy", unless told not to); what the command wrote to stderr."""
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc))
    err = io.StringIO()
    try:
        options = {"username": "copy"} if as_copy else {}
        call_command("import_user", str(path), stdout=io.StringIO(), stderr=err, **options)
    finally:
        run.stderr = err.getvalue()
    return err.getvalue()


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["reminders"].update(disabled_slots=[{"a": 1}]), "reminders.disabled_slots"),
        (lambda d: d["reminders"].update(disabled_slots=["weekday-1; DROP"]), "reminders.disabled_slots"),
        (lambda d: d["enrollment"].update(start_date="0002-01-01"), "enrollment.start_date"),
        (lambda d: d["pauses"].append({"start": "9999-12-31", "end": None}), "pauses[2].start"),
        (lambda d: d["checkins"][0].update(minutes=-1), "checkins[0].minutes: a whole number from 0 to 1440"),
        (lambda d: d["checkins"][0].update(minutes=99_999), "checkins[0].minutes"),
        (lambda d: d["checkins"].extend([d["checkins"][0], d["checkins"][0]]), "checkins[3]: the same one twice"),
        (lambda d: [c.update(minutes=1000, date="2026-11-03", slot=i + 1) for i, c in enumerate(d["checkins"][:2])], "1,440"),
        (lambda d: d["checkins"][0].update(date="2026-10-01"), "checkins[0].date: before day 1"),
        (lambda d: d["pauses"].append({"start": "2026-11-09", "end": "2026-11-08"}), "ends before it starts"),
        (lambda d: d["pauses"].extend([{"start": "2026-11-20", "end": None}, {"start": "2026-11-25", "end": None}]), "one open pause"),
        (lambda d: d["checkins"][0].update(note="a\x00b"), "checkins[0].note: a NUL"),
        (lambda d: d["checkins"][0].update(note="\ud800"), "checkins[0].note: a NUL or an invalid character"),
        (lambda d: d["outputs"].append({"kind": "blog", "title": "x", "url": "javascript:alert(1)", "block": None, "topic": None,
                                        "project": None}), "url: a link must start with http"),
        (lambda d: d["outputs"].append({"kind": "blog", "title": "x" * 301, "url": "https://a.example", "block": None, "topic": None,
                                        "project": None}), "title: at most 300 characters"),
        (lambda d: d["user"].update(username=""), "user.username"),
        (lambda d: d["user"].update(username="u" * 200), "user.username"),
        (lambda d: d["user"].update(username='a<"\nb'), "user.username"),
        (lambda d: d.update(cadence_export=-7), "cadence_export"),
    ],
)
def test_bad_parts_are_refused_with_their_path(rich, tmp_path, change, message):  # noqa: F811 - the fixture
    doc = export_user(rich)
    change(doc)
    with pytest.raises(CommandError) as refused:
        run(tmp_path, doc, as_copy=message != "user.username")
    assert message in run.stderr or message in str(refused.value)
    assert not get_user_model().objects.filter(username="copy").exists()


def test_dispatch_survives_a_learner_whose_stored_slots_are_odd(alice, frozen):
    from apps.reminders import services
    from apps.reminders.models import ReminderSettings

    ReminderSettings.objects.filter(user=alice).update(disabled_slots=[{"a": 1}, 7, None])
    services.dispatch()  # no "unhashable type": a bad value means no slot is turned off


def test_a_100k_deep_document_is_refused_with_a_message(alice, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(CommandError, match="nested too deeply"):
        call_command("import_user", str(path), stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["projects"][0].update(block=[1]), "projects[0]: no"),
        (lambda d: d["projects"][0].update(kind={"a": 1}), "projects[0]: no"),
        (lambda d: d["milestones"][0].update(day=[30]), "milestones[0]: the plan has no milestone item"),
        (lambda d: d["outputs"][0].update(block={"n": 1}), "outputs[0].block"),
        (lambda d: d["resources"][0].update(plan_resource={"kind": ["paper"], "title": "BERT"}), "resources[0]: the plan has no"),
        (lambda d: d["resources"][0].update(block=[2]), "resources[0].block"),
        (lambda d: d["topics"][0].update(key=["1.1"]), "topics[0].key"),
    ],
)
def test_keys_of_the_wrong_shape_are_problems_not_crashes(rich, tmp_path, change, message):  # noqa: F811 - the fixture
    """A list or an object where a document names a block, a day or a topic once raised 'unhashable type'."""
    doc = export_user(rich)
    change(doc)
    with pytest.raises(CommandError):
        run(tmp_path, doc)
    assert message in run.stderr
    assert not get_user_model().objects.filter(username="copy").exists()
