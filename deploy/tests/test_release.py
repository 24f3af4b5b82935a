"""The release artifact `make release` uploads: HEAD plus a wheelhouse that installs offline."""

import hashlib
import re
import ssl
import tarfile

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

from deploy import release

from .conftest import REPO

pytestmark = [pytest.mark.deploy, pytest.mark.slow]

VERSION = "test-wheelhouse"


@pytest.fixture(scope="module")
def artifact(tmp_path_factory, monkeypatch_module, rds_ca_bundle):
    monkeypatch_module.setenv("RELEASE_VERSION", VERSION)
    monkeypatch_module.setenv("RDS_CA_BUNDLE_URL", rds_ca_bundle.as_uri())
    path = release.build(tmp_path_factory.mktemp("dist"))
    unpacked = tmp_path_factory.mktemp("unpacked")
    with tarfile.open(path) as archive:
        archive.extractall(unpacked, filter="data")
    return path, unpacked / f"cblog-{VERSION}"


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def locked(app_dir):
    """{(name, version): {sha256, …}} from the wheelhouse's lock."""
    text = (app_dir / "wheelhouse" / release.LOCK).read_text()
    entries = {}
    for block in re.split(r"\n(?=\S)", text):
        if block.startswith("#") or not block.strip():
            continue
        pin = block.split()[0]
        name, version = pin.split("==")
        entries[(canonicalize_name(name), version)] = set(re.findall(r"sha256:(\w+)", block))
    return entries


def wheels(app_dir):
    return sorted((app_dir / "wheelhouse").glob("*.whl"))


def test_the_artifact_is_head_under_its_version_with_a_wheelhouse(artifact):
    path, app_dir = artifact
    assert path.name == f"cblog-{VERSION}.tar.gz"
    for name in (
        "manage.py",
        "requirements.txt",
        "deploy/bootstrap.sh",
        "wheelhouse/requirements.lock",
    ):
        assert (app_dir / name).is_file(), name
    assert (app_dir / "deploy" / "bootstrap.sh").stat().st_mode & 0o111
    assert not (app_dir / ".git").exists()
    assert [
        p for p in (app_dir / "wheelhouse").iterdir() if p.suffix not in (".whl", ".lock")
    ] == []


def test_every_wheel_is_locked_by_its_own_hash_and_every_hash_is_a_wheel(artifact):
    _, app_dir = artifact
    entries = locked(app_dir)
    seen = set()
    for wheel in wheels(app_dir):
        name, version, _, _ = parse_wheel_filename(wheel.name)
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        assert digest in entries[(name, str(version))], wheel.name
        seen.add(digest)
    assert set().union(*entries.values()) == seen


def test_every_pinned_requirement_is_locked_at_its_version(artifact):
    _, app_dir = artifact
    versions = dict(locked(app_dir))
    for line in (REPO / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            requirement = Requirement(line)
            (pinned,) = (s.version for s in requirement.specifier)
            assert (canonicalize_name(requirement.name), pinned) in versions, line


@pytest.mark.parametrize("machine", ["x86_64", "aarch64"])
def test_every_package_has_a_binary_wheel_for_cpython_3_12_on_each_architecture(artifact, machine):
    _, app_dir = artifact
    usable = {}
    for wheel in wheels(app_dir):
        name, _, _, tags = parse_wheel_filename(wheel.name)
        if any(fits_ubuntu_24_04(tag, machine) for tag in tags):
            usable[name] = wheel.name
    assert {name for name, _ in locked(app_dir)} == set(usable)


def fits_ubuntu_24_04(tag, machine):
    """CPython 3.12 on glibc 2.39: pure wheels, abi3 up to 3.12, or cp312, for the machine."""
    interpreter_ok = tag.interpreter in ("py3", "cp312") or (
        tag.abi == "abi3" and int(tag.interpreter[3:]) <= 12
    )
    if tag.platform == "any":
        return interpreter_ok
    match = re.fullmatch(rf"manylinux(?:_2_(\d+)|2014)_{machine}", tag.platform)
    return interpreter_ok and match is not None and int(match[1] or 17) <= 39


def test_production_talks_to_mysql_through_pure_python(artifact):
    _, app_dir = artifact
    names = {name for name, _ in locked(app_dir)}
    assert "pymysql" in names
    assert "mysqlclient" not in names  # source-only on Linux: it would need a compiler


def test_the_release_ships_the_database_ca_bundle_where_the_app_stack_points(
    artifact, rds_ca_bundle, templates
):
    _, app_dir = artifact
    shipped = app_dir / release.RDS_CA
    assert shipped.read_bytes() == rds_ca_bundle.read_bytes()
    parameter = templates["app"]["Resources"]["DatabaseCaParameter"]["Properties"]
    assert parameter["Value"] == f"/opt/cblog/current/{release.RDS_CA}"
    assert parameter["Name"] == {"Fn::Sub": "/cblog/${AWS::StackName}/DB_SSL_CA"}


def test_a_ca_bundle_without_a_certificate_is_refused(tmp_path):
    empty = tmp_path / "empty.pem"
    empty.write_text("not a certificate\n")
    with pytest.raises(ssl.SSLError):
        release.add_rds_ca(tmp_path, empty.as_uri())
