"""The ceiling: a bare Django view (5-byte body, Security and Common middleware) served by the
same gunicorn settings as the app: `gunicorn -c deploy/gunicorn.conf.py bench.web.bare`."""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-bare-view",  # noqa: S106
    ALLOWED_HOSTS=["*"],
    # The access logger of deploy/gunicorn.conf.py reads it, for the bare view as for the app.
    TRUSTED_PROXY_HOPS=0,
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.common.CommonMiddleware",
    ],
)


def hello(request):
    return HttpResponse("hello")


urlpatterns = [path("", hello)]
application = get_wsgi_application()
