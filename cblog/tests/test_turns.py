"""Threads of one process that miss the same value at once: one makes it, the rest wait for it."""

import threading

import pytest

from cblog.page_cache import Turns


def in_thread(target) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def turns():
    return Turns()


def test_a_thread_that_misses_what_another_is_making_waits_for_it(turns):
    making, kept, seen = threading.Event(), threading.Event(), []

    def first():
        with turns.turn("page") as mine:
            seen.append(("first", mine))
            making.set()
            kept.wait(5)
            seen.append("first kept it")

    def second():
        with turns.turn("page") as mine:
            seen.append(("second", mine))

    maker = in_thread(first)
    making.wait(5)
    waiter = in_thread(second)
    waiter.join(0.3)
    assert waiter.is_alive()  # waiting for the first, not making the page too

    kept.set()
    maker.join(5)
    waiter.join(5)
    assert seen == [("first", True), "first kept it", ("second", False)]


def test_threads_making_different_values_do_not_wait_for_each_other(turns):
    making, done, seen = threading.Event(), threading.Event(), []

    def first():
        with turns.turn("page-1"):
            making.set()
            done.wait(5)

    maker = in_thread(first)
    making.wait(5)
    with turns.turn("page-2") as mine:
        seen.append(mine)
    done.set()
    maker.join(5)
    assert seen == [True]


def test_a_thread_making_a_value_never_waits_for_another(turns):
    """Two threads that each make one value and then need the other's would wait for each other."""
    making, done, seen = threading.Event(), threading.Event(), []

    def first():
        with turns.turn("menu"):
            making.set()
            done.wait(5)

    maker = in_thread(first)
    making.wait(5)
    with turns.turn("page") as page, turns.turn("menu") as menu:
        seen.append((page, menu))
    done.set()
    maker.join(5)
    assert seen == [(True, False)]  # made the page; the menu without waiting, by itself


def test_a_value_whose_maker_failed_is_made_by_the_next_thread(turns):
    with pytest.raises(RuntimeError), turns.turn("page"):
        raise RuntimeError("the database went away")

    with turns.turn("page") as mine:
        assert mine
    assert turns.making == {}


def test_a_waiting_thread_stops_waiting_after_a_while(turns, monkeypatch):
    monkeypatch.setattr(Turns, "WAIT_SECONDS", 0.05)
    making, done, seen = threading.Event(), threading.Event(), []

    def first():
        with turns.turn("page"):
            making.set()
            done.wait(5)

    maker = in_thread(first)
    making.wait(5)
    with turns.turn("page") as mine:
        seen.append(mine)  # to make it itself, once made_once finds nothing kept
    done.set()
    maker.join(5)
    assert seen == [False]
