import re

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.jsoninput import Field
from apps.core.validators import http_only
from apps.milestones.models import MilestoneCheck, Output

SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


class CheckForm(forms.Form):
    done = forms.BooleanField(required=False)
    evidence = forms.CharField(max_length=500, required=False, help_text=_("A link or a short note."))

    def clean_evidence(self):
        evidence = self.cleaned_data["evidence"].strip()
        if SCHEME.match(evidence):  # it is a link: only the web's
            http_only(evidence)
        return evidence


class OutputForm(forms.ModelForm):
    url = forms.URLField(label=_("Link"), max_length=500, assume_scheme="https")

    class Meta:
        model = Output
        fields = ["kind", "title", "url", "block", "topic", "project"]
        labels = {"kind": _("Kind"), "title": _("Title"), "block": _("Block"), "topic": _("Topic"), "project": _("Practice project")}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["block"].queryset = plan.blocks.all()
        self.fields["topic"].queryset = plan.topics.all()
        self.fields["project"].queryset = self.fields["project"].queryset.filter(block__plan=plan, kind="project")

    def clean_url(self):
        return http_only(self.cleaned_data["url"])

    def clean(self):
        cleaned = super().clean()
        block, topic, project = cleaned.get("block"), cleaned.get("topic"), cleaned.get("project")
        if not (block or topic or project):
            raise forms.ValidationError(_("Attach it to a block, a topic or a practice project."))
        blocks = {x.block_id for x in (topic, project) if x is not None} | ({block.pk} if block else set())
        if len(blocks) > 1:
            raise forms.ValidationError(_("The block, topic and practice project must be of the same block."))
        return cleaned


# A milestone item's check and an output in JSON: the API's PUT and a learner's document.
CHECK_JSON = {
    "done": Field("bool", required=False),
    "evidence": Field("text", required=False, max_length=MilestoneCheck._meta.get_field("evidence").max_length),
}
OUTPUT_JSON = {
    "kind": Field("text", choices=tuple(Output.Kind.values)),
    "title": Field("text", max_length=300),
    "url": Field("text", max_length=500, link=True),
}
