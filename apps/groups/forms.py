from django import forms
from django.utils.translation import gettext_lazy as _

from apps.groups.models import NUDGE_MAX_LENGTH


class NudgeForm(forms.Form):
    """Who (the ticked members, or everyone behind by more than N days) and what."""

    message = forms.CharField(label=_("Message"), max_length=NUDGE_MAX_LENGTH, strip=True, widget=forms.Textarea(attrs={"rows": 2}))
    members = forms.TypedMultipleChoiceField(coerce=int, required=False)
    behind = forms.IntegerField(label=_("Everyone behind by more than (days)"), required=False, min_value=0, max_value=365)

    def __init__(self, *args, member_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [(pk, pk) for pk in member_ids]
        self.fields["members"].error_messages["invalid_choice"] = _("%(value)s is not a member of this group.")

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("members") and data.get("behind") is None:
            raise forms.ValidationError(_("Tick some members, or give a number of days behind."), code="nobody")
        return data


class ConsentForm(forms.Form):
    share_email = forms.BooleanField(label=_("Also show the leads my e-mail address"), required=False)
