"""Pages per second against the bare-Django ceiling, at 100, 10,000 and 100,000 posts on MariaDB.

`python -m bench.web [--sizes 100,10000] [--pages home,post] [--duration 8] [--rounds 2]`

Seeds MariaDB databases cblog_bench_<posts> through `seed_demo --bulk` (kept between runs), serves
the app with gunicorn, deploy/gunicorn.conf.py and production settings (media URLs on a custom
domain, unsigned) beside the bare view of bench/web/bare.py, and drives both with wrk, interleaved
bare, page, bare, page, so that drift on a shared machine cancels. Writes bench/results/<name>.md,
.json and .png. Figures are printed, not asserted.
"""

import argparse
import math
import os
import signal
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

import django

from bench.web import report, wrk
from bench.web.servers import ROOT, gunicorn

SIZES = [100, 10_000, 100_000]
PAGES = [
    "home", "page 50", "last page", "post", "category", "tag", "search", "rss", "sitemap",
    "home signed in",
]  # fmt: skip
SEARCH_WORD = "harbour"
DB = {"DB_HOST": "127.0.0.1", "DB_PORT": "3306", "DB_USER": "root", "DB_PASSWORD": ""}
PRODUCTION = {
    "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    # Plain HTTP on loopback: no HTTPS redirect and no Secure cookies; the rest is production.
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_SECURE_COOKIES": "0",
    "AWS_STORAGE_BUCKET_NAME": "cblog-bench-media",
    "AWS_S3_REGION_NAME": "us-east-1",
    "AWS_S3_CUSTOM_DOMAIN": "media.bench.example",
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "LOG_LEVEL": "WARNING",
}


DATABASE_PREFIX = "cblog_bench"


def database_name(size: int) -> str:
    return f"{DATABASE_PREFIX}_{size}"


def configure(static_root: Path, cache_url: str, page_cache=True) -> dict:
    """Production settings for this process and the app's gunicorn; returns the app's env."""
    env = {**DB, **PRODUCTION, "STATIC_ROOT": str(static_root), "DB_NAME": database_name(SIZES[0])}
    if cache_url:
        env["REDIS_URL"] = cache_url
    if not page_cache:
        env["PAGE_CACHE_SECONDS"] = "0"  # every page rendered, as on a page cache miss
    else:
        os.environ.pop("REDIS_URL", None)
    os.environ.update(env, DJANGO_SETTINGS_MODULE="cblog.settings")
    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    return env


