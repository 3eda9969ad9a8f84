"""What apps tell the audience figures, without knowing who counts them.

Core sits below every app, so a feature app that has something to count (the
newsletter: a sign-up, and the page it came from) calls ``note()`` here, and
the analytics app listens from its ``AppConfig.ready()``. With analytics
switched off nobody listens and ``note()`` does nothing.
"""

from collections.abc import Callable

Listener = Callable[..., None]  # (kind, request, **fields) -> None

_listeners: list[Listener] = []


def register_listener(listener: Listener) -> Listener:
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def note(kind: str, request, **fields) -> None:
    """Tell the listeners that ``kind`` happened for ``request``."""
    for listener in _listeners:
        listener(kind, request, **fields)
