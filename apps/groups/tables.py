"""The roster's rows as HTML, built in Python: fifty rows of eight cells as `{% for %}` loops cost more
than the rest of the page (the same reason as apps/dashboard/tables.py). Every value is escaped; the
markup is what the template made before."""

from __future__ import annotations

import functools
from datetime import date
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.groups.roster import band as band_of


def roster_rows(rows: list, today: date) -> SafeString:
    """The roster's <tr>s for apps.groups.roster.Row's."""
    words = {
        "paused": _("paused"), "before": _("not started"), "on_plan": _("on plan"), "inactive": _("inactive"),
        "invited": _("invited"), "no_plan": _("no plan chosen"), "nudged": _("Nudged today"),
    }
    html = []

    # Made once a page, not once a row: the plan's few milestones in their few states, and the words
    # for the few distinct numbers of days ahead or behind.
    @functools.cache
    def badge(state, title, day):
        return f'<span class="badge ms-{escape(state)}" title="{escape(title)}">{day}</span>'

    @functools.cache
    def days(buffer):
        if buffer < 0:
            return escape(ngettext("%(n)s day behind", "%(n)s days behind", -buffer) % {"n": -buffer})
        if buffer > 0:
            return escape(ngettext("%(n)s day ahead", "%(n)s days ahead", buffer) % {"n": buffer})
        return escape(words["on_plan"])

    select_label = _("Select %(name)s")

    for r in rows:
        name = escape(r.username)
        label = escape(select_label % {"name": r.username})
        select = f'<input type="checkbox" name="members" value="{r.user_id}" aria-label="{label}">' if r.shares else ""
        who = name
        if r.email:
            who += f'<br><span class="muted small">{escape(r.email)}</span>'
        if r.nudged:
            who += f' <span class="badge" title="{words["nudged"]}">✉</span>'
        band = band_of(r, today) if r.shares else "invited"
        if r.shares and r.has_figures:
            day = f"{r.day} / {r.total_days}" + (f" · {words[r.state]}" if r.state in ("paused", "before") else "")
            buffer = days(r.buffer_days) + (f' · <span class="badge">{words["inactive"]}</span>' if band == "inactive" else "")
            milestones = " ".join(badge(x["state"], x["title"], x["day"]) for x in r.milestones)
            cells = (f"<td>{escape(day)}</td><td>{r.topic_days_done}</td><td class=\"buffer\">{buffer}</td><td>{r.streak}</td>"
                     f"<td>{r.last_checkin.isoformat() if r.last_checkin else '—'}</td><td class=\"small\">{milestones}</td>")
        elif r.shares:
            cells = f'<td colspan="6" class="muted">{words["no_plan"]}</td>'
        else:
            cells = f'<td colspan="6"><span class="badge">{words["invited"]}</span></td>'
        html.append(f'<tr class="band-{band}"><td>{select}</td><th scope="row">{who}</th>{cells}</tr>')
    return mark_safe("".join(html))  # noqa: S308 - every value escaped above


def roster_head(headers: list[dict]) -> SafeString:
    """The sortable column headers: the current one marked with aria-sort and an arrow."""
    cells = []
    for h in headers:
        way = "descending" if h["descending"] else "ascending"
        sort = f' aria-sort="{way}"' if h["current"] else ""
        arrow = (" ↓" if h["descending"] else " ↑") if h["current"] else ""
        cells.append(f'<th{sort}><a href="{escape(h["link"])}">{escape(h["label"])}{arrow}</a></th>')
    return mark_safe("".join(cells))  # noqa: S308 - every value escaped above


def state_options(states: dict, current: str) -> SafeString:
    """The filter's <option>s, "everyone" first, the current one selected."""
    options = [f'<option value="">{escape(_("Everyone"))}</option>']
    for value, label in states.items():
        selected = " selected" if value == current else ""
        options.append(f'<option value="{escape(value)}"{selected}>{escape(str(label))}</option>')
    return mark_safe("".join(options))  # noqa: S308 - every value escaped above
