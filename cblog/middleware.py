from csp.constants import HEADER as CSP_HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib import messages
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers, patch_cache_control

from cblog import page_cache
from cblog.throttles import wants_json


class HealthCheckMiddleware:
    """Answers /healthz/ and /readyz/ before the Host check and the HTTPS redirect.

    A load balancer probes each instance over plain HTTP with its private IP as Host, so these
    two paths must not depend on ALLOWED_HOSTS or SECURE_SSL_REDIRECT.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz/":
            return self.no_cache(HttpResponse("ok", content_type="text/plain"))
        if request.path == "/readyz/":
            return self.no_cache(self.readiness())
        return self.get_response(request)

    @staticmethod
    def readiness():
        try:
            connection.ensure_connection()
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception:  # any database failure means "not ready"
            connection.close()
            return HttpResponse("database unavailable", status=503, content_type="text/plain")
        return HttpResponse("ok", content_type="text/plain")

    @staticmethod
    def no_cache(response):
        response["Cache-Control"] = "no-store"
        return response


class RequestSizeLimitMiddleware:
    """Refuses bodies larger than MAX_REQUEST_BYTES from Content-Length, before reading them.

    A signed-in person gets the page they sent it from again, as a GET with the body unread,
    the limit stated above the form, and a 413; anyone else gets the 413 page. It sits after the
    authentication middleware and before any view (or the CSRF check) reads the body.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            return self.too_large(request)
        return self.get_response(request)

    def too_large(self, request):
        limit = filesizeformat(settings.IMAGE_MAX_BYTES)
        message = f"That file was too large, so nothing was saved: pictures can be up to {limit}."
        if wants_json(request):  # the editor's picture upload
            return JsonResponse({"error": message}, status=413)
        if request.method == "POST" and request.user.is_authenticated:
            request.method = request.META["REQUEST_METHOD"] = "GET"
            request.META["CONTENT_LENGTH"] = "0"
            messages.error(request, f"{message} Please choose a smaller one.")
            response = self.get_response(request)
            if response.status_code == 200:
                response.status_code = 413
                add_never_cache_headers(response)
                return response
        return HttpResponse(
            render_to_string("413.html", {"limit": limit}, request=request), status=413
        )


class SiteDomainMiddleware:
    """With SITE_DOMAIN set, a request's host becomes that domain once the sent one is validated.

    Every absolute URL (password-reset links, feeds, sitemap, robots.txt, og: tags) is built from
    the request's host, so they all name the public domain: never a Host header's port, nor the
    name a client or proxy happened to use.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SITE_DOMAIN:
            request.get_host()  # a Host outside ALLOWED_HOSTS is still a 400
            request.META["HTTP_HOST"] = settings.SITE_DOMAIN
        return self.get_response(request)


class CacheControlMiddleware:
    """Cache-Control by audience, and the anonymous page cache (cblog/page_cache.py).

    A page rendered for a signed-in user, or for any request carrying a session or messages
    cookie, is private to that browser, so that no shared cache (CloudFront, a corporate proxy)
    keeps it for somebody else. Every other page is the same for everyone: public for a short
    time with an ETag and, with a shared cache, kept whole until the next write.

    Placed before the session, CSRF and messages middleware: it sees their cookies on the way
    out, and a page cache hit skips them on the way in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not page_cache.is_anonymous(request):
            response = self.get_response(request)
            patch_cache_control(response, private=True)
            return response
        response = page_cache.serve(request, self.get_response)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:  # signed in by this very request
            patch_cache_control(response, private=True)
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with the site's one policy built once rather than per response.

    No view changes the policy or asks for a nonce; a response that does still gets django-csp's
    own handling, as does everything in DEBUG.
    """

    PER_RESPONSE = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")
    _built = (None, "")  # (the settings it was built from, the header)
    # What request.csp_nonce is once the header is written: it raises if read, so one does for all.
    NO_NONCE = CheckableLazyObject(CSPMiddleware._csp_nonce_post_response)

    def site_policy(self) -> str:
        config = settings.CONTENT_SECURITY_POLICY
        if self._built[0] is not config:  # built again when tests override the setting
            ContentSecurityPolicyMiddleware._built = (config, build_policy())
        return self._built[1]

    def process_response(self, request, response):
        if (
            settings.DEBUG
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in self.PER_RESPONSE)
        ):
            return super().process_response(request, response)
        if CSP_HEADER not in response:
            response[CSP_HEADER] = self.site_policy()
        request.csp_nonce = self.NO_NONCE
        return response
