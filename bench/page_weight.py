"""Home page weight with 10 posts whose originals are 12-megapixel photos.

Counts the HTML plus the images a browser 1280 px wide at DPR 1 downloads, choosing from each
<img>'s srcset and sizes as browsers do, or from its <picture>'s WebP <source> when it has one. Target: under 600 KB in total; a page that showed the
originals would download tens of MB. Run from the repository root: `python -m bench.page_weight`.
Self-contained: a temporary SQLite database and MEDIA_ROOT. Figures are printed, not asserted.
"""

import argparse
import gzip
import io
import re
import tempfile
import time
from html.parser import HTMLParser

from bench.project import setup

POSTS = 10
VIEWPORT_WIDTH = 1280
DEVICE_PIXEL_RATIO = 1
TARGET_BYTES = 600 * 1024
ROOT_FONT_SIZE = 16  # px in a rem, browsers' default


class ImageTags(HTMLParser):
    """Each <img>, with the srcset and sizes of its <picture>'s WebP <source> when it has one."""

    def __init__(self):
        super().__init__()
        self.images = []
        self.source = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "source" and attrs.get("type") == "image/webp":
            self.source = attrs
        elif tag == "img":
            if self.source:
                attrs.update(srcset=self.source["srcset"], sizes=self.source.get("sizes"))
            self.images.append(attrs)
            self.source = None


def slot_width(sizes: str | None, viewport: int) -> float:
    """The width of the first `sizes` entry whose media condition matches (min-/max-width only)."""
    if not sizes:
        return viewport  # no sizes: 100vw
    for entry in sizes.split(","):
        match = re.fullmatch(
            r"\s*(?:\((min|max)-width:\s*(\d+)px\)\s*)?(\d+(?:\.\d+)?)(px|vw|rem)\s*", entry
        )
        if not match:
            raise ValueError(f"Unsupported sizes entry: {entry!r}")
        kind, limit, length, unit = match.groups()
        if (kind == "min" and viewport < int(limit)) or (kind == "max" and viewport > int(limit)):
            continue
        return float(length) * {"vw": viewport / 100, "rem": ROOT_FONT_SIZE}.get(unit, 1)
    return viewport


def chosen_source(img: dict, viewport: int, dpr: float) -> str:
    """The smallest srcset candidate at least as wide as the slot, else the widest one."""
    if not img.get("srcset"):
        return img["src"]
    candidates = []
    for candidate in img["srcset"].split(","):
        url, descriptor = candidate.split()
        candidates.append((int(descriptor.removesuffix("w")), url))
    needed = slot_width(img.get("sizes"), viewport) * dpr
    wide_enough = sorted(candidate for candidate in candidates if candidate[0] >= needed)
    return (wide_enough[0] if wide_enough else max(candidates))[1]


def create_posts(count: int) -> list[int]:
    """Posts through the service, as a blogger would; returns the uploaded photos' sizes."""
    from bench.images import make_photo
    from blog.services import post_create
    from cblog.images.processing import process_image
    from users.models import User

    author = User.objects.create_user("bench", "bench@example.com", "bench-password")
    uploaded = []
    for number in range(1, count + 1):
        photo = make_photo()
        uploaded.append(len(photo))
        data = {"title": f"Walk {number}", "content": "A long walk.", "category": None}
        post_create(
            author=author,
            data={**data, "status": "published"},
            image=process_image(io.BytesIO(photo)),
        )
    return uploaded


def measure(viewport: int, dpr: float) -> dict:
    from django.core.files.storage import default_storage
    from django.test import Client

    from cblog.images.models import Image

    response = Client().get("/")
    assert response.status_code == 200, response.status_code
    parser = ImageTags()
    parser.feed(response.text)
    names = {}
    for image in Image.objects.all():
        for field in Image.FILE_FIELDS:
            names[getattr(image, field).url] = getattr(image, field).name
        for rendition in getattr(image, "renditions", []):
            names[default_storage.url(rendition["name"])] = rendition["name"]
    downloaded = [chosen_source(img, viewport, dpr) for img in parser.images]
    return {
        "html": len(response.content),
        "html_gzip": len(gzip.compress(response.content)),
        "images": sum(default_storage.size(names[url]) for url in downloaded),
        "count": len(downloaded),
        "chosen": sorted({url.rsplit("/", 1)[-1] for url in downloaded}),
        "originals": sum(
            default_storage.size(image.original.name) for image in Image.objects.all()
        ),
    }


def kb(size: int) -> str:
    return f"{size / 1024:,.0f} KB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=POSTS)
    parser.add_argument("--width", type=int, default=VIEWPORT_WIDTH)
    parser.add_argument("--dpr", type=float, default=DEVICE_PIXEL_RATIO)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cblog-bench-") as workdir:
        setup(
            DJANGO_ALLOWED_HOSTS="testserver",
            SQLITE_PATH=f"{workdir}/bench.sqlite3",
            MEDIA_ROOT=f"{workdir}/media",
        )
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        start = time.perf_counter()
        uploaded = create_posts(args.posts)
        setup_seconds = time.perf_counter() - start
        figures = measure(args.width, args.dpr)

    total = figures["html"] + figures["images"]
    naive = figures["html"] + sum(uploaded)
    print(
        f"Home page, {args.posts} posts with 4000x3000 photos, {args.width} px wide, DPR {args.dpr:g}"
    )
    print(f"  posts created in {setup_seconds:.1f} s")
    print(f"  HTML                 {kb(figures['html']):>10}  ({kb(figures['html_gzip'])} gzipped)")
    print(
        f"  images               {kb(figures['images']):>10}  "
        f"({figures['count']} downloads: {', '.join(figures['chosen'])})"
    )
    verdict = "under" if total < TARGET_BYTES else "OVER"
    print(f"  total                {kb(total):>10}  {verdict} the {kb(TARGET_BYTES)} target")
    print(f"  naive (originals)    {kb(naive):>10}  (HTML + the uploaded photos)")
    print(f"  stored originals     {kb(figures['originals']):>10}  (never shown on the home page)")


if __name__ == "__main__":
    main()
