import pytest

from blog.tests.factories import PostFactory


@pytest.fixture
def post(user):
    return PostFactory(author=user, title="A walk by the river", slug="a-walk-by-the-river")


@pytest.fixture
def draft(user):
    return PostFactory(
        author=user, title="Unfinished thoughts", slug="unfinished-thoughts", draft=True
    )
