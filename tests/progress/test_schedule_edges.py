"""The schedule at its edges, as behaviours (issue: mutation testing found these untested): day 1 is
active, several pauses (a one-day one among them, given in any order, overlapping) shift the plan by
their total, a pause that begins the day after day n, and date_of as day_number's inverse for any
pauses (hypothesis), computed in one pass with no search."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.progress.schedule import PausedSpan, Schedule

START = date(2026, 3, 1)
NOW = datetime(2026, 9, 1, tzinfo=UTC)


def schedule(*pauses, total=180, now=NOW):
    return Schedule(START, ZoneInfo("UTC"), [PausedSpan(*p) for p in pauses], total_days=total, now=now)


def test_day_one_is_active_and_the_day_before_is_not():
    s = schedule()
    assert s.state(START) == "active" and s.day_number(START) == 1 and s.date_of(1) == START
    assert s.state(START - timedelta(days=1)) == "before" and s.day_number(START - timedelta(days=1)) == 0
    assert s.date_of(0) == START - timedelta(days=1)  # the charts' day 0


def test_the_last_day_is_active_and_the_next_finished():
    s = schedule(total=10)
    assert s.state(date(2026, 3, 10)) == "active" and s.state(date(2026, 3, 11)) == "finished"


def test_two_pauses_one_of_a_single_day_shift_the_plan_by_their_total():
    one_day, three_days = (date(2026, 3, 5), date(2026, 3, 5)), (date(2026, 3, 10), date(2026, 3, 12))
    for order in ((one_day, three_days), (three_days, one_day)):  # in any order
        s = schedule(*order)
        assert s.day_number(date(2026, 3, 4)) == 4
        assert s.state(date(2026, 3, 5)) == "paused" and s.day_number(date(2026, 3, 5)) == 4
        assert s.day_number(date(2026, 3, 6)) == 5
        assert s.day_number(date(2026, 3, 20)) == 20 - 4
        assert s.date_of(16) == date(2026, 3, 20) and s.date_of(5) == date(2026, 3, 6)
        assert s.date_of(180) == date(2026, 3, 1) + timedelta(days=179 + 4)
        assert s.paused_days_through(date(2026, 3, 31)) == 4


def test_a_pause_beginning_the_day_after_day_n():
    s = schedule((date(2026, 3, 11), date(2026, 3, 15)))
    assert s.date_of(10) == date(2026, 3, 10) and s.date_of(11) == date(2026, 3, 16)
    assert s.day_number(date(2026, 3, 16)) == 11 and s.state(date(2026, 3, 11)) == "paused"


def test_overlapping_and_touching_pauses_count_each_day_once():
    s = schedule((date(2026, 3, 5), date(2026, 3, 9)), (date(2026, 3, 8), date(2026, 3, 12)), (date(2026, 3, 13), date(2026, 3, 13)))
    assert s.paused_days_through(date(2026, 3, 31)) == 9
    assert s.date_of(5) == date(2026, 3, 14)


def test_a_pause_before_the_start_counts_for_nothing_and_one_across_it_from_the_start():
    s = schedule((date(2026, 2, 1), date(2026, 2, 10)), (date(2026, 2, 25), date(2026, 3, 2)))
    assert s.paused_days_through(date(2026, 3, 31)) == 2 and s.date_of(1) == date(2026, 3, 3)


def test_an_open_pause_runs_to_today():
    s = schedule((date(2026, 8, 25), None), now=datetime(2026, 8, 31, 12, tzinfo=UTC))
    assert s.is_paused(date(2026, 8, 31)) and s.paused_days_through(date(2026, 12, 31)) == 7
    assert s.date_of(s.day_number(date(2026, 8, 24)) + 1) == date(2026, 9, 1)  # resumes tomorrow
    assert s.open_pause() is not None and schedule().open_pause() is None


def test_date_of_is_one_pass_even_for_a_long_plan_with_many_pauses():
    pauses = [(START + timedelta(days=3 * i), START + timedelta(days=3 * i)) for i in range(1, 300)]
    s = schedule(*pauses, total=10_000)
    assert s.date_of(10_000) == START + timedelta(days=9_999 + 299)


spans = st.lists(st.tuples(st.integers(-20, 400), st.integers(0, 30)), max_size=6)


@settings(max_examples=200, deadline=None)
@given(spans, st.integers(1, 400))
def test_date_of_and_day_number_agree_for_any_pauses(raw, number):
    s = schedule(*[(START + timedelta(days=a), START + timedelta(days=a + length)) for a, length in raw], total=1000)
    day = s.date_of(number)
    assert not s.is_paused(day) and s.day_number(day) == number
    assert day == START or s.day_number(day - timedelta(days=1)) == number - 1


def test_pauses_overlapping_by_one_day_or_a_day_apart():
    s = schedule((date(2026, 3, 5), date(2026, 3, 9)), (date(2026, 3, 9), date(2026, 3, 12)))  # share 3/9
    assert s.paused_days_through(date(2026, 3, 31)) == 8 and s.date_of(5) == date(2026, 3, 13)
    s = schedule((date(2026, 3, 5), date(2026, 3, 9)), (date(2026, 3, 11), date(2026, 3, 12)))  # 3/10 between
    assert not s.is_paused(date(2026, 3, 10)) and s.state(date(2026, 3, 10)) == "active"
    assert s.day_number(date(2026, 3, 10)) == 5 and s.paused_days_through(date(2026, 3, 31)) == 7
    assert s.date_of(5) == date(2026, 3, 10) and s.date_of(6) == date(2026, 3, 13)


def test_today_is_the_learners_own_date():
    # 20:00 UTC on 1 March is already 2 March in Shanghai: an open pause there runs through 2 March.
    s = Schedule(START, ZoneInfo("Asia/Shanghai"), [PausedSpan(date(2026, 3, 2), None)], total_days=180,
                 now=datetime(2026, 3, 1, 20, tzinfo=UTC))
    assert s.today == date(2026, 3, 2) and s.local_date(datetime(2026, 3, 1, 15, 59, tzinfo=UTC)) == date(2026, 3, 1)
    assert s.paused_days_through(date(2026, 3, 31)) == 1


def test_shift_on_finds_only_a_shift():
    shift = PausedSpan(date(2026, 3, 10), date(2026, 3, 12), shift=True)
    s = Schedule(START, ZoneInfo("UTC"), [PausedSpan(date(2026, 3, 5), date(2026, 3, 6)), shift], total_days=180, now=NOW)
    assert s.shift_on(date(2026, 3, 11)) == shift
    assert s.shift_on(date(2026, 3, 5)) is None and s.shift_on(date(2026, 3, 20)) is None
