"""Benchmark process_image against a naive full-decode pipeline on a 4000x3000 photo.

Run from the repository root: `.venv/bin/python -m bench.images [--runs 9]`.
Times are medians in this process; memory is measured once per variant in a fresh subprocess,
because Pillow's pixel buffers are allocated outside tracemalloc's view.
"""

import argparse
import io
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from PIL import ExifTags, Image, ImageOps

from bench.project import setup
from cblog.images.processing import process_image

ROOT = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 4000, 3000
JPEG_OPTIONS = {"quality": 82, "progressive": True, "optimize": True}


def make_photo() -> bytes:
    """Gradients, blotches and sensor-like noise: compresses like a phone photo (~3-5 MB)."""
    gradients = (Image.linear_gradient("L"), Image.radial_gradient("L"))
    channels = []
    for index in range(3):
        base = gradients[index % 2].resize((WIDTH, HEIGHT))
        blotches = Image.effect_noise((WIDTH // 32, HEIGHT // 32), 90).resize(
            (WIDTH, HEIGHT), Image.Resampling.BICUBIC
        )
        noise = Image.effect_noise((WIDTH, HEIGHT), 28)
        channels.append(Image.blend(Image.blend(base, blotches, 0.6), noise, 0.3))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Bench camera"
    exif[ExifTags.Base.Orientation] = 1
    exif[ExifTags.Base.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (48.0, 51.0, 29.0),
    }
    buffer = io.BytesIO()
    Image.merge("RGB", channels).save(buffer, "JPEG", quality=90, exif=exif)
    return buffer.getvalue()


def encode(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **JPEG_OPTIONS)
    return buffer.getvalue()


def naive(data: bytes, with_original: bool = False) -> list[bytes]:
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    outputs = [encode(image)] if with_original else []
    for width in (1200, 480):
        size = (width, round(image.height * width / image.width))
        outputs.append(encode(image.resize(size, Image.Resampling.LANCZOS)))
    return outputs


VARIANTS = {
    "process_image": lambda data: process_image(io.BytesIO(data)),
    "naive": naive,
    "naive + full-size original": lambda data: naive(data, with_original=True),
}


def measure_memory(variant: str, path: str) -> None:
    """In a fresh process: growth of the peak resident set, and tracemalloc's peak, in bytes."""
    setup()
    data = Path(path).read_bytes()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    VARIANTS[variant](data)
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024
    print(rss, traced)


def child(*args: str) -> str:
    command = [sys.executable, "-m", "bench.images", "--child", *args]
    return subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout


def memory(variant: str, path: Path) -> tuple[float, float]:
    rss, traced = map(int, child("memory", variant, str(path)).split())
    return rss / 2**20, traced / 2**20


def timings(data: bytes, runs: int) -> dict[str, dict[str, list[float]]]:
    """Wall-clock and CPU milliseconds (all threads); CPU time holds up when the machine is busy."""
    times = {name: {"wall": [], "cpu": []} for name in VARIANTS}
    for function in VARIANTS.values():
        function(data)  # warm-up
    for _ in range(runs):
        # Interleaved, so background load affects every variant alike.
        for name, function in VARIANTS.items():
            wall, cpu = time.perf_counter(), time.process_time()
            function(data)
            times[name]["cpu"].append((time.process_time() - cpu) * 1000)
            times[name]["wall"].append((time.perf_counter() - wall) * 1000)
    return times


def report(data: bytes, times: dict, memories: dict[str, tuple[float, float]]) -> None:
    result = process_image(io.BytesIO(data))
    print(f"input: {WIDTH}x{HEIGHT} JPEG, {len(data) / 2**20:.2f} MB")
    for name in ("original", "display", "thumbnail"):
        rendition = getattr(result, name)
        print(
            f"  {name}: {rendition.width}x{rendition.height} {rendition.extension}, "
            f"{len(rendition.content) / 1024:.0f} KB"
        )
    print(
        f"\n{'variant':<28}{'median ms':>10}{'min ms':>9}{'CPU ms':>9}"
        f"{'peak RSS MB':>13}{'traced MB':>11}"
    )
    medians = {name: statistics.median(times[name]["wall"]) for name in VARIANTS}
    cpus = {name: statistics.median(times[name]["cpu"]) for name in VARIANTS}
    for name in VARIANTS:
        rss, traced = memories[name]
        fastest = min(times[name]["wall"])
        print(
            f"{name:<28}{medians[name]:>10.1f}{fastest:>9.1f}{cpus[name]:>9.1f}"
            f"{rss:>13.1f}{traced:>11.1f}"
        )
    ours = "process_image"
    for name in list(VARIANTS)[1:]:
        print(
            f"vs {name}: {medians[name] / medians[ours]:.1f}x faster "
            f"({cpus[name] / cpus[ours]:.1f}x less CPU), "
            f"{memories[ours][0] / memories[name][0]:.2f}x the peak RSS"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child and args.child[0] == "generate":
        Path(args.child[1]).write_bytes(make_photo())
        return
    if args.child:
        measure_memory(*args.child[1:])
        return

    setup()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "photo.jpg"
        # ru_maxrss survives exec: children run while this process is still small.
        child("generate", str(path))
        memories = {name: memory(name, path) for name in VARIANTS}
        data = path.read_bytes()
    report(data, timings(data, args.runs), memories)


if __name__ == "__main__":
    main()
