"""Lighthouse scores of the home page and a post page, phone and desktop, against gunicorn.

Run from the repository root: `.venv/bin/python -m bench.lighthouse [--runs 3]`. Lighthouse comes
from tests/package.json (make .venv/.dev-deps) and drives Debian's chromium. The site runs on
SQLite in a temporary folder, filled with twelve posts with photos stored through the upload
path (so every WebP width exists), with DEBUG off and collected static files as in production;
bench/lighthouse_wsgi.py serves the media as CloudFront does.
Each figure is the median of the runs; writes bench/results/lighthouse.md and .json.
"""

import argparse
import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from bench.web.servers import gunicorn

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "tests" / "node_modules" / "lighthouse" / "cli" / "index.js"
RESULTS = ROOT / "bench" / "results"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROMIUM_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking"
FORM_FACTORS = {"phone": [], "desktop": ["--preset=desktop"]}
TARGET = 95


def fill_site(environment: dict) -> str:
    """Migrates a fresh database and stores posts with photos; returns a post's path."""
    code = """
import io
from django.core.management import call_command
from bench.images import make_photo
from blog import services
from blog.models import Category
from cblog.images.processing import process_image
from users.models import User

call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
author = User.objects.create_user("writer", "writer@example.com", "not used", first_name="Wren")
photo = make_photo()
category = Category.objects.first()
for number in range(12):
    post = services.post_create(
        author=author,
        data={"title": f"Notes from the coast, day {number + 1}",
              "content": "A walk along the shore. " * 60,
              "category": category, "status": "published"},
        image=process_image(io.BytesIO(photo)),
    )
print(post.get_absolute_url())
"""
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def scores(url: str, form_factor: str, attempts: int = 3) -> dict[str, int]:
    for _ in range(attempts):  # on a busy machine the trace sometimes misses its start
        result = lighthouse(url, form_factor)
        if not result.returncode:
            break
    else:
        raise SystemExit(f"lighthouse failed on {url}:\n{result.stderr[-3000:]}")
    report = json.loads(result.stdout)
    if os.environ.get("LIGHTHOUSE_KEEP"):
        name = f"{urlsplit(url).path.strip('/').replace('/', '-') or 'home'}-{form_factor}.json"
        Path(os.environ["LIGHTHOUSE_KEEP"], name).write_text(result.stdout)
    return {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}


def lighthouse(url: str, form_factor: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            "node",
            str(LIGHTHOUSE),
            url,
            "--output=json",
            "--quiet",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={CHROMIUM_FLAGS}",
            *FORM_FACTORS[form_factor],
        ],
        env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
        capture_output=True,
        text=True,
    )


def table(results: dict) -> str:
    lines = [
        "| page | device | " + " | ".join(CATEGORIES) + " |",
        "| --- | --- | " + " | ".join("---:" for _ in CATEGORIES) + " |",
    ]
    for (page, device), figures in results.items():
        lines.append(
            f"| {page} | {device} | " + " | ".join(str(figures[c]) for c in CATEGORIES) + " |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        environment = {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "lighthouse-bench-only",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "SQLITE_PATH": f"{folder}/db.sqlite3",
            "MEDIA_ROOT": f"{folder}/media",
            # Collected, so that whitenoise sends the compressed copies as in production.
            "STATIC_ROOT": f"{folder}/static",
            "LOG_LEVEL": "WARNING",
            "GUNICORN_WORKERS": "2",
        }
        for name in ("DB_HOST", "AWS_STORAGE_BUCKET_NAME", "REDIS_URL", "SITE_DOMAIN"):
            os.environ.pop(name, None)
        post = fill_site(environment)
        pages = {"home": "/", "post": post}
        runs = {(page, device): [] for page in pages for device in FORM_FACTORS}
        load = [os.getloadavg()[0]]  # Lighthouse's simulation reads the CPU time it observed
        with gunicorn(
            "bench.lighthouse_wsgi", env=environment, log=Path(folder) / "gunicorn.log"
        ) as base:
            for _ in range(args.runs):  # interleaved, so that load on the machine hits all alike
                for page, device in runs:
                    runs[page, device].append(scores(base + pages[page], device))
                    load.append(os.getloadavg()[0])
    results = {
        key: {c: statistics.median(run[c] for run in samples) for c in CATEGORIES}
        for key, samples in runs.items()
    }
    lowest = min(min(figures.values()) for figures in results.values())
    verdict = f"lowest score {lowest} ({'at or above' if lowest >= TARGET else 'BELOW'} {TARGET})"
    report = (
        "# Lighthouse\n\n"
        f"`python -m bench.lighthouse --runs {args.runs}`: Lighthouse "
        f"{lighthouse_version()} on Debian's chromium against gunicorn on loopback, median of "
        f"{args.runs} runs; phone is Lighthouse's default mobile emulation and throttling. "
        f"Load average (1 min) on the {os.cpu_count()} cores during the runs: "
        f"{min(load):.1f} to {max(load):.1f}.\n\n"
        f"{table(results)}\n\n{verdict}\n"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "lighthouse.md").write_text(report)
    (RESULTS / "lighthouse.json").write_text(
        json.dumps([{"page": p, "device": d, **f} for (p, d), f in results.items()], indent=2)
        + "\n"
    )
    print(report)


def lighthouse_version() -> str:
    package = json.loads((LIGHTHOUSE.parents[1] / "package.json").read_text())
    return package["version"]


if __name__ == "__main__":
    main()
