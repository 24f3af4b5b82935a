import re

import pytest


@pytest.mark.django_db
def test_static_files_have_hashed_names_and_far_future_cache_headers(client):
    page = client.get("/users/login/").text
    css = re.search(r'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css)"', page)
    assert css, "the stylesheet link should carry a content hash"

    response = client.get(css.group(1))

    assert response.status_code == 200
    # WhiteNoise marks hashed files immutable for ten years, whatever WHITENOISE_MAX_AGE says.
    assert "max-age=315360000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
