"""A gunicorn worker loads the app warm: its first pages compile no template."""

import pytest
from django.template import engines
from django.template.base import Template
from django.urls import reverse

from blog.tests.factories import PostFactory
from cblog.wsgi import warm_up


@pytest.fixture
def cold_templates():
    for loader in engines["django"].engine.template_loaders:
        loader.reset()


def test_a_warmed_up_app_serves_its_pages_without_compiling_a_template(
    client, user, cold_templates, monkeypatch
):
    post = PostFactory(author=user)
    warm_up()

    def compile_nodelist(template):
        raise AssertionError(f"{template.origin.template_name} was compiled on a request")

    monkeypatch.setattr(Template, "compile_nodelist", compile_nodelist)
    assert client.get("/").status_code == 200
    assert client.get(post.get_absolute_url()).status_code == 200
    assert client.get(reverse("users:login")).status_code == 200
    assert client.get("/no-such-page/").status_code == 404
    client.force_login(user)
    assert client.get(reverse("blog:post-create")).status_code == 200
