import ast
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# The Lambda Python runtime provides these besides the standard library.
RUNTIME_PACKAGES = {"boto3", "botocore"}


@pytest.fixture(scope="module")
def lambda_zip(tmp_path_factory):
    output = tmp_path_factory.mktemp("dist") / "lambda_indexer.zip"
    subprocess.run(
        ["make", "--no-print-directory", "lambda-zip", f"LAMBDA_ZIP={output}"],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    return output


def test_the_zip_holds_exactly_the_handler_module_and_package_init(lambda_zip):
    with zipfile.ZipFile(lambda_zip) as archive:
        assert archive.namelist() == ["lambda_indexer/__init__.py", "lambda_indexer/handler.py"]


def test_the_zip_is_byte_identical_when_built_again(lambda_zip, tmp_path):
    again = tmp_path / "again.zip"
    subprocess.run(
        [sys.executable, "-m", "lambda_indexer.build_zip", str(again)], cwd=REPO, check=True
    )

    assert again.read_bytes() == lambda_zip.read_bytes()


def test_the_handler_imports_from_the_zip_alone(lambda_zip, tmp_path):
    code = "import lambda_indexer.handler as h;assert callable(h.lambda_handler);print(h.__file__)"
    env = {**os.environ, "PYTHONPATH": str(lambda_zip)}

    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{lambda_zip}/lambda_indexer/handler.py"


def test_the_handler_imports_nothing_beyond_the_standard_library_and_boto3(lambda_zip):
    with zipfile.ZipFile(lambda_zip) as archive:
        tree = ast.parse(archive.read("lambda_indexer/handler.py"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}

    roots = {name.split(".")[0] for name in imported}
    assert roots - sys.stdlib_module_names - RUNTIME_PACKAGES == set()
