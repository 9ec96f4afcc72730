"""The roster's rows as HTML, built in Python: fifty rows of eight cells as `{% for %}` loops cost more
than the rest of the page (the same reason as apps/dashboard/tables.py). Every value is escaped; the
markup is what the template made before."""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def roster_rows(entries: list[dict], nudged: set[int]) -> SafeString:
    words = {
        "paused": _("paused"), "before": _("not started"), "on_plan": _("on plan"), "inactive": _("inactive"),
        "invited": _("invited"), "no_plan": _("no plan chosen"), "nudged": _("Nudged today"),
    }
    html = []
    for e in entries:
        m, s = e["membership"], e["standing"]
        name = escape(m.user.username)
        label = escape(_("Select %(name)s") % {"name": m.user.username})
        select = f'<input type="checkbox" name="members" value="{m.user_id}" aria-label="{label}">' if m.shares else ""
        who = name
        if m.share_email and m.user.email:
            who += f'<br><span class="muted small">{escape(m.user.email)}</span>'
        if m.user_id in nudged:
            who += f' <span class="badge" title="{words["nudged"]}">✉</span>'
        if s is not None:
            day = f"{s.day} / {s.total_days}" + (f" · {words[s.state]}" if s.state in ("paused", "before") else "")
            if e["behind"]:
                buffer = ngettext("%(n)s day behind", "%(n)s days behind", e["behind"]) % {"n": e["behind"]}
            elif e["ahead"]:
                buffer = ngettext("%(n)s day ahead", "%(n)s days ahead", e["ahead"]) % {"n": e["ahead"]}
            else:
                buffer = words["on_plan"]
            buffer = escape(buffer) + (f' · <span class="badge">{words["inactive"]}</span>' if e["band"] == "inactive" else "")
            milestones = " ".join(f'<span class="badge ms-{escape(x["state"])}" title="{escape(x["title"])}">{x["day"]}</span>'
                                  for x in s.milestones)
            cells = (f"<td>{escape(day)}</td><td>{s.topic_days_done}</td><td class=\"buffer\">{buffer}</td><td>{s.streak}</td>"
                     f"<td>{s.last_checkin.isoformat() if s.last_checkin else '—'}</td><td class=\"small\">{milestones}</td>")
        elif m.shares:
            cells = f'<td colspan="6" class="muted">{words["no_plan"]}</td>'
        else:
            cells = f'<td colspan="6"><span class="badge">{words["invited"]}</span></td>'
        html.append(f'<tr class="band-{e["band"]}"><td>{select}</td><th scope="row">{who}</th>{cells}</tr>')
    return mark_safe("".join(html))  # noqa: S308 - every value escaped above