def use_database(size: int, *, fresh=False):
    """Points the default connection at this size's database, created when missing."""
    import pymysql
    from django.db import connection

    name = database_name(size)
    server = pymysql.connect(host=DB["DB_HOST"], port=int(DB["DB_PORT"]), user=DB["DB_USER"])
    with server.cursor() as cursor:
        if fresh:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        cursor.execute(f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET utf8mb4")
    server.close()
    connection.close()
    connection.settings_dict["NAME"] = name


def seed(size: int):
    """Migrates and seeds `size` published posts, reusing a database seeded before."""
    from django.core.management import call_command

    from blog.models import Post

    use_database(size)
    call_command("migrate", verbosity=0)
    if Post.objects.published().count() == size:
        return
    print(f"Seeding {database_name(size)} with {size:,} published posts")
    use_database(size, fresh=True)
    call_command("migrate", verbosity=0)
    call_command("seed_demo", posts=size, users=20, bulk=True)


def paths(size: int) -> dict[str, str]:
    from django.apps import apps

    from blog.models import Category, Post
    from blog.views import MAX_PAGES

    published = Post.objects.published()
    last = max(1, min(MAX_PAGES, math.ceil(published.count() / 10)))
    post = published.filter(comments__isnull=False).order_by("pk").first()
    category = Category.objects.filter(posts__in=published).first()
    found = {
        "home": "/",
        "page 50": f"/?page={min(50, last)}",
        "last page": f"/?page={last}",
        "post": post.get_absolute_url(),
        "category": category.get_absolute_url(),
        "search": f"/search/?q={SEARCH_WORD}",
        "rss": "/feeds/rss/",
        "sitemap": "/sitemap.xml",
        "home signed in": "/",
    }
    if apps.is_installed("blog") and "tag" in apps.get_app_config("blog").models:
        tag = apps.get_model("blog", "Tag").objects.filter(tagged_posts__isnull=False).first()
        if tag:
            found["tag"] = tag.get_absolute_url()
    return found


def explained_paths() -> dict[str, str]:
    """Hot pages outside the load runs whose queries are EXPLAINed too at the largest size."""
    from blog.models import Category, Post
    from blog.sitemaps import PostSitemap
    from users.models import User

    published = Post.objects.published()
    newest = published.order_by("-published_at").values_list("published_at", flat=True).first()
    oldest = published.order_by("published_at").first()
    category = Category.objects.filter(posts__in=published).first()
    sections = PostSitemap().page_numbers()  # the pages the index lists
    return {
        "oldest post": oldest.get_absolute_url(),
        "author": f"/author/{User.objects.get(username='demo1').username}/",
        "archive": "/archive/",
        "month": f"/archive/{newest:%Y/%m}/",
        "category page 50": f"{category.get_absolute_url()}?page=50",
        "atom": "/feeds/atom/",
        "category feed": f"/feeds/rss/category/{category.slug}/",
        "author feed": "/feeds/rss/author/demo1/",
        "sitemap posts, middle": f"/sitemap-posts.xml?p={sections[len(sections) // 2]}",
        "sitemap posts, last": f"/sitemap-posts.xml?p={sections[-1]}",
        "sitemap categories": "/sitemap-categories.xml",
        "search, rare word": "/search/?q=zebra",
    }


def signed_in_client():
    """A signed-in browser: its session, and the CSRF cookie its first page set."""
    from django.test import Client

    from users.models import User

    client = Client()
    client.force_login(User.objects.get(username="demo1"))
    client.get("/")
    return client


def cookie_header(client) -> str:
    return "Cookie: " + "; ".join(
        f"{name}={morsel.value}" for name, morsel in client.cookies.items()
    )


def page_headers(page: str, cookie: str) -> list[str]:
    return [cookie] if page == "home signed in" else []


def inspect(path: str, client, explain: bool) -> dict:
    """SQL queries, HTML bytes and (optionally) the EXPLAIN of each SELECT for one request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    found = {
        "status": response.status_code,
        "queries": len(queries),
        "bytes": len(response.content),
    }
    if explain:
        found["explain"] = []
        for query in queries:
            if not query["sql"].lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN " + query["sql"])
                columns = [column[0] for column in cursor.description]
                rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
            found["explain"].append({"sql": query["sql"], "plan": rows})
    return found


def measure_size(size, pages, args, app_env, bare_url, logs) -> dict:
    from django.test import Client

    from cblog.page_cache import bump_version

    seed(size)
    bump_version()  # pages kept for the previous size must not answer for this one
    targets = paths(size)
    reader = signed_in_client()
    cookie = cookie_header(reader)
    results = {}
    explain = size == max(args.sizes)
    for page in pages:
        if page in targets:
            client = reader if page == "home signed in" else Client()
            results[page] = {"path": targets[page], **inspect(targets[page], client, explain)}
    if explain:
        args.explained = {
            name: {"path": path, **inspect(path, Client(), explain=True)}
            for name, path in explained_paths().items()
        }
    env = {**app_env, "DB_NAME": database_name(size)}
    with gunicorn("cblog.wsgi", env=env, probe="/healthz/", log=logs) as app_url:
        load = {"duration": args.duration, "connections": args.connections, "threads": 2}
        for page in results:  # warm every worker's connections and caches, as each page is read
            wrk.run(app_url + targets[page], headers=page_headers(page, cookie), **warm_up(load))
        for round_number in range(args.rounds):
            for page, found in results.items():
                bare = wrk.run(bare_url, **load)
                app = wrk.run(app_url + found["path"], headers=page_headers(page, cookie), **load)
                found.setdefault("runs", []).append(
                    {"bare": bare.as_dict(), "app": app.as_dict(), "load": os.getloadavg()[0]}
                )
                print(
                    f"{size:>7,} posts  {page:<15} round {round_number + 1}: "
                    f"{app.rps:8.1f} req/s vs bare {bare.rps:8.1f} "
                    f"({app.rps / bare.rps:.3f}), p99 {app.p99_ms:.0f} ms, errors {app.errors}",
                    flush=True,
                )
    return results


def warm_up(load: dict) -> dict:
    return {**load, "duration": 1}


def measure_side_by_side(sizes: dict, args, app_env, logs) -> dict:
    """Each page at the largest size against itself at the smallest, the two served at once by
    gunicorns of their own and loaded in turn (smallest first in one round, largest first in the
    next): measured apart, the sizes are minutes apart, and each one's ratio to bare carries the
    machine's drift of its own minutes."""
    ends = {"smallest": min(sizes, key=int), "largest": max(sizes, key=int)}
    pages = [page for page in sizes[ends["largest"]] if page in sizes[ends["smallest"]]]
    cookies = {}
    for end, size in ends.items():
        use_database(int(size))
        cookies[end] = cookie_header(signed_in_client())
    load = {"duration": args.duration, "connections": args.connections, "threads": 2}
    found = {}
    with ExitStack() as servers:
        urls = {
            end: servers.enter_context(
                gunicorn(
                    "cblog.wsgi",
                    # Each its own keys in the shared Redis: fragments are not named by size.
                    env={**app_env, "DB_NAME": database_name(int(size)), "CACHE_KEY_PREFIX": end},
                    probe="/healthz/",
                    log=logs,
                )
            )
            for end, size in ends.items()
        }

        def run(end: str, page: str, **load) -> wrk.Run:
            url = urls[end] + sizes[ends[end]][page]["path"]
            return wrk.run(url, headers=page_headers(page, cookies[end]), **load)

        for page in pages:
            for end in ends:
                run(end, page, **warm_up(load))
        for round_number in range(args.rounds):
            order = list(ends) if round_number % 2 == 0 else list(reversed(ends))
            for page in pages:
                runs = {end: run(end, page, **load) for end in order}
                found.setdefault(page, []).append({end: runs[end].as_dict() for end in ends})
                print(
                    f"side by side  {page:<15} round {round_number + 1}: "
                    f"{runs['largest'].rps:8.1f} req/s at {int(ends['largest']):,} posts vs "
                    f"{runs['smallest'].rps:8.1f} at {int(ends['smallest']):,} "
                    f"({runs['largest'].rps / runs['smallest'].rps:.3f})",
                    flush=True,
                )
    return found


def main():
    global DATABASE_PREFIX
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument(
        "--pages", default=",".join(PAGES), help="comma list of " + ", ".join(PAGES)
    )
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--cache-url", default="", help="REDIS_URL for the app (default: none)")
    parser.add_argument(
        "--no-page-cache",
        dest="page_cache",
        action="store_false",
        help="render every anonymous page (fragments stay in the --cache-url Redis)",
    )
    parser.add_argument("--name", default="web", help="report name under bench/results/")
    parser.add_argument(
        "--database-prefix", default=DATABASE_PREFIX, help="databases <prefix>_<posts>"
    )
    args = parser.parse_args()
    DATABASE_PREFIX = args.database_prefix
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the servers on the way out
    args.sizes = [int(size) for size in args.sizes.split(",")]
    pages = [page.strip() for page in args.pages.split(",")]
    unknown = set(pages) - set(PAGES)
    if unknown:
        parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cblog-bench-web-") as workdir:
        app_env = configure(Path(workdir) / "static", args.cache_url, args.page_cache)
        logs = Path(workdir) / "gunicorn.log"
        figures = {"settings": {**vars(args), "pages": pages}, "sizes": {}}
        with gunicorn("bench.web.bare:application", env={}, log=logs) as bare_url:
            for size in args.sizes:
                figures["sizes"][str(size)] = measure_size(
                    size, pages, args, app_env, bare_url, logs
                )
        if len(args.sizes) > 1:
            figures["side_by_side"] = measure_side_by_side(figures["sizes"], args, app_env, logs)
        if logs.stat().st_size:
            print("gunicorn warnings:\n" + logs.read_text()[-4000:], file=sys.stderr)
    figures["explained"] = getattr(args, "explained", {})
    report.write(figures, out / args.name)


if __name__ == "__main__":
    main()
