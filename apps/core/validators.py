"""Validators shared by every app's forms."""

from django import forms
from django.utils.translation import gettext_lazy as _


def http_only(url: str) -> str:
    """Links learners give must be web links: no javascript:, data:, ftp: or the like."""
    if url and not url.lower().startswith(("http://", "https://")):
        raise forms.ValidationError(_("A link must start with http:// or https://."))
    return url
