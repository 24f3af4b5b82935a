import re

import pytest
from django.core.files.storage import storages
from django.templatetags.static import static
from whitenoise.storage import CompressedManifestStaticFilesStorage


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


def test_a_static_files_url_is_worked_out_once_per_storage(settings, monkeypatch):
    worked_out = []
    work_out = CompressedManifestStaticFilesStorage.url

    def counted(storage, name, force=False):
        worked_out.append(name)
        return work_out(storage, name, force)

    monkeypatch.setattr(CompressedManifestStaticFilesStorage, "url", counted)
    storage = storages.create_storage(settings.STORAGES["staticfiles"])

    first = storage.url("css/site.css")

    assert storage.url("css/site.css") == first
    assert worked_out == ["css/site.css"]


def test_static_urls_follow_a_new_static_url(settings):
    assert static("css/site.css").startswith("/static/css/site.")

    settings.STATIC_URL = "https://cdn.example.com/static/"

    assert static("css/site.css").startswith("https://cdn.example.com/static/css/site.")
