"""The roster of a group, read in SQL: the group with its counts, then one page of members.

A page of a 10,000-member roster is the hottest read a lead makes, and the ORM's building and
compiling of these queries took longer than PostgreSQL took to answer them (bench/README.md, "Study
groups at 10,000 members"). So they are written here once, by hand, for PostgreSQL and SQLite alike:
table and column names come from the models, the WHERE and ORDER BY fragments only from the fixed
tables below, and every value is a parameter, adapted for the database by Django's own operations.

A page reads the members in order from the partial index of the group's sharing members on the sort
key (Membership's copies of the standing), skips to the page, and joins those fifty to their user and
standing. Members who do not share are read without their figures: the standing is joined only for
those who share, so nothing a member has not consented to leaves the database.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import connection

from apps.curriculum.models import Plan
from apps.groups.models import Group, Membership, Nudge, Standing

INACTIVE_DAYS = 7

# The query string's sort name → the column it orders by: the membership's copy of the standing's
# figure or the username, each indexed per group for the members who share (apps.groups.models).
ORDER_COLUMNS = {
    "username": "m.username",
    "day": "m.day",
    "done": "m.topic_days_done",
    "buffer": "m.buffer_days",
    "streak": "m.streak",
    "last": "m.last_checkin",
}
# state → (the condition on the membership beside its group, whether it needs today's cutoffs)
STATE_CONDITIONS = {
    "": "m.shares_since IS NOT NULL",
    "behind": "m.shares_since IS NOT NULL AND m.buffer_days < 0",
    "on_plan": "m.shares_since IS NOT NULL AND m.buffer_days = 0",
    "ahead": "m.shares_since IS NOT NULL AND m.buffer_days > 0",
    # Active in the plan, past its first week, and no check-in for INACTIVE_DAYS days.
    "inactive": "m.shares_since IS NOT NULL AND m.plan_state = 'active' AND m.day > %s AND m.last_checkin < %s",
    "invited": "m.shares_since IS NULL",
}


@functools.cache
def _tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {
        "group": quote(Group._meta.db_table),
        "leads": quote(Group.leads.through._meta.db_table),
        "membership": quote(Membership._meta.db_table),
        "standing": quote(Standing._meta.db_table),
        "nudge": quote(Nudge._meta.db_table),
        "user": quote(get_user_model()._meta.db_table),
        "plan": quote(Plan._meta.db_table),
    }


GROUP_FIELDS = ["id", "name", "slug", "plan_id", "auto_nudge_behind", "auto_nudge_message"]
PLAN_FIELDS = ["id", "slug", "title", "total_days"]


def lookup(user_id: int, slug: str, now: datetime, *, stale_limit: int) -> Group | None:
    """The group by slug, with the asker's role (`is_lead`, `is_member`), how many members share
    (`sharing`) and how many are invited (`invited`: the counts kept on the group, apps.groups.counts),
    and how many members' standings are out of date at `now`, counted up to `stale_limit` (`stale`):
    one query. The group's plan comes with it (id, slug, title, total_days; other fields load when
    asked for).

    Out of date is either of standings.due_ids's two conditions, each read from its own small index;
    the two lists are joined without removing doubles (a UNION would read every out-of-date standing
    first) and cut at twice the limit, which still counts at least `stale_limit` distinct members when
    it is reached, since a member is in each list at most once."""
    t = _tables()
    sql = f"""
        SELECT {", ".join(f"g.{f}" for f in GROUP_FIELDS)}, {", ".join(f"p.{f}" for f in PLAN_FIELDS)},
          EXISTS (SELECT 1 FROM {t["leads"]} l WHERE l.group_id = g.id AND l.user_id = %s),
          EXISTS (SELECT 1 FROM {t["membership"]} m WHERE m.group_id = g.id AND m.user_id = %s),
          g.sharing_count, g.invited_count,
          (SELECT COUNT(DISTINCT due.user_id) FROM (
            SELECT s.user_id FROM {t["standing"]} s JOIN {t["membership"]} m ON m.user_id = s.user_id
              WHERE m.group_id = (SELECT id FROM {t["group"]} WHERE slug = %s) AND s.changed_at >= s.computed_at
            UNION ALL
            SELECT s.user_id FROM {t["standing"]} s JOIN {t["membership"]} m ON m.user_id = s.user_id
              WHERE m.group_id = (SELECT id FROM {t["group"]} WHERE slug = %s) AND s.valid_until <= %s
            LIMIT %s
          ) due)
        FROM {t["group"]} g JOIN {t["plan"]} p ON p.id = g.plan_id
        WHERE g.slug = %s
    """  # noqa: S608 - names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, user_id, slug, slug, connection.ops.adapt_datetimefield_value(now), 2 * stale_limit, slug])
        found = cursor.fetchone()
    if found is None:
        return None
    n, m = len(GROUP_FIELDS), len(PLAN_FIELDS)
    group = Group.from_db(connection.alias, GROUP_FIELDS, found[:n])
    group.plan = Plan.from_db(connection.alias, PLAN_FIELDS, found[n:n + m])
    group.is_lead, group.is_member, group.sharing, group.invited, group.stale = found[n + m:]
    group.is_lead, group.is_member = bool(group.is_lead), bool(group.is_member)
    return group


@dataclass(slots=True)
class Row:
    """A member on the roster. The figures are None for a member who does not share (and for one
    whose standing is not computed yet)."""

    user_id: int
    username: str
    email: str  # "" unless the member lets the leads see it
    shares: bool
    nudged: bool  # a nudge on or after the lead's today
    state: str | None
    day: int | None
    total_days: int | None
    topic_days_done: int | None
    buffer_days: int | None
    streak: int | None
    last_checkin: date | None
    milestones: list

    @property
    def has_figures(self) -> bool:
        return self.state is not None


def _where(group_id: int, state: str, today: date) -> tuple[str, list]:
    params = [group_id]
    if state == "inactive":
        params += [INACTIVE_DAYS, connection.ops.adapt_datefield_value(today - timedelta(days=INACTIVE_DAYS))]
    return f"m.group_id = %s AND {STATE_CONDITIONS[state]}", params


def _order(sort: str, descending: bool, state: str) -> str:
    """Ties go by user id (the indexes' last column). Never checked in is the least recent (NEVER)."""
    column = ORDER_COLUMNS["username" if state == "invited" else sort]
    way = "DESC" if descending else "ASC"
    return f"{column} {way}, m.user_id {way}"


def count(group_id: int, state: str, today: date) -> int:
    where, params = _where(group_id, state, today)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {_tables()['membership']} m WHERE {where}", params)  # noqa: S608
        return cursor.fetchone()[0]


def rows(group_id: int, *, sort: str, descending: bool, state: str, today: date, offset: int, limit: int) -> list[Row]:
    """`limit` members from `offset` on, in the roster's order, with their figures: one query."""
    t = _tables()
    where, params = _where(group_id, state, today)
    order = _order(sort, descending, state)
    sql = f"""
        SELECT m.user_id, u.username, CASE WHEN m.share_email THEN u.email ELSE '' END, m.shares_since IS NOT NULL,
          EXISTS (SELECT 1 FROM {t["nudge"]} n WHERE n.user_id = m.user_id AND n.group_id = m.group_id AND n.local_date >= %s),
          s.state, s.day, s.total_days, s.topic_days_done, s.buffer_days, s.streak, s.last_checkin, s.milestones
        FROM {t["membership"]} m
          JOIN {t["user"]} u ON u.id = m.user_id
          LEFT JOIN {t["standing"]} s ON s.user_id = m.user_id AND m.shares_since IS NOT NULL
        WHERE m.group_id = %s AND m.user_id IN (
          SELECT m.user_id FROM {t["membership"]} m WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s
        )
        ORDER BY {order}
    """  # noqa: S608 - names from the models, fragments from the tables above, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datefield_value(today), group_id, *params, limit, offset])
        found = cursor.fetchall()
    return [
        Row(user_id, username, email or "", bool(shares), bool(nudged), state, day, total, done, buffer, streak,
            _date(last), _json(milestones))
        for user_id, username, email, shares, nudged, state, day, total, done, buffer, streak, last, milestones in found
    ]


def _date(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _json(value) -> list:
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str | bytes) else value


def band(row, today: date) -> str:
    """behind / on_plan / ahead, or inactive (active in the plan past its first week, no check-in for
    INACTIVE_DAYS days); "" without figures. `row` is a Row or a Standing."""
    if row is None or row.state is None:
        return ""
    cutoff = today - timedelta(days=INACTIVE_DAYS)
    if row.state == "active" and row.day > INACTIVE_DAYS and (row.last_checkin is None or row.last_checkin < cutoff):
        return "inactive"
    return "behind" if row.buffer_days < 0 else "ahead" if row.buffer_days > 0 else "on_plan"
