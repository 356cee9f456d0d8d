"""Per-request context that services read without taking it as an argument (request id)."""

import contextlib
import contextvars
import uuid

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def new_request_id() -> str:
    return uuid.uuid4().hex


def get_request_id() -> str:
    return _request_id.get()


def set_request_id(value: str):
    return _request_id.set(value)


def reset_request_id(token) -> None:
    _request_id.reset(token)


# A memo that lives as long as one request (set up by RequestIdMiddleware): reads that many
# parts of one page need (a user's standing in an exercise) are made once per request. Outside
# a request (services called from the CLI, tests, background threads) nothing is memoised.
_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("request_memo", default=None)


def open_memo():
    return _memo.set({})


def memo_active() -> bool:
    return _memo.get() is not None


@contextlib.contextmanager
def memo_scope():
    """A memo for this block when none is open (a request's stays as it is)."""
    if _memo.get() is not None:
        yield
        return
    token = open_memo()
    try:
        yield
    finally:
        close_memo(token)


def close_memo(token) -> None:
    _memo.reset(token)


def memoised(key: tuple, compute):
    """``compute()``, made once per request for ``key``."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def forget(kind: str) -> None:
    """Drop this request's memoised values whose key starts with ``kind`` (a change to what
    they were read from was just made)."""
    memo = _memo.get()
    if memo:
        for key in [k for k in memo if k[0] == kind]:
            del memo[key]
