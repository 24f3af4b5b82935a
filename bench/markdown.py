"""Benchmark cblog.markdown.render_markdown against the Python-Markdown renderer it replaced.

Run from the repository root: `.venv/bin/python -m bench.markdown [--runs 2] [--cap 5]`.
Every input of cblog/tests/markdown_corpus.py, at the full 50,000 characters, is rendered by
both, interleaved. The old renderer runs in a child process that the kernel stops after --cap
CPU seconds, because some inputs hold it for minutes. CPU seconds are the figures to compare:
on a busy machine wall-clock time mostly measures the queue for a core.
"""

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

import markdown
import nh3

from bench.project import setup
from cblog.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown
from cblog.tests.markdown_corpus import LENGTH, PATHOLOGICAL, realistic_post

ROOT = Path(__file__).resolve().parent.parent
REALISTIC = "realistic post"
INPUTS = {REALISTIC: realistic_post, **PATHOLOGICAL}


def render_python_markdown(text: str) -> str:
    """The renderer before CommonMark: Python-Markdown's extensions, the same sanitizer."""
    html = markdown.markdown(text, extensions=["fenced_code", "tables", "sane_lists"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )


def timed(render, text: str) -> tuple[float, float]:
    """Wall-clock and CPU seconds; CPU time holds up better when the machine is busy."""
    wall, cpu = time.perf_counter(), time.process_time()
    render(text)
    return time.perf_counter() - wall, time.process_time() - cpu


def old_in_child(name: str, cap: int) -> tuple[float, float] | None:
    """The old renderer's timings, or None when it used up `cap` CPU seconds."""
    command = [sys.executable, "-m", "bench.markdown", "--cap", str(cap), "--child", name]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        return None
    wall, cpu = map(float, done.stdout.split())
    return wall, cpu


def measure(runs: int, cap: int) -> dict[str, dict[str, list]]:
    texts = {name: generate(LENGTH) for name, generate in INPUTS.items()}
    render_markdown(texts[REALISTIC])  # warm-up
    results = {name: {"new": [], "old": []} for name in INPUTS}
    for _ in range(runs):
        for name, text in texts.items():
            results[name]["new"].append(timed(render_markdown, text))
            if None not in results[name]["old"]:
                results[name]["old"].append(old_in_child(name, cap))
    return results


def best(timings: list) -> tuple[float, float] | None:
    return None if None in timings else min(timings)


def report(results: dict, cap: int) -> None:
    print(f"{LENGTH:,} characters per input; seconds, best of the runs\n")
    print(f"{'input':<28}{'old CPU':>9}{'new CPU':>9}{'new wall':>10}{'x realistic':>13}")
    base = best(results[REALISTIC]["new"])[1]
    for name, result in results.items():
        old, (new_wall, new_cpu) = best(result["old"]), best(result["new"])
        old_text = f"> {cap}" if old is None else f"{old[1]:.3f}"
        print(f"{name:<28}{old_text:>9}{new_cpu:>9.3f}{new_wall:>10.3f}{new_cpu / base:>13.1f}")
    worst = max(PATHOLOGICAL, key=lambda name: best(results[name]["new"])[1])
    new_wall, new_cpu = best(results[worst]["new"])
    print(
        f"\nworst case, cmark-gfm: {worst!r} {new_cpu:.3f} s CPU ({new_wall:.3f} s wall), "
        f"{new_cpu / base:.1f}x the realistic post"
    )
    stalled = [name for name in PATHOLOGICAL if best(results[name]["old"]) is None]
    old_worst = max(PATHOLOGICAL, key=lambda name: (best(results[name]["old"]) or (cap, cap))[1])
    print(
        f"worst case, Python-Markdown: {old_worst!r} "
        + (
            f"> {cap} s CPU"
            if old_worst in stalled
            else f"{best(results[old_worst]['old'])[1]:.3f} s CPU"
        )
        + f"; {len(stalled)} of {len(PATHOLOGICAL)} inputs used up the {cap} s CPU cap"
    )
    old_base = best(results[REALISTIC]["old"])
    old_text = f"> {cap}" if old_base is None else f"{old_base[1]:.3f}"
    print(f"realistic post: Python-Markdown {old_text} s CPU, cmark-gfm {base:.3f} s CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--cap", type=int, default=5, help="CPU seconds the old renderer gets")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        resource.setrlimit(resource.RLIMIT_CPU, (args.cap, args.cap + 1))
        print(*timed(render_python_markdown, INPUTS[args.child](LENGTH)))
        return
    setup()
    report(measure(args.runs, args.cap), args.cap)


if __name__ == "__main__":
    main()
