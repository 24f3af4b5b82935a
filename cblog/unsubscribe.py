"""One-click unsubscribe links: a signed token in the URL, usable without signing in.

GET shows a button and changes nothing (mail scanners open links); POST unsubscribes, from that
button or straight from the mail client (RFC 8058 `List-Unsubscribe-Post`), which sends no CSRF
token: the signature is the proof.
"""

from django.core import signing
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt


def unsubscribe_token(value, *, salt: str) -> str:
    return signing.dumps(value, salt=salt, compress=True)


@method_decorator(csrf_exempt, name="dispatch")
class OneClickUnsubscribeView(View):
    """Subclasses set `salt` and implement `describe(value)` (None when there is nothing to stop
    any more) and `unsubscribe(value)`."""

    salt = ""
    template_name = "unsubscribe.html"
    http_method_names = ["get", "post"]

    def dispatch(self, request, token):
        try:
            self.value = signing.loads(token, salt=self.salt)
        except signing.BadSignature:
            return self.render(message="This unsubscribe link is not valid.", status=400)
        return super().dispatch(request, token)

    def get(self, request, token):
        return self.render(what=self.describe(self.value))

    def post(self, request, token):
        what = self.describe(self.value)
        self.unsubscribe(self.value)
        return self.render(what=what, done=True)

    def render(self, status=200, **context):
        response = render(self.request, self.template_name, context, status=status)
        response["Cache-Control"] = "no-store"
        return response

    def describe(self, value) -> str | None:
        raise NotImplementedError

    def unsubscribe(self, value) -> None:
        raise NotImplementedError
