import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageCms, ImageFile

from cblog.images.processing import AVATAR_IMAGE, POST_IMAGE, ProcessedImage, process_image
from cblog.images.tests.files import (
    MARKER,
    encoded,
    jpeg_with_extra_scans,
    make_animated_gif,
    make_image,
    make_jpeg,
    make_png,
    noise,
    picture,
    png_claiming,
)


def process(data: bytes, spec=POST_IMAGE) -> ProcessedImage:
    return process_image(io.BytesIO(data), spec)


def renditions(processed: ProcessedImage):
    return {
        "original": processed.original,
        "display": processed.display,
        "thumbnail": processed.thumbnail,
    }


def opened(rendition) -> Image.Image:
    return Image.open(io.BytesIO(rendition.content))


def rejection(data: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        process(data)
    return caught.value


def near(colour, expected, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))


# Accepted formats


def test_jpeg_becomes_jpeg_renditions():
    processed = process(make_jpeg())

    for rendition in renditions(processed).values():
        assert (rendition.extension, rendition.content_type) == ("jpg", "image/jpeg")
        assert opened(rendition).format == "JPEG"


def test_display_and_thumbnail_are_progressive_jpegs():
    processed = process(make_jpeg(2000, 1000))

    assert opened(processed.display).info.get("progressive")
    assert opened(processed.thumbnail).info.get("progressive")


def test_png_with_transparency_stays_png_with_its_alpha():
    original = process(make_png(transparent=True)).original

    image = opened(original)
    assert (original.extension, original.content_type, image.format) == ("png", "image/png", "PNG")
    assert image.mode == "RGBA"
    assert image.getpixel((0, image.height - 1))[3] == 0


def test_opaque_png_becomes_jpeg():
    original = process(make_png(transparent=False)).original

    assert (original.extension, opened(original).format) == ("jpg", "JPEG")


def test_webp_is_accepted_and_becomes_jpeg():
    original = process(make_image("WEBP")).original

    assert (original.extension, opened(original).size) == ("jpg", (640, 480))


def test_transparent_webp_becomes_png():
    original = process(_transparent_webp()).original

    assert (original.extension, opened(original).mode) == ("png", "RGBA")


def _transparent_webp() -> bytes:
    image = picture(64, 48, "RGBA")
    image.putalpha(128)
    buffer = io.BytesIO()
    image.save(buffer, "WEBP", lossless=True)
    return buffer.getvalue()


def test_gif_becomes_jpeg():
    original = process(make_image("GIF")).original

    assert (original.extension, opened(original).format) == ("jpg", "JPEG")


def test_animated_gif_keeps_only_its_first_frame():
    original = process(make_animated_gif(colours=((255, 0, 0), (0, 0, 255)))).original

    image = opened(original)
    assert getattr(image, "n_frames", 1) == 1
    assert near(image.getpixel((10, 10)), (255, 0, 0))


def test_jpeg_with_extra_pictures_becomes_a_single_picture_jpeg():
    buffer = io.BytesIO()
    picture(640, 480).save(buffer, "MPO", save_all=True, append_images=[picture(64, 48)])

    image = opened(process(buffer.getvalue()).original)
    assert (image.format, getattr(image, "n_frames", 1), image.size) == ("JPEG", 1, (640, 480))


def test_django_uploaded_file_is_accepted():
    upload = SimpleUploadedFile("photo.png", make_jpeg(), content_type="image/png")

    assert process_image(upload).original.extension == "jpg"


def test_file_name_and_client_content_type_are_ignored():
    upload = SimpleUploadedFile("photo.jpg", b"<svg/>", content_type="image/jpeg")

    with pytest.raises(ValidationError) as caught:
        process_image(upload)
    assert caught.value.code == "invalid_image"


# Orientation and metadata


def test_exif_orientation_6_swaps_width_and_height():
    processed = process(make_jpeg(640, 480, orientation=6))

    assert (processed.original.width, processed.original.height) == (480, 640)
    assert opened(processed.original).size == (480, 640)


