"""Apps depend in one direction: blog may use users and images, users may use images, and images
uses neither, so that each can change without reaching into the others."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "cblog" / "images"


def modules(folder: Path, *, with_tests: bool):
    for path in sorted(folder.rglob("*.py")):
        if with_tests or "tests" not in path.relative_to(folder).parts:
            yield path


def imported_packages(path: Path) -> set[str]:
    """The top-level package of everything a module imports."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module)
    return {name.split(".")[0] for name in names}


@pytest.mark.parametrize(
    ("folder", "with_tests", "forbidden"),
    [
        (IMAGES, True, {"blog", "users"}),
        (ROOT / "users", False, {"blog"}),
    ],
    ids=["images uses neither blog nor users", "users does not use blog"],
)
def test_apps_import_in_one_direction(folder, with_tests, forbidden):
    offending = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & forbidden)
        for path in modules(folder, with_tests=with_tests)
        if imported_packages(path) & forbidden
    }
    assert offending == {}


def test_the_layout_check_sees_imports_of_every_form(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("import blog.models\nfrom users import forms\n")

    assert imported_packages(module) == {"blog", "users"}


def test_blog_reaches_users_profiles_only_through_users():
    uses_profile = re.compile(r"\bprofile\b|profile__")
    blog = ROOT / "blog"
    offending = [
        str(path.relative_to(ROOT))
        for path in [*modules(blog, with_tests=False), *blog.rglob("templates/**/*.html")]
        if uses_profile.search(path.read_text())
    ]
    assert offending == []
