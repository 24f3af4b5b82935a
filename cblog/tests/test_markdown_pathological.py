"""No input of the longest allowed size renders much slower than a realistic post of that size.

The budget is a ratio to the realistic post timed right beside it, so a slow or busy machine moves
both sides alike. A renderer that backtracks is slower by orders of magnitude, not by a factor.
"""

import time

import pytest

from cblog.markdown import render_markdown
from cblog.tests.markdown_corpus import LENGTH, PATHOLOGICAL, realistic_post

# The densest inputs make a token of every character or two, about ten times the tokens of
# prose; a parser that backtracks is slower than a realistic post by a factor in the hundreds.
RATIO_BUDGET = 20


def cpu_seconds(text: str) -> float:
    start = time.process_time()
    render_markdown(text)
    return time.process_time() - start


@pytest.fixture(scope="module")
def realistic():
    return realistic_post(LENGTH)


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_input_renders_within_a_ratio_of_a_realistic_post(name, realistic):
    text = PATHOLOGICAL[name](LENGTH)
    assert len(text) == LENGTH
    # Timed beside the realistic post, and again (best of three) when a burst of load on a
    # shared machine may have hit one side only.
    ratios = []
    while len(ratios) < 3 and min(ratios, default=RATIO_BUDGET) >= RATIO_BUDGET:
        ratios.append(cpu_seconds(text) / cpu_seconds(realistic))
    assert min(ratios) < RATIO_BUDGET, f"{name}: {min(ratios):.1f}x a realistic post"
