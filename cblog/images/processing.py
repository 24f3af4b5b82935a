"""Uploaded images: validated by content, cleaned of metadata, re-encoded into renditions.

Pure functions over bytes: no storage, no models.
"""

import io
import os
import re
import struct
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageCms, ImageFile, ImageOps

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
# Pillow opens JPEGs that carry extra pictures (phone depth maps, previews) as MPO. Only these
# decode at 1/2, 1/4 or 1/8 size; every other format is decoded whole, so it gets a lower limit.
REDUCED_DECODE_FORMATS = ("JPEG", "MPO")
# In entropy-coded data 0xFF is followed by 0x00 (stuffing) or a restart marker; anything else
# is the next marker.
JPEG_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7]")
# Originals larger than twice this are scaled by 1/2, 1/4 or 1/8 (JPEG DCT scaling) to stay fast.
ORIGINAL_MIN_SIDE = 1600
JPEG_QUALITY = 82
# libwebp's fastest method: the slower ones save 5-15% of bytes for 2-4x the CPU, and four
# widths must fit the upload's CPU budget. AVIF is not made: at its fastest speed it costs more
# than the whole budget for the dearest accepted picture (README, Images).
WEBP_QUALITY = 80
WEBP_METHOD = 0
# Lossy transparency: a lossless alpha plane costs a quarter more CPU on a noisy one.
WEBP_ALPHA_QUALITY = 70
WEBP_MAX_SIDE = 16383
# zlib's fastest level: higher ones cost up to 10x the CPU on noisy transparent pictures.
PNG_COMPRESS_LEVEL = 1
# Box-reduce by whole factors first, then bicubic over the last 2x or more: sharp and cheap.
REDUCING_GAP = 2.0
ALPHA_MODES = ("RGBA", "LA", "PA", "RGBa", "La")
DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, ImageCms.PyCMSError)


@dataclass(frozen=True)
class ImageSpec:
    display_width: int
    thumbnail_width: int
    square: bool = False
    # Widths of the WebP renditions that <picture> offers browsers; none for avatars.
    variant_widths: tuple[int, ...] = ()


@dataclass(frozen=True)
class Rendition:
    content: bytes
    width: int
    height: int
    extension: str
    content_type: str


@dataclass(frozen=True)
class ProcessedImage:
    original: Rendition
    display: Rendition
    thumbnail: Rendition
    variants: tuple[Rendition, ...] = ()


# The display and thumbnail JPEGs are the fallback for browsers without WebP, and what feeds and
# link previews show; a transparent picture's are its WebPs.
POST_IMAGE = ImageSpec(
    display_width=1200, thumbnail_width=480, square=False, variant_widths=(1200, 960, 640, 480, 320)
)
AVATAR_IMAGE = ImageSpec(display_width=400, thumbnail_width=96, square=True)


def process_image(upload, spec: ImageSpec = POST_IMAGE) -> ProcessedImage:
    """Validate an upload by its content and return its cleaned original and renditions.

    Outputs carry no metadata but a valid RGB or grey ICC profile. Transparent images become PNG;
    everything else (GIFs too, first frame only) becomes JPEG, progressive but for the original.
    The original keeps its size up to 2 * ORIGINAL_MIN_SIDE - 1 px on the long side; larger ones
    are scaled by 1/2, 1/4 or 1/8. Raises ValidationError (codes: empty, too_large, invalid_image,
    too_many_pixels, too_long, too_many_scans, damaged_image) with a message fit for the uploader.
    The limits bound the CPU an accepted upload costs (bench/image_cost.py measures it).
    """
    _check_size(upload)
    # Pillow's flag is process-wide and any library may turn it on: a truncated upload is always
    # refused, never padded with grey and stored.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = _open(upload)
        _check_dimensions(image)
        if image.format in REDUCED_DECODE_FORMATS:
            _check_scans(upload)
        try:
            base = _decode(image, spec)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise _too_many_pixels(*image.size, _pixel_limit(image.format)) from error
        except DECODE_ERRORS as error:
            raise ValidationError(
                _("The image could not be read: it is damaged or incomplete."),
                code="damaged_image",
            ) from error
    return _renditions(base, spec)


def _check_size(upload) -> None:
    upload.seek(0, os.SEEK_END)
    size = upload.tell()
    upload.seek(0)
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    limit = settings.IMAGE_MAX_BYTES
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s; images may be at most %(limit)s."),
            code="too_large",
            params={"size": _megabytes(size), "limit": _megabytes(limit)},
        )