def test_exif_orientation_6_rotates_the_pixels_clockwise():
    image = opened(process(make_jpeg(640, 480, orientation=6)).original)

    assert near(image.getpixel((image.width - 5, 5)), MARKER)
    assert not near(image.getpixel((5, 5)), MARKER)


@pytest.mark.parametrize("make", [make_jpeg, make_png], ids=["jpeg", "png"])
def test_no_rendition_carries_exif(make):
    for name, rendition in renditions(process(make(gps=True))).items():
        image = opened(rendition)
        assert dict(image.getexif()) == {}, name
        assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}, name
        assert b"Exif" not in rendition.content, name
        assert b"eXIf" not in rendition.content, name


def test_no_rendition_carries_xmp_or_comments():
    for name, rendition in renditions(process(make_jpeg(gps=True))).items():
        info = opened(rendition).info
        assert not {"xmp", "comment", "exif"} & info.keys(), name
        assert b"GPSLatitude" not in rendition.content, name
        assert b"shot at home" not in rendition.content, name


def test_rgb_icc_profile_is_kept():
    buffer = io.BytesIO()
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    picture(64, 48).save(buffer, "JPEG", icc_profile=srgb)

    assert opened(process(buffer.getvalue()).original).info.get("icc_profile") == srgb


def test_cmyk_jpeg_becomes_rgb_jpeg():
    image = opened(process(make_jpeg(mode="CMYK")).original)

    assert (image.format, image.mode) == ("JPEG", "RGB")


def test_grey_jpeg_stays_grey():
    assert opened(process(make_jpeg(mode="L")).original).mode == "L"


@pytest.mark.parametrize(("mode", "expected"), [("P", "RGB"), ("1", "L"), ("LA", "RGB")])
def test_png_modes_are_converted_for_jpeg(mode, expected):
    assert opened(process(make_png(mode=mode, transparent=False)).original).mode == expected


def test_sixteen_bit_grey_png_keeps_its_tones():
    buffer = io.BytesIO()
    Image.new("I;16", (32, 32), 32768).save(buffer, "PNG")

    image = opened(process(buffer.getvalue()).original)
    assert image.mode == "L"
    assert 120 <= image.getpixel((16, 16)) <= 136


# Renditions


def test_display_is_1200_wide_and_keeps_the_aspect_ratio():
    display = process(make_jpeg(3000, 1500)).display

    assert (display.width, display.height) == (1200, 600)
    assert opened(display).size == (1200, 600)


def test_thumbnail_is_480_wide_and_keeps_the_aspect_ratio():
    thumbnail = process(make_jpeg(3000, 1500)).thumbnail

    assert (thumbnail.width, thumbnail.height) == (480, 240)
    assert opened(thumbnail).size == (480, 240)


def test_small_image_is_never_upscaled():
    processed = process(make_jpeg(300, 200))

    for rendition in renditions(processed).values():
        assert (rendition.width, rendition.height) == (300, 200)


def test_image_between_thumbnail_and_display_width_keeps_its_size_for_display():
    processed = process(make_jpeg(800, 600))

    assert (processed.display.width, processed.thumbnail.width) == (800, 480)


def test_original_keeps_full_size_below_twice_the_minimum_side():
    original = process(make_jpeg(3000, 1500)).original

    assert (original.width, original.height) == (3000, 1500)


def test_large_original_is_halved_by_jpeg_scaling():
    original = process(make_jpeg(3400, 1000)).original

    assert (original.width, original.height) == (1700, 500)


def test_large_png_original_is_halved_too(settings):
    settings.IMAGE_MAX_PIXELS_FULL_DECODE = 3400 * 1000
    original = process(make_png(3400, 1000, transparent=True)).original

    assert (original.width, original.height) == (1700, 500)


def test_tall_image_is_not_reduced_below_the_display_width():
    processed = process(make_jpeg(1400, 3600))

    assert (processed.original.width, processed.display.width) == (1400, 1200)


