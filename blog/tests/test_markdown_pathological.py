"""No input of the longest allowed size renders much slower than a realistic post of that size.

The budget is a ratio to the realistic post timed right beside it, so a slow or busy machine moves
both sides alike. A renderer that backtracks is slower by orders of magnitude, not by a factor.
"""

import time

import pytest

from blog.markdown import render_markdown
from blog.tests.markdown_corpus import LENGTH, PATHOLOGICAL, realistic_post

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
    # Interleaved, best of two: a burst of load on the machine cannot pick one side.
    timings = [(cpu_seconds(text), cpu_seconds(realistic)) for _ in range(2)]
    ratio = min(own for own, _ in timings) / min(base for _, base in timings)
    assert ratio < RATIO_BUDGET, f"{name}: {ratio:.1f}x a realistic post"
