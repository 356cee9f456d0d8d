"""The live stream of an exercise: Server-Sent Events with Last-Event-ID catch-up.

An open stream holds no database connection: the request's own connection is closed once the
user's access is checked, and events come from the exercise's shared reader
(``realtime.subscribe``), whose few pool threads do all the reading.

The view checks access like any other view (session, middleware, 404) and answers an
``EventStreamResponse`` whose body is ``stream_frames()``, the one loop that produces the
stream's bytes. Django's handlers (test client, WSGI, plain ``get_asgi_application()``) send
it as any streaming response; the production ASGI application (``dientap.exercises.sse``)
writes the same chunks straight to the connection, without Django's per-chunk machinery.
"""

import asyncio
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async
from django.db import connections
from django.http import Http404, StreamingHttpResponse

from dientap.core import realtime
from dientap.core.scoping import VIEW

from .models import Exercise

RECHECK_SECONDS = 60
RETRY = b"retry: 1000\n\n"
KEEP_ALIVE = b": keep-alive\n\n"


def _may_see(user, pk) -> bool:
    return Exercise.objects.restrict(user, VIEW).filter(pk=pk).exists()


def _last_event_id(request) -> int:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("last") or "0"
    try:
        return max(0, int(raw))
    except ValueError:
        return 0


async def stream_frames(user, pk: int, after: int) -> AsyncIterator[bytes]:
    """The stream's bytes for a user already allowed to see exercise ``pk``: the retry line,
    what was missed after ``after``, then the live events the user's body may receive (all the
    frames of one wake-up in one chunk), keep-alives, until access is withdrawn, the reader
    falls too far behind, or the connection goes (the subscription is released then)."""
    body_id = user.body_id
    # The stream may stay open for hours: give the request thread's connection back now
    # that the middleware is done with it (a session save happens after the view).
    await sync_to_async(connections.close_all)()
    subscription = await realtime.subscribe(pk, after)
    loop = asyncio.get_running_loop()
    next_check = loop.time() + RECHECK_SECONDS
    try:
        yield RETRY
        for chunk in await subscription.catch_up(body_id):
            yield chunk
        while not subscription.overflowed:
            frames = await subscription.next(realtime.HEARTBEAT_SECONDS)
            if frames is None:
                yield KEEP_ALIVE
            else:
                chunk = subscription.take(frames, body_id)
                if chunk:
                    yield chunk
            if loop.time() > next_check:
                # Access can be withdrawn while connected: check again now and then.
                if not await realtime.run_db(_may_see, user, pk):
                    return
                next_check = loop.time() + RECHECK_SECONDS
    finally:
        subscription.close()


class EventStreamResponse(StreamingHttpResponse):
    """A text/event-stream response; ``frames`` is its body as chunks of bytes."""

    def __init__(self, frames: AsyncIterator[bytes]):
        super().__init__(frames, content_type="text/event-stream")
        self.frames = frames
        self["Cache-Control"] = "no-cache"
        self["X-Accel-Buffering"] = "no"


async def event_stream(request, pk: int):
    """Events of one exercise that this user may receive, from after Last-Event-ID on."""
    user = await request.auser()
    if not user.is_authenticated or not await sync_to_async(_may_see)(user, pk):
        raise Http404
    return EventStreamResponse(stream_frames(user, pk, _last_event_id(request)))