def test_avatar_renditions_are_centre_squares():
    processed = process(make_jpeg(1000, 600), AVATAR_IMAGE)

    assert (processed.display.width, processed.display.height) == (400, 400)
    assert (processed.thumbnail.width, processed.thumbnail.height) == (96, 96)
    assert opened(processed.display).size == (400, 400)


def test_avatar_crop_is_taken_from_the_centre():
    # The red marker sits in the top-left corner, which a centre crop of a wide image cuts off.
    display = opened(process(make_jpeg(1000, 400), AVATAR_IMAGE).display)

    assert not near(display.getpixel((2, 2)), MARKER)


def test_small_avatar_is_cropped_but_not_upscaled():
    processed = process(make_jpeg(200, 150), AVATAR_IMAGE)

    assert (processed.display.width, processed.display.height) == (150, 150)
    assert (processed.thumbnail.width, processed.thumbnail.height) == (96, 96)


def test_avatar_original_is_not_cropped():
    original = process(make_jpeg(1000, 600), AVATAR_IMAGE).original

    assert (original.width, original.height) == (1000, 600)


# Rejections


def test_text_file_is_rejected_as_not_an_image():
    assert rejection(b"just some words\n" * 10).code == "invalid_image"


def test_svg_is_rejected():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

    assert rejection(svg).code == "invalid_image"


def test_html_is_rejected():
    assert rejection(b"<html><body><script>alert(1)</script></body></html>").code == (
        "invalid_image"
    )


def test_image_format_other_than_the_four_is_rejected():
    assert rejection(make_image("BMP")).code == "invalid_image"


def test_jpeg_with_html_appended_is_accepted_without_the_payload():
    payload = b"<html><script>alert(document.cookie)</script></html>"

    processed = process(make_jpeg() + payload)

    for rendition in renditions(processed).values():
        assert b"<script" not in rendition.content


def test_jpeg_with_html_in_a_comment_is_accepted_without_the_payload():
    buffer = io.BytesIO()
    picture(64, 48).save(buffer, "JPEG", comment=b"<html><script>alert(1)</script></html>")

    for rendition in renditions(process(buffer.getvalue())).values():
        assert b"<script" not in rendition.content


def test_empty_file_is_rejected():
    assert rejection(b"").code == "empty"


def test_file_over_the_byte_limit_is_rejected(settings):
    settings.IMAGE_MAX_BYTES = 1000
    error = rejection(make_jpeg())

    assert error.code == "too_large"
    assert "at most" in error.messages[0]


def test_file_at_the_byte_limit_is_accepted(settings):
    data = make_jpeg()
    settings.IMAGE_MAX_BYTES = len(data)

    assert process(data).original.width == 640


def test_image_over_the_pixel_limit_is_rejected(settings):
    settings.IMAGE_MAX_PIXELS = 640 * 480 - 1
    error = rejection(make_jpeg(640, 480))

    assert error.code == "too_many_pixels"
    assert "640 × 480" in error.messages[0]


def test_pixel_limit_is_checked_from_the_header_before_decoding(settings):
    settings.IMAGE_MAX_PIXELS = 1_000_000

    # One row of pixels: a decode would fail as damaged, so the header check came first.
    assert rejection(png_claiming(2000, 2000)).code == "too_many_pixels"


def test_decompression_bomb_header_is_rejected():
    assert rejection(png_claiming(100_000, 100_000)).code == "too_many_pixels"


def test_pillow_decompression_bomb_warning_is_a_rejection(settings, monkeypatch):
    settings.IMAGE_MAX_PIXELS = 10**9
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 640 * 480 - 1)

    assert rejection(make_jpeg(640, 480)).code == "too_many_pixels"


