"""Validators shared by every app's forms."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

# Every date a learner can set or ask about lies here: a day 1 in the year 2 or 9999 is a typo, and
# pages that walk a learner's dates must not grow (or overflow) with one.
FIRST_DATE, LAST_DATE = date(1970, 1, 1), date(2100, 12, 31)


def sane_date(value: date) -> date:
    if not FIRST_DATE <= value <= LAST_DATE:
        raise forms.ValidationError(
            _("Choose a date between %(first)s and %(last)s."), params={"first": FIRST_DATE.isoformat(), "last": LAST_DATE.isoformat()}
        )
    return value


def http_only(url: str) -> str:
    """Links learners give must be web links: no javascript:, data:, ftp: or the like."""
    if url and not url.lower().startswith(("http://", "https://")):
        raise forms.ValidationError(_("A link must start with http:// or https://."))
    return url
