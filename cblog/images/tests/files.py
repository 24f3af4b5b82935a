"""Image files made in code for tests: small, deterministic, with the metadata a phone would add."""

import io
import struct
import zlib

from PIL import ExifTags, Image

GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (48.0, 51.0, 29.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (2.0, 17.0, 40.0),
}
XMP_WITH_GPS = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
    b'syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    b'exif:GPSLatitude="48,51.48N"/></rdf:RDF></x:xmpmeta>'
)
# Stored pixels have this colour in their top-left corner, so a test can follow a rotation.
MARKER = (255, 0, 0)


def picture(width: int, height: int, mode: str = "RGB") -> Image.Image:
    """A gradient with a red top-left corner: detailed enough to resize, easy to follow."""
    image = Image.merge(
        "RGB",
        (
            Image.linear_gradient("L").resize((width, height)),
            Image.radial_gradient("L").resize((width, height)),
            Image.linear_gradient("L").rotate(90).resize((width, height)),
        ),
    )
    image.paste(MARKER, (0, 0, max(1, width // 8), max(1, height // 8)))
    return image.convert(mode)


def exif(*, gps: bool = True, orientation: int | None = None) -> Image.Exif:
    data = Image.Exif()
    data[ExifTags.Base.Make] = "Test camera"
    if orientation is not None:
        data[ExifTags.Base.Orientation] = orientation
    if gps:
        data[ExifTags.Base.GPSInfo] = GPS
    return data


def make_jpeg(
    width: int = 640,
    height: int = 480,
    gps: bool = True,
    orientation: int | None = None,
    mode: str = "RGB",
    progressive: bool = False,
) -> bytes:
    """A JPEG with EXIF (camera make, optional GPS and orientation), XMP and a comment."""
    buffer = io.BytesIO()
    picture(width, height, mode).save(
        buffer,
        "JPEG",
        quality=90,
        exif=exif(gps=gps, orientation=orientation),
        xmp=XMP_WITH_GPS if gps else None,
        comment=b"shot at home",
        progressive=progressive,
    )
    return buffer.getvalue()


def make_png(
    width: int = 640,
    height: int = 480,
    mode: str = "RGBA",
    transparent: bool = True,
    gps: bool = True,
) -> bytes:
    """A PNG with an eXIf chunk; with `transparent`, its left half is see-through."""
    image = picture(width, height, "RGBA")
    if transparent:
        image.paste((0, 0, 0, 0), (0, height // 8, width // 2, height))
    buffer = io.BytesIO()
    image.convert(mode).save(buffer, "PNG", exif=exif(gps=gps))
    return buffer.getvalue()


def make_image(format: str, width: int = 640, height: int = 480, mode: str = "RGB") -> bytes:
    """Any format Pillow writes, without metadata."""
    buffer = io.BytesIO()
    picture(width, height).convert(mode).save(buffer, format)
    return buffer.getvalue()


def make_animated_gif(colours=((255, 0, 0), (0, 0, 255)), size=(64, 48)) -> bytes:
    """One solid frame per colour."""
    frames = [Image.new("RGB", size, colour) for colour in colours]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A well-formed PNG whose header claims any size, with one row of pixel data behind it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    row = zlib.compress(b"\0" + b"\x80" * 3 * min(width, 64))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", row) + chunk(b"IEND", b"")


def noise(width: int, height: int, mode: str = "RGBA", levels: int = 2) -> Image.Image:
    """Noise over a few levels per channel: small as a PNG, the dearest content to re-encode."""
    step = 255 // (levels - 1)
    bands = [
        Image.effect_noise((width, height), 200).point(lambda v: v * levels // 256 * step)
        for _ in mode
    ]
    return Image.merge(mode, bands)


def encoded(image: Image.Image, format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()


def jpeg_with_extra_scans(data: bytes, count: int) -> bytes:
    """The JPEG with `count` more scans of its first component, a few bytes each.

    Each is an AC scan of nothing but end-of-band runs: the decoder still visits every block.
    """
    huffman_table = (  # one code, for a run of 2**14 + 14 bits of blocks
        b"\xff\xc4" + struct.pack(">H", 20) + b"\x10" + b"\x01" + b"\x00" * 15 + b"\xe0"
    )
    bits = ("0" + "1" * 14) * 64
    bits += "1" * (-len(bits) % 8)
    runs = bytes(int(bits[i : i + 8], 2) for i in range(0, len(bits), 8))
    scan = b"\xff\xda" + struct.pack(">HBBBBBB", 8, 1, 1, 0x00, 1, 63, 0)
    end = data.rindex(b"\xff\xd9")
    extra = (huffman_table + scan + runs.replace(b"\xff", b"\xff\x00")) * count
    return data[:end] + extra + data[end:]
