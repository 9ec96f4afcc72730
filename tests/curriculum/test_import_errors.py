"""Bad plans: a clear message per problem naming the line, a non-zero exit, and nothing written."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from apps.curriculum.models import Block, Phase, Plan, Topic

pytestmark = pytest.mark.django_db

@pytest.fixture(autouse=True)
def _no_plan_yet(no_plan):
    """These tests import plans into an instance that has none yet."""


GOOD = """# Plan
## Phase 1: One (Day 1-7)
### Week 1 (Day 1-7): First
**Topics**:
1. Alpha (3 days)
2. Beta
## Phase 2: Two (Day 8-14)
### Week 2 (Day 8-14): Second
- Gamma
## Daily rhythm
### Weekdays
- 07:00-08:00: Reading
## Milestones
### 14-day milestone
- [ ] Done
"""


def run_import(tmp_path, text, *, name="plan.md", encoding="utf-8", **options):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    stderr = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_plan", str(path), stderr=stderr, **options)
    return stderr.getvalue(), str(error.value)


def assert_nothing_written():
    assert Plan.objects.count() == 0
    assert Phase.objects.count() == 0 and Block.objects.count() == 0 and Topic.objects.count() == 0


def test_the_good_plan_imports(tmp_path):
    path = tmp_path / "plan.md"
    path.write_text(GOOD)
    call_command("import_plan", str(path), stdout=io.StringIO())
    assert Topic.objects.count() == 3


def test_it_refuses_a_file_that_is_not_a_plan(tmp_path):
    errors, summary = run_import(tmp_path, "Shopping list\n- eggs\n- milk\n")
    assert "line 1: no title" in errors
    assert "no phases found" in errors
    assert "nothing imported (2 problems)" in summary
    assert_nothing_written()


def test_it_refuses_an_empty_file(tmp_path):
    errors, _ = run_import(tmp_path, "   \n")
    assert "line 1: the file is empty" in errors
    assert_nothing_written()


def test_it_refuses_a_phase_without_a_day_range(tmp_path):
    errors, _ = run_import(tmp_path, GOOD.replace("## Phase 2: Two (Day 8-14)", "## Phase 2: Two"))
    assert "line 7: phase 'Phase 2: Two' has no day range" in errors
    assert_nothing_written()


def test_it_refuses_overlapping_phases(tmp_path):
    errors, _ = run_import(tmp_path, GOOD.replace("(Day 8-14)", "(Day 6-14)", 1))
    assert "line 7: phase 2 (Day 6-14) overlaps the phase before it, which ends at day 7" in errors
    assert_nothing_written()


def test_it_refuses_a_block_outside_its_phase(tmp_path):
    errors, _ = run_import(tmp_path, GOOD.replace("### Week 1 (Day 1-7)", "### Week 1 (Day 1-9)"))
    assert "line 3: block 'First' (Day 1-9) is outside its phase 'One' (Day 1-7)" in errors
    assert_nothing_written()


def test_it_refuses_a_gap_in_days(tmp_path):
    text = GOOD.replace("## Phase 2: Two (Day 8-14)", "## Phase 2: Two (Day 9-14)").replace("(Day 8-14): Second", "(Day 9-14): Second")
    errors, _ = run_import(tmp_path, text)
    assert "line 7: gap in days: days 8-8 belong to no phase" in errors
    assert_nothing_written()


def test_it_refuses_a_gap_between_blocks(tmp_path):
    text = GOOD.replace("### Week 1 (Day 1-7)", "### Week 1 (Day 1-5)").replace("Alpha (3 days)", "Alpha (2 days)")
    errors, _ = run_import(tmp_path, text)
    assert "gap in days: days 6-7 of phase 'One' belong to no block" in errors
    assert_nothing_written()


def test_it_refuses_durations_longer_than_the_block(tmp_path):
    errors, _ = run_import(tmp_path, GOOD.replace("2. Beta", "2. Beta (1 week)"))
    assert "line 5: topic durations in 'First' add up to 10 days, but the block has 7 days (Day 1-7)" in errors
    assert_nothing_written()


def test_it_refuses_durations_that_leave_days_without_a_topic(tmp_path):
    errors, _ = run_import(tmp_path, GOOD.replace("2. Beta", "2. Beta (2 days)"))
    assert "line 3: topic durations in 'First' add up to 5 days, but the block has 7 days" in errors
    assert "days 6-7 would belong to no topic" in errors
    assert_nothing_written()


def test_it_refuses_a_block_before_any_phase(tmp_path):
    errors, _ = run_import(tmp_path, "# Plan\n### Week 1 (Day 1-7): Loose\n" + GOOD.split("\n", 1)[1])
    assert "line 2: week block 'Week 1 (Day 1-7): Loose' comes before any phase heading" in errors
    assert_nothing_written()


def test_it_refuses_an_impossible_slot_time(tmp_path):
    errors, _ = run_import(tmp_path, GOOD.replace("07:00-08:00", "25:00-26:00"))
    assert "line 12: '25:00-26:00: Reading' has a time that does not exist" in errors
    assert_nothing_written()


def test_it_refuses_a_milestone_outside_the_plan(tmp_path):
    errors, _ = run_import(tmp_path, GOOD.replace("### 14-day milestone", "### 30-day milestone"))
    assert "line 14: milestone day 30 is outside the plan (days 1-14)" in errors
    assert_nothing_written()


def test_it_refuses_a_file_it_cannot_read(tmp_path):
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_plan", str(tmp_path / "missing.md"), stderr=stderr)
    assert "cannot read" in stderr.getvalue() and "No such file or directory" in stderr.getvalue()
    assert_nothing_written()


def test_it_refuses_a_file_in_another_encoding(tmp_path):
    errors, _ = run_import(tmp_path, "# 计划\n## 阶段一：起步（Day 1-7）\n", encoding="gb18030")
    assert "line 1: the file is not UTF-8 text" in errors
    assert_nothing_written()


def test_it_reports_every_problem_at_once(tmp_path):
    text = GOOD.replace("(Day 8-14)", "(Day 6-14)", 1).replace("07:00-08:00", "25:00-26:00")
    errors, summary = run_import(tmp_path, text)
    assert "line 7:" in errors and "line 12:" in errors
    assert "line 8: gap in days: days 6-7 belong to no block" in errors  # the overlap leaves phase 2 a hole
    assert "(3 problems)" in summary


def test_it_refuses_an_existing_slug_without_replace(tmp_path):
    path = tmp_path / "plan.md"
    path.write_text(GOOD)
    call_command("import_plan", str(path), stdout=io.StringIO())
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_plan", str(path), stderr=stderr)
    assert "a plan with slug 'plan' already exists: use --replace" in stderr.getvalue()
    assert Plan.objects.count() == 1


def test_a_bad_replace_leaves_the_plan_as_it_was(tmp_path):
    path = tmp_path / "plan.md"
    path.write_text(GOOD)
    call_command("import_plan", str(path), stdout=io.StringIO())
    before = list(Topic.objects.values_list("key", "title", "start_day", "end_day"))
    run_import(tmp_path, GOOD.replace("2. Beta", "2. Beta (1 week)").replace("Gamma", "Delta"), replace=True)
    assert list(Topic.objects.values_list("key", "title", "start_day", "end_day")) == before


def test_it_refuses_broken_json(tmp_path):
    errors, _ = run_import(tmp_path, '{"title": "x",\n "phases": [}', name="plan.json")
    assert "line 2: not valid JSON" in errors
    assert_nothing_written()


def test_it_refuses_json_with_wrong_types(tmp_path):
    doc = {"title": "x", "phases": [{"title": "p", "start_day": "1", "end_day": 7, "blocks": [
        {"title": "b", "start_day": 1, "end_day": 7, "topics": [{"title": "t", "days": 0}]}]}],
        "rhythm": [{"days": "sometimes", "slot": 1, "start": "7am", "end": "08:00"}]}
    errors, _ = run_import(tmp_path, json.dumps(doc), name="plan.json")
    assert "phases[0].start_day: expected a whole number" in errors
    assert "phases[0].blocks[0].topics[0].days: a whole number from 1 to 3650" in errors
    assert "rhythm[0].days: must be one of weekday, weekend" in errors
    assert "rhythm[0].start: must be a time HH:MM" in errors
    assert_nothing_written()