def _open(upload) -> ImageFile.ImageFile:
    try:
        return Image.open(upload, formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels() from error
    except (Image.UnidentifiedImageError, *DECODE_ERRORS) as error:
        raise ValidationError(
            _("Upload a JPEG, PNG, WebP or GIF image; this file is not one."),
            code="invalid_image",
        ) from error


def _check_dimensions(image: Image.Image) -> None:
    """Checks the header's dimensions, before a single pixel is decoded."""
    width, height = image.size
    if max(width, height) > settings.IMAGE_MAX_SIDE:
        raise ValidationError(
            _("The image is %(width)s × %(height)s pixels; no side may exceed %(limit)s pixels."),
            code="too_long",
            params={"width": width, "height": height, "limit": settings.IMAGE_MAX_SIDE},
        )
    limit = _pixel_limit(image.format)
    if width * height > limit:
        raise _too_many_pixels(width, height, limit)


def _pixel_limit(format: str | None) -> int:
    if format in REDUCED_DECODE_FORMATS:
        return settings.IMAGE_MAX_PIXELS
    return min(settings.IMAGE_MAX_PIXELS, settings.IMAGE_MAX_PIXELS_FULL_DECODE)


def _check_scans(upload) -> None:
    """Refuses progressive JPEGs with more scans than an encoder makes: each scan is a pass over
    the whole picture, and a scan can take a few bytes."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    scans, position = 0, 2  # after the start-of-image marker
    while position + 4 <= len(data):
        marker = data[position + 1]
        if data[position] != 0xFF or marker == 0x00 or 0xD0 <= marker <= 0xD7:
            # Entropy-coded data, with its stuffed bytes and restart markers.
            found = JPEG_NEXT_MARKER.search(data, position + 1)
            if not found:
                return
            position = found.start()
            continue
        if marker == 0xD9:  # the end of the main picture: later pictures are never decoded
            return
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xDA:
            scans += 1
            if scans > settings.IMAGE_MAX_JPEG_SCANS:
                raise ValidationError(
                    _("The JPEG has more than %(limit)s progressive scans; save it again."),
                    code="too_many_scans",
                    params={"limit": settings.IMAGE_MAX_JPEG_SCANS},
                )
        position += 2 + int.from_bytes(data[position + 2 : position + 4])


def _too_many_pixels(
    width: int | None = None, height: int | None = None, limit: int | None = None
) -> ValidationError:
    limit = f"{(limit or settings.IMAGE_MAX_PIXELS) / 1_000_000:g}"
    if width is None:
        message = _("The image has too many pixels; the limit is %(limit)s megapixels.")
    else:
        message = _(
            "The image is %(width)s × %(height)s pixels; the limit is %(limit)s megapixels."
        )
    return ValidationError(
        message,
        code="too_many_pixels",
        params={"width": width, "height": height, "limit": limit},
    )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _decode(image: ImageFile.ImageFile, spec: ImageSpec) -> Image.Image:
    """Decode once, as small as the original allows: upright, in an output mode, no metadata."""
    width, height = image.size
    if image.getexif().get(ExifTags.Base.Orientation) in (5, 6, 7, 8):
        width, height = height, width
    factor = _reduction_factor(width, height, spec)
    if factor > 1 and image.format in REDUCED_DECODE_FORMATS:
        image.draft(image.mode, (-(-image.width // factor), -(-image.height // factor)))
        factor = 1
    ImageOps.exif_transpose(image, in_place=True)
    icc_profile = image.info.get("icc_profile")
    base = _output_mode(image)
    if factor > 1:
        base = base.reduce(factor)
    base.info = {"icc_profile": icc_profile} if _icc_matches(icc_profile, base.mode) else {}
    return base


def _reduction_factor(width: int, height: int, spec: ImageSpec) -> int:
    needed_width = min(width, height) if spec.square else width
    for factor in (8, 4, 2):
        if max(width, height) // factor >= ORIGINAL_MIN_SIDE and (
            needed_width // factor >= spec.display_width
        ):
            return factor
    return 1


def _output_mode(image: Image.Image) -> Image.Image:
    if image.mode in ALPHA_MODES or "transparency" in image.info:
        rgba = image.convert("RGBA")
        if rgba.getchannel("A").getextrema()[0] < 255:
            return rgba
        return rgba.convert("RGB")
    if image.mode.startswith("I"):
        # 16-bit grey would clip to white if converted directly.
        return image.convert("I").point(lambda value: value / 256).convert("L")
    if image.mode in ("L", "RGB"):
        return image
    return image.convert("L" if image.mode == "1" else "RGB")


def _icc_matches(icc_profile: bytes | None, mode: str) -> bool:
    # A profile describes the source's colour space: keep it only when the pixels are still in it.
    if not icc_profile:
        return False
    try:
        colour_space = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile)).profile.xcolor_space
    except (ImageCms.PyCMSError, OSError, TypeError):
        return False
    return colour_space.strip() == ("GRAY" if mode == "L" else "RGB")


def _renditions(base: Image.Image, spec: ImageSpec) -> ProcessedImage:
    # Resizing releases the GIL and encoding does not: each resize overlaps the previous encode.
    with ThreadPoolExecutor(max_workers=1) as pool:
        resizing = pool.submit(_resize, base, spec.display_width, spec.square)
        # The original is a download, not shown in pages: a baseline JPEG encodes 2.5x faster.
        original = _encode(base, progressive=False, optimize=False)
        display_image = resizing.result()
        # The display is already cropped and small: the cheapest good source for the thumbnail.
        resizing = pool.submit(_resize, display_image, spec.thumbnail_width, spec.square)
        variants = tuple(
            _encode_webp(image)
            for image in _ladder(base, display_image, spec.variant_widths)
            if max(image.size) <= WEBP_MAX_SIDE  # a sliver too tall for WebP keeps its JPEGs
        )
        display = _shown(display_image, base, original, variants)
        thumbnail_image = resizing.result()
    if thumbnail_image is display_image:
        thumbnail = display
    else:
        thumbnail = _shown(thumbnail_image, base, original, variants)
    return ProcessedImage(
        original=original, display=display, thumbnail=thumbnail, variants=variants
    )


def _shown(image: Image.Image, base: Image.Image, original, variants) -> Rendition:
    if image is base:
        return original
    if image.mode == "RGBA":
        # A transparent picture's PNGs would be the dearest encodes of the upload: its WebP of
        # the same width serves instead.
        for variant in variants:
            if variant.width == image.width:
                return variant
    return _encode(image)


def _ladder(base: Image.Image, display: Image.Image, widths) -> list[Image.Image]:
    """One picture per width, each resized from the next larger one; widths the picture does not
    reach collapse into its own width, once."""
    pictures, source = [], base
    for width in sorted(widths, reverse=True):
        width = min(width, base.width)
        if pictures and width >= pictures[-1].width:
            continue
        if width == display.width:
            source = display
        elif width != source.width:
            # Heights from the base's ratio, so that rounding never drifts down the ladder.
            height = max(1, round(base.height * width / base.width))
            source = source.resize(
                (width, height), Image.Resampling.BICUBIC, reducing_gap=REDUCING_GAP
            )
            source.info = base.info
        pictures.append(source)
    return pictures


def _encode_webp(image: Image.Image) -> Rendition:
    buffer = io.BytesIO()
    icc = {"icc_profile": image.info["icc_profile"]} if "icc_profile" in image.info else {}
    if image.mode == "L":  # WebP has no grey mode; the grey profile no longer applies
        image, icc = image.convert("RGB"), {}
    image.save(
        buffer,
        "WEBP",
        quality=WEBP_QUALITY,
        method=WEBP_METHOD,
        alpha_quality=WEBP_ALPHA_QUALITY,
        **icc,
    )
    return Rendition(buffer.getvalue(), image.width, image.height, "webp", "image/webp")


def _resize(image: Image.Image, width: int, square: bool) -> Image.Image:
    box = (0, 0, image.width, image.height)
    if square:
        side = min(image.size)
        left, top = (image.width - side) // 2, (image.height - side) // 2
        box = (left, top, left + side, top + side)
    box_width, box_height = box[2] - box[0], box[3] - box[1]
    width = min(width, box_width)
    if (width, box_width, box_height) == (image.width, image.width, image.height):
        return image
    height = max(1, round(box_height * width / box_width))
    resized = image.resize(
        (width, height), Image.Resampling.BICUBIC, box=box, reducing_gap=REDUCING_GAP
    )
    resized.info = image.info
    return resized


def _encode(image: Image.Image, progressive: bool = True, optimize: bool = True) -> Rendition:
    buffer = io.BytesIO()
    icc = {"icc_profile": image.info["icc_profile"]} if "icc_profile" in image.info else {}
    if image.mode == "RGBA":
        image.save(buffer, "PNG", compress_level=PNG_COMPRESS_LEVEL, **icc)
        extension, content_type = "png", "image/png"
    else:
        image.save(
            buffer, "JPEG", quality=JPEG_QUALITY, progressive=progressive, optimize=optimize, **icc
        )
        extension, content_type = "jpg", "image/jpeg"
    return Rendition(buffer.getvalue(), image.width, image.height, extension, content_type)
