"""Chromium enforces the Content-Security-Policy, and the site's own pages never trip it."""

import pytest

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) =>
  window.cspViolations.push(event.violatedDirective));
"""

INJECT_INLINE_CODE = """
async () => {
  const script = document.createElement("script");
  script.textContent = "window.inlineRan = true";
  document.body.append(script);
  const holder = document.createElement("div");
  holder.innerHTML = '<p style="color: red">styled</p>';
  document.body.append(holder);
  await new Promise((resolve) => setTimeout(resolve, 200));
  return {ran: window.inlineRan === true, violations: window.cspViolations};
}
"""


def test_pages_trip_no_policy_and_the_policy_blocks_inline_code(visitor):
    reader = visitor("csp")
    reader.context.add_init_script(RECORD_VIOLATIONS)
    reader.register("policyreader")
    post = reader.write_post("Walking under a policy")

    pages = ["/", post, f"{post}edit/", "/post/new/", "/users/profile/", "/search/?q=policy"]
    for path in [*pages, "/drafts/", "/admin/login/"]:
        reader.goto(path)
        assert reader.page.evaluate("window.cspViolations") == [], path

    reader.expected_errors.add("")  # blocked injected code logs console errors without a URL
    outcome = reader.page.evaluate(INJECT_INLINE_CODE)

    assert outcome["ran"] is False
    assert {"script-src-elem", "style-src-attr"} <= set(outcome["violations"])
