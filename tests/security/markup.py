"""What a browser would run or load from a page: the test for "no payload got through"."""

import re
from html.parser import HTMLParser
from pathlib import Path

PAYLOADS = [
    line
    for line in (Path(__file__).parent / "xss_payloads.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
]

# Elements the site's own pages never contain: any of them comes from user text. (The admin
# draws its icons with inline <svg>, so SVG is judged by its attributes instead.)
FOREIGN_ELEMENTS = {
    "applet", "base", "embed", "frame", "frameset", "iframe", "isindex", "keygen", "math",
    "object", "style", "template",
}  # fmt: skip
URL_ATTRIBUTES = {
    "action",
    "background",
    "data",
    "formaction",
    "href",
    "poster",
    "src",
    "xlink:href",
}
SCRIPT_SCHEMES = re.compile(r"^(javascript|vbscript|data:text/html)", re.IGNORECASE)
INVISIBLE = re.compile(r"[\x00-\x20]")


class UnsafeMarkupFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in FOREIGN_ELEMENTS:
            self.problems.append(f"<{tag}> element")
        # JSON-LD is data a browser never runs; its escaping has a test of its own.
        if tag == "script" and attributes.get("type") != "application/ld+json":
            self.in_script = True
            if not same_site(attributes.get("src")):
                self.problems.append(f"script from another site: {attributes}")
        if tag == "meta" and "http-equiv" in attributes:
            self.problems.append(f"<meta http-equiv>: {attributes}")
        reference = attributes.get("href") or attributes.get("xlink:href") or "#"
        if tag == "use" and not reference.startswith("#"):
            self.problems.append(f"<use> of another document: {attributes}")
        if tag == "link" and not same_site(attributes.get("href")):
            self.problems.append(f"<link> to another site: {attributes}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}={value!r} on <{tag}>")
            if name in {"style", "srcdoc"}:
                self.problems.append(f"{name} attribute on <{tag}>")
            if name in URL_ATTRIBUTES and SCRIPT_SCHEMES.match(INVISIBLE.sub("", value or "")):
                self.problems.append(f"script URL {name}={value!r} on <{tag}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.problems.append(f"inline script: {data[:80]!r}")


# Canonical and alternate links are absolute URLs on the site's own origin.
SITE_ORIGIN = "http://testserver/"


def same_site(url):
    if url and url.startswith(SITE_ORIGIN):
        return True
    return bool(url) and url.startswith("/") and not url.startswith("//")


def unsafe_markup(html: str) -> list[str]:
    finder = UnsafeMarkupFinder()
    finder.feed(html)
    finder.close()
    return finder.problems
