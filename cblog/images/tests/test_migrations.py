"""Moving Image into its own app changes Django's state only: rows, keys and links stay."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("blog", "0006_post_counters_and_list_indexes"), ("users", "0002_username_skeleton")]
AFTER = [("blog", "0007_image_moves_to_images_app"), ("users", "0003_avatar_points_at_images_app")]


def migrate(targets=None):
    executor = MigrationExecutor(connection)
    return executor.migrate(targets or executor.loader.graph.leaf_nodes()).apps


@pytest.fixture
def back_to_the_latest_schema(transactional_db):
    yield
    migrate()


def test_images_and_the_rows_pointing_at_them_survive_the_move(back_to_the_latest_schema):
    old = migrate([*BEFORE, ("images", None)])
    image = old.get_model("blog", "Image").objects.create(
        original="blog/a/original.jpg",
        width=1,
        height=1,
        display="blog/a/display.jpg",
        display_width=1,
        display_height=1,
        thumbnail="blog/a/thumbnail.jpg",
        thumbnail_width=1,
        thumbnail_height=1,
    )
    user = old.get_model("users", "User").objects.create(username="mover", email="m@example.com")
    old.get_model("users", "Profile").objects.create(user=user, avatar_id=image.pk)

    new = migrate(AFTER)

    moved = new.get_model("images", "Image").objects.get(pk=image.pk)
    assert moved.original == "blog/a/original.jpg"
    assert new.get_model("users", "Profile").objects.get(user_id=user.pk).avatar_id == image.pk
