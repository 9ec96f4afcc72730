"""GET /api/v1/resources, PUT /api/v1/resources/<id>: the learner's resources with their status."""

from django.http import JsonResponse
from django.utils.translation import gettext as _

from apps.core.jsoninput import read
from apps.progress.http import api_view, error, form_errors, json_body
from apps.resources import services
from apps.resources.forms import RESOURCE_UPDATE_JSON, ResourceUpdateForm
from apps.resources.models import UserResource
from apps.resources.views import apply_update


def resource_json(row: UserResource) -> dict:
    return {
        "id": row.pk,
        "kind": row.display_kind,
        "title": row.display_title,
        "note": row.display_note,
        "url": row.url,
        "own": row.own,
        "status": row.status,
        "rating": row.rating,
        "notes": row.notes,
        "blocks": [] if row.own else sorted(b.number for b in row.resource.blocks.all()),
        "topics": [] if row.own else sorted(t.key for t in row.resource.topics.all()),
    }


@api_view("GET")
def resources(request, learner):
    services.ensure_rows(request.user, learner.plan)
    return JsonResponse([resource_json(r) for r in services.rows_for(request.user, learner.plan)], safe=False)


@api_view("PUT")
def resource(request, learner, row_id):
    row = UserResource.objects.select_related("resource").filter(pk=row_id, user=request.user).first()
    if row is None:
        return error(404, {"id": [_("No resource %(id)s of yours.") % {"id": row_id}]})
    data = json_body(request)
    if data is None:
        return error(400, {"body": [_('Send a JSON object such as {"status": "done", "note": "…"}.')]})
    values, problems = read(data, RESOURCE_UPDATE_JSON)
    if problems:
        return error(400, problems)
    form = ResourceUpdateForm({k: ("" if v is None else v) for k, v in values.items()})
    if not form.is_valid():
        return error(400, form_errors(form))
    apply_update(row, form, values)
    row = services.rows_for(request.user, learner.plan).get(pk=row.pk)
    return JsonResponse(resource_json(row))
