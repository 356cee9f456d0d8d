"""The production ASGI application: Django's, with the live streams written directly.

Everything about a stream request goes through Django as before: the middleware (session,
log-in, session expiry, two-factor …), the view's access check and its 404, the response
headers and cookies. Only the body of an ``EventStreamResponse`` is sent differently: Django's
handler passes every chunk of a streaming response through two wrapping generators, a
conversion to bytes that looks the charset up in the settings, and a re-chunking, once per
frame and per open stream (a thousand consoles: 50,000 frames in ten seconds, on the process's
one event loop). Here the stream's chunks (``live.stream_frames``, already bytes, encoded once
per event) go straight to ``send()``. A client that disconnects still ends the stream: Django's
handler listens for ``http.disconnect`` and cancels the response, whose subscription is then
released.
"""

from __future__ import annotations

import django
from django.core.handlers.asgi import ASGIHandler
from django.urls import get_resolver


def _headers(response) -> list[tuple[bytes, bytes]]:
    """The response's headers and cookies, as Django's ``send_response()`` encodes them."""
    headers = []
    for name, value in response.items():
        name = name.encode("ascii") if isinstance(name, str) else name
        value = value.encode("latin1") if isinstance(value, str) else value
        headers.append((bytes(name), bytes(value)))
    headers += [(b"Set-Cookie", c.output(header="").encode("ascii").strip())
                for c in response.cookies.values()]
    return headers


class StreamingASGIHandler(ASGIHandler):
    """Django's ASGI handler, sending the body of event streams without per-chunk overhead."""

    def __init__(self):
        super().__init__()
        from .live import EventStreamResponse  # the apps are ready by now

        self.stream_class = EventStreamResponse

    async def send_response(self, response, send):
        if not isinstance(response, self.stream_class):
            return await super().send_response(response, send)
        await send({"type": "http.response.start", "status": response.status_code,
                    "headers": _headers(response)})
        frames = response.frames
        try:
            async for chunk in frames:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        finally:
            await frames.aclose()  # ends the stream's loop: its subscription is released
        await send({"type": "http.response.body"})
        return None


def get_asgi_application() -> StreamingASGIHandler:
    django.setup(set_prefix=False)
    handler = StreamingASGIHandler()
    get_resolver().url_patterns  # noqa: B018 - import every view now, not on the first request
    return handler

