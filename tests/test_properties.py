"""Bad input at volume: generated inputs (random text, Unicode, huge numbers, odd dates, truncated and
reordered Markdown) against the check-in form and API, the settings form and the plan importer. For
every one: no 500 and no unhandled exception, a clear error, and nothing changed when it was refused."""

import json
import os

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.curriculum.models import Plan, Topic
from apps.curriculum.parsing import PlanFileError
from apps.curriculum.validation import load_plan_bytes
from apps.progress.models import CheckIn, Enrollment
from tests.conftest import SEED

pytestmark = pytest.mark.django_db
EXAMPLES = 2000 if os.environ.get("FAULTS_FULL") else 400
# Health checks stay on, but one: the examples share their test's function-scoped database fixtures
# on purpose (each runs in the test's transaction; "a refusal changes nothing" compares the rows before
# and after each example), which is what that check warns about.
RULES = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

odd_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "1e309",
            "NaN",
            "null",
            "2026-11-10",
            "2026-02-30",
            "9999-12-31",
            "0000-00-00",
            "１",
            "٣",
            "done",
            "skipped",
            "\x00",
            "<script>",
        ]
    ),
)
odd_number = st.one_of(st.integers(min_value=-(10**20), max_value=10**20), st.floats(allow_nan=True, allow_infinity=True))
json_values = st.recursive(
    st.none() | st.booleans() | odd_number | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=10,
)


def snapshot(user):
    return sorted(CheckIn.objects.filter(user=user).values_list("local_date", "slot", "status", "minutes", "note"))


@RULES
@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            "date": odd_text,
            "slot": st.one_of(odd_text, st.integers().map(str)),
            "status": odd_text,
            "minutes": st.one_of(odd_text, odd_number.map(str)),
            "note": st.text(max_size=300),
            "topics": st.lists(odd_text, max_size=3),
            "with_topics": st.sampled_from(["1", ""]),
        },
    ),
    htmx=st.booleans(),
)
def test_the_check_in_form_never_fails_and_refusals_change_nothing(alice_client, alice, frozen, data, htmx):
    before = snapshot(alice)
    response = alice_client.post("/checkins/", data, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))
    assert response.status_code in (200, 302, 400)
    if response.status_code == 400:
        assert snapshot(alice) == before
        assert b'role="alert"' in response.content


@RULES
@given(
    body=st.one_of(
        json_values,
        st.fixed_dictionaries(
            {},
            optional={
                "date": st.one_of(odd_text, json_values),
                "slot": st.one_of(odd_number, odd_text),
                "status": odd_text,
                "minutes": st.one_of(odd_number, odd_text),
                "note": st.one_of(st.text(max_size=200), json_values),
                "topics": st.one_of(st.lists(odd_text, max_size=3), json_values),
            },
        ),
    ),
    raw=st.booleans(),
)
def test_the_check_in_api_never_fails_and_refusals_change_nothing(client, alice, frozen, body, raw):
    from apps.progress.services import issue_token

    if not hasattr(test_the_check_in_api_never_fails_and_refusals_change_nothing, "token"):
        test_the_check_in_api_never_fails_and_refusals_change_nothing.token = {}
    token = test_the_check_in_api_never_fails_and_refusals_change_nothing.token.get(alice.pk) or issue_token(user=alice)[1]
    test_the_check_in_api_never_fails_and_refusals_change_nothing.token[alice.pk] = token
    before = snapshot(alice)
    payload = json.dumps(body, allow_nan=True)[:-1] if raw else json.dumps(body, allow_nan=True)  # sometimes cut short
    response = client.post("/api/v1/checkins", payload, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code in (200, 201, 400, 401)
    if response.status_code == 400:
        assert snapshot(alice) == before
        errors = response.json()["errors"]
        assert errors and all(isinstance(m, str) and m for messages in errors.values() for m in messages)


@RULES
@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            "enrollment-plan": odd_text,
            "enrollment-start_date": odd_text,
            "enrollment-timezone": odd_text,
            "enrollment-language": odd_text,
            "slots-weekday-1-start": odd_text,
            "slots-weekday-1-end": odd_text,
            "slots-weekday-1-off": odd_text,
            "slots-weekend-3-start": odd_text,
        },
    )
)
def test_the_settings_form_never_fails_and_refusals_change_nothing(alice_client, alice, data):
    def state():
        e = Enrollment.objects.get(user=alice)
        return (e.plan_id, e.start_date, e.timezone, e.language, e.slot_overrides)

    before = state()
    response = alice_client.post("/settings/", data)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert state() == before


SEED_LINES = SEED.read_text(encoding="utf-8").splitlines()


@RULES
@given(
    cut=st.integers(0, len(SEED_LINES)),
    swaps=st.lists(st.tuples(st.integers(0, len(SEED_LINES) - 1), st.integers(0, len(SEED_LINES) - 1)), max_size=4),
    inserts=st.lists(st.tuples(st.integers(0, len(SEED_LINES)), st.text(max_size=60)), max_size=4),
    raw=st.binary(max_size=40),
)
def test_the_importer_never_fails_on_mangled_markdown(tmp_path_factory, db, cut, swaps, inserts, raw):
    lines = SEED_LINES[:cut]
    for a, b in swaps:
        if a < len(lines) and b < len(lines):
            lines[a], lines[b] = lines[b], lines[a]
    for at, text in inserts:
        lines.insert(min(at, len(lines)), text)
    data = "\n".join(lines).encode("utf-8") + raw
    try:
        plan = load_plan_bytes(data, is_json=False)
    except PlanFileError as error:
        assert error.problems and all(isinstance(p, str) and p for p in error.problems)
        path = tmp_path_factory.mktemp("plans") / "mangled.md"
        path.write_bytes(data)
        plans, topics = Plan.objects.count(), Topic.objects.count()
        with pytest.raises(CommandError):
            call_command("import_plan", str(path), slug="mangled", stderr=open(os.devnull, "w"), stdout=open(os.devnull, "w"))  # noqa: SIM115
        assert (Plan.objects.count(), Topic.objects.count()) == (plans, topics)
    else:
        # A plan that survived is a whole plan: phases from day 1 to its last day, without gaps.
        assert plan["total_days"] >= 1 and plan["phases"][0]["start_day"] == 1
        assert plan["phases"][-1]["end_day"] == plan["total_days"]
        assert all(a["end_day"] + 1 == b["start_day"] for a, b in zip(plan["phases"], plan["phases"][1:], strict=False))


@RULES
@given(doc=json_values)
def test_the_importer_never_fails_on_odd_json(db, doc):
    try:
        load_plan_bytes(json.dumps(doc, allow_nan=True).encode(), is_json=True)
    except PlanFileError as error:
        assert error.problems and all(isinstance(p, str) and p for p in error.problems)
