"""The live stream of an exercise: Server-Sent Events with Last-Event-ID catch-up.

An open stream holds no database connection: the request's own connection is closed once the
user's access is checked, and events come from the exercise's shared reader
(``realtime.subscribe``), whose few pool threads do all the reading.
"""

import asyncio

from asgiref.sync import sync_to_async
from django.db import connections
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

    async def stream():
        # The stream may stay open for hours: give the request thread's connection back now
        # that the middleware is done with it (a session save happens after the view).
        await sync_to_async(connections.close_all)()
        subscription = await realtime.subscribe(pk, after)
        loop = asyncio.get_running_loop()
        next_check = loop.time() + RECHECK_SECONDS
        try:
            yield "retry: 1000\n\n"
            for text in await subscription.catch_up(body_id):
                yield text
            while not subscription.overflowed:
                frames = await subscription.next(realtime.HEARTBEAT_SECONDS)
                if frames is None:
                    yield ": keep-alive\n\n"
                else:
                    for text in subscription.take(frames, body_id):
                        yield text
                if loop.time() > next_check:
                    # Access can be withdrawn while connected: check again now and then.
                    if not await realtime.run_db(_may_see, user, pk):
                        return
                    next_check = loop.time() + RECHECK_SECONDS
        finally:
            subscription.close()

    response = StreamingHttpResponse(stream(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
