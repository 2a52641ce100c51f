"""Run one capability in several threads at the same moment, each in its own session and connection."""
from __future__ import annotations

import threading
from collections.abc import Callable

from data import db
from data.errors import BackofficeError


def simultaneously(count: int, work: Callable[[int], object]) -> list:
    """`work(i)` in `count` threads released together by a barrier; each result, or the exception raised."""
    barrier = threading.Barrier(count, timeout=60)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except BaseException as error:  # noqa: BLE001 - the test looks at whatever was raised
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results


def in_own_session(actor, capability: Callable, *args, **kwargs):
    """Call `capability(session, actor, ...)` in a session of its own, committed, as a page does."""
    with db.session_scope(actor=actor) as session:
        return capability(session, actor, *args, **kwargs)


def refusals(results: list) -> list[str]:
    """The messages of the plain refusals among `results`."""
    return [r.message for r in results if isinstance(r, BackofficeError)]


def unexpected(results: list) -> list:
    """Whatever ended in something other than a result or a plain refusal (an IntegrityError, ...)."""
    return [r for r in results if isinstance(r, BaseException) and not isinstance(r, BackofficeError)]


def meanwhile(monkeypatch, module, check: str, other: Callable) -> None:
    """A second user wins the race: `module.check` passes as usual, then `other(session)` is committed in
    a session of its own before the capability goes on to write what the check allowed. `other` may call
    the same capability: its own check passes as usual (the second user is overtaken once)."""
    original = getattr(module, check)
    overtaken = []

    def checked_then_overtaken(*args, **kwargs):
        result = original(*args, **kwargs)
        if not overtaken:
            overtaken.append(True)
            with db.session_scope() as session:
                other(session)
        return result

    monkeypatch.setattr(module, check, checked_then_overtaken)
