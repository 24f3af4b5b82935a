"""Threads of one process that miss the same value at once: one makes it, the rest wait for it."""

import threading
from contextlib import contextmanager

import pytest

from cblog.page_cache import Turns


def in_thread(target) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def turns():
    return Turns()


@contextmanager
def made_by_another_thread(turns: Turns, key: str):
    """Another thread is making `key` until the block ends."""
    making, done = threading.Event(), threading.Event()

    def make():
        with turns.turn(key):
            making.set()
            done.wait(5)

    maker = in_thread(make)
    making.wait(5)
    try:
        yield
    finally:
        done.set()
        maker.join(5)


def test_a_thread_that_misses_what_another_is_making_waits_for_it(turns):
    seen = []

    def miss():
        with turns.turn("page") as mine:
            seen.append(mine)

    with made_by_another_thread(turns, "page"):
        waiter = in_thread(miss)
        waiter.join(0.3)
        assert waiter.is_alive()  # waiting for the other, not making the page too
    waiter.join(5)

    assert seen == [False]


def test_threads_making_different_values_do_not_wait_for_each_other(turns):
    with made_by_another_thread(turns, "page-1"), turns.turn("page-2") as mine:
        assert mine


def test_a_thread_making_a_value_never_waits_for_another(turns):
    """Two threads that each make one value and then need the other's would wait for each other."""
    with (
        made_by_another_thread(turns, "menu"),
        turns.turn("page") as page,
        turns.turn("menu") as menu,
    ):
        assert (page, menu) == (True, False)  # the menu made by itself, without waiting


def test_a_value_whose_maker_failed_is_made_by_the_next_thread(turns):
    with pytest.raises(RuntimeError), turns.turn("page"):
        raise RuntimeError("the database went away")

    with turns.turn("page") as mine:
        assert mine
    assert turns.making == {}


def test_a_waiting_thread_stops_waiting_after_a_while(turns, monkeypatch):
    monkeypatch.setattr(Turns, "WAIT_SECONDS", 0.05)

    with made_by_another_thread(turns, "page"), turns.turn("page") as mine:
        assert not mine  # to make it itself, once made_once finds nothing kept
