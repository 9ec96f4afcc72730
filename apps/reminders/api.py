"""Web Push subscriptions for the browser (the session) or a script (a Bearer token).

    GET    /api/v1/push/subscriptions   the site's VAPID public key and this learner's push channels
    POST   /api/v1/push/subscriptions   a browser's PushSubscription.toJSON(): {"endpoint", "keys": {"p256dh", "auth"}}
    DELETE /api/v1/push/subscriptions   {"endpoint": ...}: that subscription is removed
"""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from apps.progress.http import api_view, error, json_body
from apps.reminders import channels
from apps.reminders.models import Channel


def _channel_json(channel: Channel) -> dict:
    return {"id": channel.pk, "label": channel.label, "shown": channel.shown, "enabled": channel.enabled,
            "last_status": channel.last_status, "last_error": channel.last_error,
            "last_at": channel.last_at.isoformat() if channel.last_at else None}


@api_view("GET", "POST", "DELETE")
def push_subscriptions(request, learner):
    if request.method == "GET":
        _key, public = channels.vapid()
        mine = Channel.objects.filter(user=request.user, kind=Channel.Kind.PUSH)
        return JsonResponse({"public_key": public, "subscriptions": [_channel_json(c) for c in mine]})
    data = json_body(request)
    if request.method == "DELETE":
        endpoint = data.get("endpoint") if isinstance(data, dict) else None
        if not isinstance(endpoint, str) or not endpoint:
            return error(400, {"endpoint": [_("Send {\"endpoint\": ...} of the subscription to remove.")]})
        if not channels.remove_push(request.user, endpoint):
            return error(404, {"endpoint": [_("No such subscription.")]})
        return HttpResponse(status=204)
    subscription, problem = channels.check_subscription(data)
    if problem:
        return error(400, {"subscription": [problem]})
    channel, created = channels.add_push(request.user, subscription, request.headers.get("X-Device-Label", "")[:100])
    return JsonResponse(_channel_json(channel), status=201 if created else 200)
