from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.jsoninput import Field
from apps.core.validators import http_only
from apps.curriculum.models import Resource
from apps.resources.models import UserResource


class OwnResourceForm(forms.ModelForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Resource.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    url = forms.URLField(label=_("Link"), max_length=500, required=False, assume_scheme="https")
    description = forms.CharField(label=_("Note"), max_length=500, required=False)

    class Meta:
        model = UserResource
        fields = ["kind", "title", "url", "description", "block"]
        labels = {"block": _("Block")}

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["block"].queryset = plan.blocks.all() if plan is not None else self.fields["block"].queryset.none()
        self.fields["block"].required = False

    def clean_url(self):
        return http_only(self.cleaned_data["url"])


class ResourceUpdateForm(forms.Form):
    """Status, rating, notes and the learner's block; a field left out of the request is left as it was."""

    status = forms.ChoiceField(choices=UserResource.Status.choices, required=False)
    rating = forms.TypedChoiceField(
        choices=[("", "-")] + [(str(i), str(i)) for i in range(1, 6)], coerce=int, required=False, empty_value=None
    )
    note = forms.CharField(
        required=False,
        strip=False,
        max_length=UserResource.MAX_NOTES,
        error_messages={"max_length": _("A note can be at most 100,000 characters (this one has %(show_value)d).")},
    )
    block = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, choices=[])

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        blocks = list(plan.blocks.values_list("pk", "number", "title")) if plan is not None else []
        self.fields["block"].choices = [("", "-")] + [(str(pk), f"{number}. {title}") for pk, number, title in blocks]


# A learner's resource row in JSON: what the API's PUT may change, and the whole row in a learner's document.
RESOURCE_UPDATE_JSON = {
    "status": Field("text", required=False, choices=tuple(UserResource.Status.values)),
    "rating": Field("int", required=False, null=True, low=1, high=5),
    "note": Field("text", required=False, max_length=UserResource.MAX_NOTES),
}
USER_RESOURCE_JSON = {
    "kind": Field("text", choices=("", *Resource.Kind.values)),
    "title": Field("text", max_length=300),
    "url": Field("text", max_length=500, link=True),
    "description": Field("text", max_length=500),
    "status": Field("text", choices=tuple(UserResource.Status.values)),
    "rating": Field("int", null=True, low=1, high=5),
    "notes": Field("text", max_length=UserResource.MAX_NOTES),
}