def test_truncated_jpeg_is_rejected():
    data = make_jpeg(640, 480)

    assert rejection(data[: len(data) * 2 // 3]).code == "damaged_image"


@pytest.mark.parametrize(
    "data",
    [
        make_jpeg(640, 480),
        make_jpeg(640, 480, progressive=True),
        make_png(gps=False),
        make_image("GIF"),
    ],
    ids=["jpeg", "progressive-jpeg", "png", "gif"],
)
def test_truncated_images_are_refused_even_when_a_library_turned_on_lenient_loading(
    data, monkeypatch
):
    # Pillow's flag is process-wide: a lenient loader would pad the missing part with grey.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)

    assert rejection(data[: len(data) * 2 // 3]).code == "damaged_image"


# Bounded cost: each limit refuses, with a message, what would cost more than it allows.


def test_png_over_the_lower_limit_for_whole_decodes_is_rejected(settings):
    settings.IMAGE_MAX_PIXELS_FULL_DECODE = 640 * 480 - 1
    error = rejection(make_png(640, 480))

    assert error.code == "too_many_pixels"
    assert "640 × 480" in error.messages[0]
    assert "0.307199 megapixels" in error.messages[0]


@pytest.mark.parametrize("format", ["GIF", "WEBP"])
def test_gif_and_webp_have_the_lower_limit_for_whole_decodes(settings, format):
    settings.IMAGE_MAX_PIXELS_FULL_DECODE = 640 * 480 - 1

    assert rejection(make_image(format, 640, 480)).code == "too_many_pixels"


def test_jpeg_decoded_at_reduced_size_keeps_the_higher_pixel_limit(settings):
    settings.IMAGE_MAX_PIXELS_FULL_DECODE = 640 * 480 - 1

    assert process(make_jpeg(640, 480)).original.width == 640


def test_png_at_the_lower_limit_is_accepted(settings):
    settings.IMAGE_MAX_PIXELS_FULL_DECODE = 640 * 480

    assert process(make_png(640, 480)).original.width == 640


def test_side_over_the_limit_is_rejected_however_few_the_pixels(settings):
    settings.IMAGE_MAX_SIDE = 639
    error = rejection(make_jpeg(640, 10))

    assert error.code == "too_long"
    assert "no side may exceed 639 pixels" in error.messages[0]


def test_side_at_the_limit_is_accepted(settings):
    settings.IMAGE_MAX_SIDE = 640

    assert process(make_jpeg(640, 10)).original.width == 640


def test_a_picture_too_long_for_jpeg_is_refused_not_a_server_error():
    # JPEG cannot store a side over 65,500 pixels: without the side limit the encoder raised.
    assert rejection(make_image("PNG", 1, 70_000)).code == "too_long"


def test_progressive_jpeg_with_more_scans_than_the_limit_is_rejected(settings):
    data = jpeg_with_extra_scans(make_jpeg(640, 480, progressive=True), 11)
    settings.IMAGE_MAX_JPEG_SCANS = 20
    error = rejection(data)

    assert error.code == "too_many_scans"
    assert "more than 20 progressive scans" in error.messages[0]


def test_progressive_jpeg_at_the_scan_limit_is_accepted(settings):
    # libjpeg writes 10 scans for a colour picture.
    data = jpeg_with_extra_scans(make_jpeg(640, 480, progressive=True), 10)
    settings.IMAGE_MAX_JPEG_SCANS = 20

    assert process(data).original.width == 640


def test_scans_of_pictures_after_the_main_one_are_not_counted(settings):
    settings.IMAGE_MAX_JPEG_SCANS = 10
    buffer = io.BytesIO()
    picture(640, 480).save(
        buffer, "MPO", save_all=True, append_images=[picture(64, 48)], progressive=True
    )

    assert process(buffer.getvalue()).original.width == 640


def test_restart_markers_and_stuffed_bytes_are_not_counted_as_scans(settings):
    settings.IMAGE_MAX_JPEG_SCANS = 1
    data = encoded(noise(640, 480, "RGB", levels=256), "JPEG", restart_marker_blocks=1)

    assert process(data).original.width == 640


def test_png_with_a_broken_checksum_is_rejected():
    data = bytearray(make_png(gps=False))
    data[-20] ^= 0xFF

    assert rejection(bytes(data)).code == "damaged_image"


def test_rejection_message_names_the_accepted_formats():
    assert "JPEG, PNG, WebP or GIF" in rejection(b"GIF89a garbage").messages[0]
