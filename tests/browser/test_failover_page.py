"""The Route 53 failover site: static files that must render with the whole stack down."""

import shutil
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from scripts.stack import ROOT

pytestmark = pytest.mark.browser

FAILOVER = ROOT / "deploy" / "failover"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def static_site(tmp_path):
    """The failover bucket on loopback, uploaded as deploy/README.md says: at its root and failover/."""
    shutil.copytree(FAILOVER, tmp_path, dirs_exist_ok=True)
    shutil.copytree(FAILOVER, tmp_path / "failover")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=tmp_path))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("path", ["/", "/failover/index.html"])
def test_the_failover_page_renders_on_its_own_without_any_outside_request(
    static_site, visitor, path
):
    page = visitor("failover")
    requests = []
    page.page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{static_site}{path}")
    assert page.page.get_by_role("heading", level=1).inner_text()
    assert page.page.evaluate("[...document.images].every(img => img.naturalWidth > 0)")
    assert requests and all(url.startswith(static_site) for url in requests)
