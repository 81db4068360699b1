"""The patient notebook client asks for a reply again until its deadline (jupyter/nbclient#312)."""
import asyncio
import queue
import time

import chapter_runs


def channel(replies):
    """A channel's get_msg that gives the next of `replies` on each call; for queue.Empty it waits its
    timeout first, as a poll that sees nothing does."""
    calls = []

    async def get_msg(timeout=None):
        calls.append(timeout)
        reply = replies.pop(0)
        if isinstance(reply, queue.Empty):
            await asyncio.sleep(timeout or 0)
            raise reply
        return reply
    return get_msg, calls


def test_a_reply_missed_by_one_poll_is_found_by_the_next():
    get_msg, calls = channel([queue.Empty(), {"msg": "reply"}])
    got = asyncio.run(chapter_runs.asked_every(0.01, get_msg)(timeout=300))
    assert got == {"msg": "reply"} and calls == [0.01, 0.01]


def test_no_reply_by_the_deadline_is_empty_as_before():
    get_msg, calls = channel([queue.Empty()] * 100)
    start = time.monotonic()
    try:
        asyncio.run(chapter_runs.asked_every(0.5, get_msg)(timeout=1.2))
    except queue.Empty:
        pass
    else:
        raise AssertionError("a reply that never came was returned")
    assert len(calls) == 3 and abs(sum(calls) - 1.2) < 0.05 and time.monotonic() - start < 2


def test_without_a_timeout_it_asks_until_a_reply_comes():
    get_msg, calls = channel([queue.Empty()] * 5 + [{"msg": "late"}])
    assert asyncio.run(chapter_runs.asked_every(0.01, get_msg)(timeout=None)) == {"msg": "late"}
    assert len(calls) == 6
