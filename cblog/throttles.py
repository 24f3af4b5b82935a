"""Throttles: the limits in settings.THROTTLE_RATES, counted by django-ratelimit in the cache.

A view names the scopes its POSTs count against (`throttle_scopes`); each scope counts a request
under every key it lists, and a request over any limit is refused with a 429. Sign-in lockout is
django-axes' job (settings: AXES_*).
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

from cblog.client import client_ip

THROTTLED_MESSAGE = "You are doing that too often. Please wait a few minutes and try again."

KEYS = {
    "ip": client_ip,
    "user": lambda request: request.user.pk if request.user.is_authenticated else None,
    # Per account: whatever address was typed, so that one inbox gets few mails.
    "email": lambda request: request.POST.get("email", "").strip().casefold() or None,
}

# Scopes that count only some requests.
APPLIES = {"upload": lambda request: bool(request.FILES)}


def throttled(request, scopes) -> bool:
    """Counts the request in each scope that applies; True when any limit is exceeded."""
    limited = False
    for scope in scopes:
        if not APPLIES.get(scope, bool)(request):
            continue
        for key, rate in settings.THROTTLE_RATES[scope].items():
            value = KEYS[key](request)
            if value is not None:
                limited |= is_ratelimited(
                    request,
                    group=f"{scope}:{key}",
                    key=lambda group, request, value=value: str(value),
                    rate=rate,
                    increment=True,
                )
    return limited


def wants_json(request) -> bool:
    """True for scripts that ask for JSON; a browser's own form post prefers HTML."""
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def throttled_response(request):
    if wants_json(request):
        return JsonResponse({"error": THROTTLED_MESSAGE}, status=429)
    return render(request, "429.html", {"message": THROTTLED_MESSAGE}, status=429)


class ThrottleMixin:
    """Refuses POSTs over the limits of `throttle_scopes` with the 429 page.

    Put it after LoginRequiredMixin, so that anonymous requests are redirected, not counted.
    """

    throttle_scopes = ()

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and throttled(request, self.throttle_scopes):
            return throttled_response(request)
        return super().dispatch(request, *args, **kwargs)


class ThrottledFormMixin:
    """For form views: a throttled POST shows the form again, as typed, with the message and a 429.

    Uploaded files are dropped unread, so a throttled upload costs no image processing.
    """

    throttle_scopes = ()
    is_throttled = False

    def post(self, request, *args, **kwargs):
        self.is_throttled = throttled(request, self.throttle_scopes)
        response = super().post(request, *args, **kwargs)
        if self.is_throttled:
            response.status_code = 429  # the form, made invalid by the message below
        return response

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.is_throttled:
            kwargs.pop("files", None)
        return kwargs

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.is_throttled:
            form.add_error(None, THROTTLED_MESSAGE)
        return form
