"""GET /api/v1/milestones and PUT /api/v1/milestones/items/<id> (the id of the learner's check)."""

from django.http import JsonResponse
from django.utils.translation import gettext as _

from apps.core.jsoninput import read
from apps.milestones import services
from apps.milestones.forms import CHECK_JSON, CheckForm
from apps.milestones.models import MilestoneCheck
from apps.milestones.views import save_check
from apps.progress.http import api_view, error, form_errors, json_body


def state_json(state) -> dict:
    return {
        "day": state.milestone.day,
        "title": state.milestone.title,
        "due_date": state.due_date.isoformat(),
        "state": state.state,
        "items": [
            {"id": c.pk, "text": c.item.text, "done": c.done, "evidence": c.evidence,
             "done_on": c.done_on.isoformat() if c.done_on else None}
            for c in state.checks
        ],
    }


@api_view("GET")
def milestones(request, learner):
    return JsonResponse([state_json(s) for s in services.states(learner)], safe=False)


@api_view("PUT")
def item(request, learner, check_id):
    row = MilestoneCheck.objects.select_related("item__milestone").filter(pk=check_id, user=request.user).first()
    if row is None:
        return error(404, {"id": [_("No milestone item %(id)s of yours.") % {"id": check_id}]})
    data = json_body(request)
    if data is None:
        return error(400, {"body": [_('Send a JSON object such as {"done": true, "evidence": "https://…"}.')]})
    values, problems = read(data, CHECK_JSON)
    if problems:
        return error(400, problems)
    form = CheckForm({"done": "on" if values.get("done") else "", "evidence": values.get("evidence", row.evidence)})
    if not form.is_valid():
        return error(400, form_errors(form))
    save_check(row, form, values, learner.today)
    state = next(s for s in services.states(learner) if s.milestone.pk == row.item.milestone_id)
    return JsonResponse(state_json(state))
