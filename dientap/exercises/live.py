"""The live stream of an exercise: Server-Sent Events with Last-Event-ID catch-up."""

import asyncio

from asgiref.sync import sync_to_async
from django.http import Http404, StreamingHttpResponse

from dientap.core import realtime
from dientap.core.scoping import VIEW

from .models import Exercise

RECHECK_SECONDS = 60


def _may_see(user, pk) -> bool:
    return Exercise.objects.restrict(user, VIEW).filter(pk=pk).exists()


def _last_event_id(request) -> int:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("last") or "0"
    try:
        return max(0, int(raw))
    except ValueError:
        return 0


async def event_stream(request, pk: int):
    """Events of one exercise that this user may receive, from after Last-Event-ID on."""
    user = await request.auser()
    if not user.is_authenticated or not await sync_to_async(_may_see)(user, pk):
        raise Http404
    after = _last_event_id(request)
    body_id = user.body_id
    realtime.ensure_redis_listener()

    async def stream():
        nonlocal after
        signal = realtime.hub.subscribe(pk)
        loop = asyncio.get_running_loop()
        next_check = loop.time() + RECHECK_SECONDS
        try:
            yield "retry: 1000\n\n"
            while True:
                signal.clear()
                events = await sync_to_async(realtime.events_after)(pk, after)
                for event in events:
                    after = event.seq
                    if realtime.visible_to(event, body_id):
                        yield realtime.sse_frame(event)
                if len(events) >= 500:
                    continue
                try:
                    await asyncio.wait_for(signal.wait(), realtime.HEARTBEAT_SECONDS)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                if loop.time() > next_check:
                    # Access can be withdrawn while connected: check again now and then.
                    if not await sync_to_async(_may_see)(user, pk):
                        return
                    next_check = loop.time() + RECHECK_SECONDS
        finally:
            realtime.hub.unsubscribe(pk, signal)

    response = StreamingHttpResponse(stream(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
