"""One validation layer for all JSON input (apps.core.jsoninput): an API body and a learner's document
holding the same bad value get the same message, named by field in the API's 400 and by JSON path in
the import; a plan's text that does not fit its column is a 'line N:' problem, not a traceback."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from apps.accounts.portability import export_user
from apps.core.jsoninput import Field, Invalid, Reader, read
from apps.curriculum.models import Plan, Topic
from apps.curriculum.parsing import PlanFileError
from apps.curriculum.validation import load_plan_bytes
from apps.milestones.models import MilestoneCheck
from apps.progress.models import CheckIn
from apps.resources.models import UserResource
from tests.accounts.test_portability import rich  # noqa: F401 - a learner with some of everything
from tests.progress.test_api import api, token  # noqa: F401 - the API helper and its token fixture

pytestmark = pytest.mark.django_db

# (API call, its field; the document's list, its field; the bad value; the message both give)
SAME_MESSAGE = [
    ("post", "/api/v1/checkins", "minutes", "checkins", "minutes", -1, "a whole number from 0 to 1440"),
    ("post", "/api/v1/checkins", "note", "checkins", "note", "a\x00b", "a NUL or an invalid character"),
    ("post", "/api/v1/checkins", "note", "checkins", "note", "x" * 20_001, "at most 20,000 characters"),
    ("post", "/api/v1/checkins", "status", "checkins", "status", "half", 'must be one of done, skipped, got "half"'),
    ("post", "/api/v1/checkins", "date", "checkins", "date", "0002-01-01", "a date between 1970-01-01 and 2100-12-31"),
    ("post", "/api/v1/checkins", "slot", "checkins", "slot", True, "expected a whole number, got true"),
    ("post", "/api/v1/checkins", "topics", "checkins", "topics", ["1.1", 7], "[1]: expected text, got 7"),
    ("put", "/api/v1/resources/{resource}", "rating", "resources", "rating", 6, "a whole number from 1 to 5"),
    ("put", "/api/v1/milestones/items/{check}", "evidence", "milestones", "evidence", "x" * 501, "at most 500 characters"),
    ("put", "/api/v1/milestones/items/{check}", "done", "milestones", "done", "yes", 'expected true or false, got "yes"'),
]


@pytest.mark.parametrize("method, url, field, part, key, value, message", SAME_MESSAGE)
def test_the_api_and_the_import_refuse_a_bad_value_alike(  # noqa: PLR0913
    client, rich, token, frozen, tmp_path, method, url, field, part, key, value, message  # noqa: F811
):
    doc = export_user(rich)
    url = url.format(resource=UserResource.objects.filter(user=rich).first().pk, check=MilestoneCheck.objects.filter(user=rich).first().pk)
    body = {"date": "2026-11-10", "slot": 1, "status": "done"} if method == "post" else {}
    checkins = CheckIn.objects.count()

    response = api(client, method, url, token, body | {field: value})
    assert response.status_code == 400, response.content
    assert response.json()["errors"][field] == [message]
    assert CheckIn.objects.count() == checkins

    doc["user"]["username"] = "copy"
    doc[part][0][key] = value
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc))
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_user", str(path), stdout=io.StringIO(), stderr=err)
    separator = "" if message.startswith("[") else ": "
    assert f"{part}[0].{key}{separator}{message}" in err.getvalue()
    assert not get_user_model().objects.filter(username="copy").exists()


def test_evidence_that_fits_no_column_is_refused_by_the_import_too(rich, tmp_path):  # noqa: F811
    """It once allowed 2,000 characters where the column holds 500: a traceback from the database."""
    doc = export_user(rich)
    doc["user"]["username"] = "copy"
    doc["milestones"][0]["evidence"] = "x" * 1500
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc))
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_user", str(path), stdout=io.StringIO(), stderr=err)
    assert "milestones[0].evidence: at most 500 characters" in err.getvalue()


def test_an_update_keeps_what_the_body_leaves_out():
    values, problems = read({"note": "kept"}, {"note": Field("text", required=False), "rating": Field("int", required=False)})
    assert values == {"note": "kept"} and problems == {}
    values, problems = read({}, {"status": Field("text")})
    assert problems == {"status": ["missing"]}


@pytest.mark.parametrize(
    "field, value",
    [
        (Field("int"), 1.5), (Field("int"), "3"), (Field("bool"), 0), (Field("text"), "\ud800"), (Field("text"), {"x": [1]}),
        (Field("date"), "2026-1-1"), (Field("date"), 20261101), (Field("time"), "7am"), (Field("list", max_items=2), [1, 2, 3]),
        (Field("text", link=True), "javascript:alert(1)"), (Field("int"), None),
    ],
)
def test_every_kind_refuses_what_is_not_it(field, value):
    with pytest.raises(Invalid):
        field.clean(value)


def test_a_reader_names_every_bad_part_by_its_path():
    r = Reader()
    doc = {"rows": [{"n": 1}, "text", {"n": "two"}]}
    rows = r.items(doc, "rows")
    values = [r.get(row, "n", path, "int") for path, row in rows]
    assert values == [1, None]
    assert r.problems == ["rows[1]: expected an object", 'rows[2].n: expected a whole number, got "two"']


PLAN = """# A plan

## Phase 1: Basics (Day 1-7)

### Week 1 (Day 1-7): Start

1. {title} (7 days)
"""


def test_a_plan_title_longer_than_its_column_is_a_line_problem(no_plan):
    with pytest.raises(PlanFileError) as refused:
        load_plan_bytes(PLAN.format(title="A" * 400).encode())
    assert refused.value.problems == ["line 7: the title has 400 characters; at most 300"]
    assert load_plan_bytes(PLAN.format(title="A" * 300).encode())["phases"][0]["blocks"][0]["topics"][0]["title"] == "A" * 300


def test_a_json_plan_is_read_by_the_same_layer(no_plan, tmp_path):
    doc = {"title": "x" * 301, "phases": [{"title": "p", "start_day": 1, "end_day": 7, "blocks": [
        {"title": "b", "start_day": 1, "end_day": 7, "topics": [{"title": "t\x00", "days": 7}], "projects": ["p" * 501]}]}]}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_plan", str(path), stderr=err)
    assert "phases[0].blocks[0].topics[0].title: a NUL or an invalid character" in err.getvalue()
    doc["phases"][0]["blocks"][0]["topics"][0]["title"] = "t"
    path.write_text(json.dumps(doc))
    with pytest.raises(CommandError):
        call_command("import_plan", str(path), stderr=err)
    assert "plan: the title has 301 characters; at most 300" in err.getvalue()
    assert "phases[0].blocks[0]: projects[0] has 501 characters; at most 500" in err.getvalue()
    assert not Plan.objects.exists() and not Topic.objects.exists()
