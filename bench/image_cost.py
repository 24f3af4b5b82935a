"""CPU of processing the dearest images the upload limits accept, against a 12 MP phone photo.

Run from the repository root: `.venv/bin/python -m bench.image_cost [--runs 3]`.
Each hostile case sits at a limit (bytes, pixels, side, scans) with the content that costs most;
cases and the photo run interleaved, and each figure is the median of CPU seconds (all threads).
"""

import argparse
import io
import statistics
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image

from bench.project import setup

BUDGET_SECONDS = 1.0


def cases() -> dict[str, bytes]:
    from cblog.images.tests.files import encoded, jpeg_with_extra_scans, noise

    full = settings.IMAGE_MAX_PIXELS_FULL_DECODE
    side = int(full**0.5)
    # Tall pictures are dearest: the display rendition keeps most of their pixels.
    tall = (1201, full // 1201)
    # Blotches of noise: detail everywhere, as many bytes as the byte limit allows.
    photo = noise(7300 // 16, 5470 // 16, "RGB", levels=256).resize(
        (7300, 5470), Image.Resampling.BICUBIC
    )
    big_jpeg = encoded(photo, "JPEG", quality=90, progressive=True)
    scans = settings.IMAGE_MAX_JPEG_SCANS - 10  # libjpeg's progressive JPEGs have 10 scans
    return {
        "PNG RGBA noise, square, at the pixel limit": encoded(noise(side, side), "PNG"),
        "PNG RGBA noise, tall, at the pixel limit": encoded(noise(*tall), "PNG"),
        "PNG RGB noise, tall, at the pixel limit": encoded(noise(*tall, "RGB"), "PNG"),
        "PNG 16-bit grey, at the pixel limit": encoded(
            noise(side, side, "L").convert("I;16"), "PNG"
        ),
        "WebP lossless RGBA noise, tall": encoded(noise(*tall), "WEBP", lossless=True),
        "GIF noise, tall": encoded(noise(*tall, "RGB"), "GIF"),
        "PNG 1 px wide, longest side": encoded(
            Image.new("RGB", (1, settings.IMAGE_MAX_SIDE)), "PNG"
        ),
        "JPEG 40 MP progressive, most scans": jpeg_with_extra_scans(big_jpeg, scans),
        "JPEG 40 MP baseline, restart every block": encoded(
            photo, "JPEG", quality=90, restart_marker_blocks=1
        ),
    }


def phone_photo() -> bytes:
    from bench.images import make_photo

    return make_photo()


def cpu_seconds(data: bytes) -> float:
    from cblog.images.processing import process_image

    start = time.process_time()
    try:
        process_image(io.BytesIO(data))
    except ValidationError as error:
        raise SystemExit(f"a bench case was refused ({error.code}): the limits changed") from error
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    setup()
    hostile = cases()
    photo = phone_photo()
    times = {name: [] for name in [*hostile, "12 MP photo"]}
    for _ in range(args.runs):
        for name, data in hostile.items():
            times["12 MP photo"].append(cpu_seconds(photo))  # interleaved: same load for both
            times[name].append(cpu_seconds(data))
    baseline = statistics.median(times["12 MP photo"])
    print(f"{'case':<46}{'MB':>6}{'CPU s':>8}{'x photo':>9}")
    sizes = {**{name: len(data) for name, data in hostile.items()}, "12 MP photo": len(photo)}
    for name, values in times.items():
        cpu = statistics.median(values)
        print(f"{name:<46}{sizes[name] / 2**20:>6.2f}{cpu:>8.2f}{cpu / baseline:>9.2f}")
    worst = max(hostile, key=lambda name: statistics.median(times[name]))
    worst_cpu = statistics.median(times[worst])
    print(
        f"\nworst accepted: {worst}, {worst_cpu:.2f} s CPU = {worst_cpu / baseline:.1f}x the photo "
        f"({'within' if worst_cpu < BUDGET_SECONDS else 'OVER'} the {BUDGET_SECONDS:g} s budget)"
    )


if __name__ == "__main__":
    main()
