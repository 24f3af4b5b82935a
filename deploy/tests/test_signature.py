"""user-data's verify_signature with real gpg: only the pinned key's good signature passes."""

import re
import shutil
import subprocess

import pytest

from .conftest import DEPLOY

pytestmark = pytest.mark.deploy


def gpg(home, *args, **kwargs):
    unattended = ["--batch", "--pinentry-mode", "loopback", "--passphrase", ""]
    return subprocess.run(
        ["gpg", "--homedir", str(home), *unattended, *args],
        capture_output=True,
        check=True,
        **kwargs,
    )


@pytest.fixture(scope="module")
def signers(tmp_path_factory):
    """Two signing keys, each in its own keyring: {name: (home, fingerprint)}."""
    if shutil.which("gpg") is None:
        pytest.skip("gpg is not installed")
    keys = {}
    for name in ("vendor", "stranger"):
        home = tmp_path_factory.mktemp(name)
        home.chmod(0o700)
        gpg(home, "--quick-gen-key", f"{name} <{name}@example.com>", "ed25519", "sign", "never")
        listing = gpg(home, "--with-colons", "--list-keys", text=True).stdout
        keys[name] = (home, re.search(r"^fpr:+(\w+):", listing, re.M)[1])
    return keys


def sign(signer, path):
    gpg(signer[0], "--yes", "--detach-sign", "-o", f"{path}.sig", str(path))


def export(signers, names, path):
    path.write_bytes(b"".join(gpg(signers[n][0], "--armor", "--export").stdout for n in names))
    return path


def verify(file, key, fingerprint):
    script = (DEPLOY / "user-data.sh").read_text()
    function = re.search(r"^verify_signature\(\) \{.*?^\}", script, re.S | re.M)[0]
    return subprocess.run(
        [
            "bash",
            "-c",
            f'{function}\nverify_signature "$@"',
            "_",
            file,
            f"{file}.sig",
            key,
            fingerprint,
        ],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def package(tmp_path):
    path = tmp_path / "agent.deb"
    path.write_bytes(b"package contents")
    return path


def test_a_good_signature_by_the_pinned_key_passes(signers, package, tmp_path):
    sign(signers["vendor"], package)
    key = export(signers, ["vendor"], tmp_path / "key.gpg")
    assert verify(package, key, signers["vendor"][1]).returncode == 0


def test_a_changed_package_is_refused(signers, package, tmp_path):
    sign(signers["vendor"], package)
    package.write_bytes(b"package contents, changed")
    key = export(signers, ["vendor"], tmp_path / "key.gpg")
    result = verify(package, key, signers["vendor"][1])
    assert result.returncode == 1
    assert "no good signature" in result.stderr


def test_a_good_signature_by_another_key_in_the_same_file_is_refused(signers, package, tmp_path):
    sign(signers["stranger"], package)
    key = export(signers, ["vendor", "stranger"], tmp_path / "keys.gpg")
    assert verify(package, key, signers["vendor"][1]).returncode == 1
