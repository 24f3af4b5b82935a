"""cblog settings, read once from the environment (and a .env file when present).

Every variable is listed in .env.example; unset means the embedded default.
"""

import os
from datetime import timedelta
from pathlib import Path

import csp.constants
from django.core.exceptions import ImproperlyConfigured
from django.http.request import split_domain_port
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(BASE_DIR / ".env")


# Four small helpers rather than django-environ: unset and empty alike mean the default (SSM and
# systemd hand over empty variables), python-dotenv already reads .env, and no URL parsing is needed.
def env(name, default=""):
    """The variable's value; unset and empty both mean the default."""
    return (os.environ.get(name) or default).strip()


def env_bool(name, default=False):
    return env(name, str(default)).lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_int(name, default):
    return int(env(name, str(default)))


# Core
DEBUG = env_bool("DJANGO_DEBUG")
SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off.")
    SECRET_KEY = "django-insecure-dev-only-key-never-use-in-production"  # noqa: S105
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_NAME = env("SITE_NAME", "cblog")
# The public domain every absolute URL is built from (cblog.middleware.SiteDomainMiddleware);
# unset uses the validated request host.
SITE_DOMAIN = env("SITE_DOMAIN")
if SITE_DOMAIN:
    ALLOWED_HOSTS.append(split_domain_port(SITE_DOMAIN)[0])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.forms",
    "cblog",
    "cblog.images",
    "cblog.pages",
    "csp",
    "django_bootstrap5",
    "axes",
    "taggit",
    "blog",
    "blog.subscriptions",
    "blog.pictures",
    "blog.revisions",
    "users",
]

MIDDLEWARE = [
    # Health checks answer before the Host check and the HTTPS redirect: load balancers
    # probe instances by private IP over plain HTTP.
    "cblog.middleware.HealthCheckMiddleware",
    "cblog.middleware.SiteDomainMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "cblog.middleware.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session, CSRF and messages middleware: it sees their cookies on the way out.
    "cblog.middleware.CacheControlMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view or the CSRF check reads the body; after the user is known.
    "cblog.middleware.RequestSizeLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it can answer a locked-out sign-in with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cblog.urls"
WSGI_APPLICATION = "cblog.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cblog.context_processors.site",
            ],
        },
    },
]

# Form widgets render through TEMPLATES too (Django's own come from the django.forms app): one
# engine, whose templates a worker compiles as it loads (cblog/wsgi.py).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: SQLite unless DB_HOST is set, then MySQL through PyMySQL (cblog/__init__.py). With
# DB_SECRET_ARN (and no DB_PASSWORD) the credentials come from that secret at connect time
# (cblog/db_mysql).
if env("DB_HOST"):
    db_secret_arn = "" if env("DB_PASSWORD") else env("DB_SECRET_ARN")
    DATABASES = {
        "default": {
            "ENGINE": "cblog.db_mysql" if db_secret_arn else "django.db.backends.mysql",
            "SECRET_ARN": db_secret_arn,
            "HOST": env("DB_HOST"),
            "PORT": env("DB_PORT", "3306"),
            "NAME": env("DB_NAME", "cblog"),
            "USER": env("DB_USER", "cblog"),
            "PASSWORD": env("DB_PASSWORD"),
            "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                "charset": "utf8mb4",
                "connect_timeout": 5,
                "init_command": "SET sql_mode='STRICT_TRANS_TABLES'",
                # TLS that checks the server's certificate against this bundle and its name
                # against DB_HOST (verify-identity); RDS refuses connections without TLS. Without
                # a bundle, none: PyMySQL would try TLS that checks nothing, loading the system's
                # certificates for every connection (about 40 ms of CPU).
                **(
                    {"ssl": {"ca": env("DB_SSL_CA")}}
                    if env("DB_SSL_CA")
                    else {"ssl_disabled": True}
                ),
            },
            "TEST": {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"},
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Auth
AUTH_USER_MODEL = "users.User"
# AxesStandaloneBackend refuses sign-ins while the account or the address is locked out; the
# next is ModelBackend reading a signed-in request's user through the cache (users/backends.py).
# ModelBackend itself still answers the sessions signed in through it before, which name it, so
# that nobody is signed out by the upgrade (a failed sign-in is checked by both).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "users.backends.CachedModelBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "users:login"
LOGIN_REDIRECT_URL = "blog:post-list"
LOGOUT_REDIRECT_URL = "blog:post-list"

# Internationalization
TIME_ZONE = "UTC"

# Cache: Redis shared by every instance when REDIS_URL is set (an unreachable Redis is a miss,
# never an error), else local memory in each process, which is right for one machine only.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "cblog.redis_cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            # Sites that share one Redis database keep their keys apart by a prefix each.
            "KEY_PREFIX": env("CACHE_KEY_PREFIX"),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions stay in the database; with a shared cache they are also read through it and kept in
# each process until they change (users/sessions.py), so that a signed-in page asks neither.
# Local memory would keep a signed-out session alive in the other processes, so without Redis
# every read goes to the database.
SESSION_ENGINE = "users.sessions" if REDIS_URL else "django.contrib.sessions.backends.db"

# Pages: anonymous ones are public for PAGE_MAX_AGE seconds (CloudFront, browsers), then served
# stale for up to PAGE_STALE_SECONDS while one request refreshes them. They are also kept whole for
# PAGE_CACHE_SECONDS, or until the next write (cblog/page_cache.py): in Redis and each process,
# or without Redis in each process alone, checked against a version row in the database. With
# DEBUG, pages render every time, so that an edited template shows on the next request.
PAGE_MAX_AGE = env_int("PAGE_MAX_AGE", 30)
PAGE_STALE_SECONDS = env_int("PAGE_STALE_SECONDS", 30)
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 0 if DEBUG else 300)
# Fragments that every reader's page shares (the category menu, list counts) are kept the same way
# (cblog.page_cache.shared_until_changed), so that signed-in pages and page cache misses skip them.
FRAGMENT_CACHE_SECONDS = env_int("FRAGMENT_CACHE_SECONDS", 0 if DEBUG else 300)
# A counted view bumps no version: a kept list page shows view counts at most this old.
VIEW_COUNT_SECONDS = env_int("VIEW_COUNT_SECONDS", 60)
# Post cards are kept for what they show (blog/cards.py): a day, or less than the life of the
# signed picture URLs they hold (django-storages signs them for an hour).
# Tags (django-taggit) are typed as comma-separated names, in the admin as on the post form.
TAGGIT_TAGS_FROM_STRING = "blog.tags.tag_names"
TAGGIT_STRING_FROM_TAGS = "blog.tags.tags_string"
CARD_CACHE_SECONDS = env_int(
    "CARD_CACHE_SECONDS",
    1800 if env("AWS_STORAGE_BUCKET_NAME") and not env("AWS_S3_CUSTOM_DOMAIN") else 86400,
)

# Client address: how many proxies append to X-Forwarded-For (CloudFront and the ALB: 2).
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 0)

# Throttles (cblog/throttles.py): per scope, the keys a request is counted under and their
# django-ratelimit rates, counted in the cache above. An unreachable Redis lets requests through.
THROTTLES_ENABLED = env_bool("THROTTLES_ENABLED", True)
THROTTLE_RATES = {
    "register": {"ip": "10/h"},
    "password-reset": {"ip": "10/h", "email": "3/h"},
    "post": {"user": "30/h", "ip": "60/h"},
    "comment": {"user": "20/10m", "ip": "60/10m"},
    "like": {"user": "120/h", "ip": "300/h"},
    "subscribe": {"ip": "10/h", "email": "3/h"},
    "contact": {"ip": "5/h", "email": "3/h"},
    "upload": {"user": "20/h", "ip": "40/h"},
    # The editor asks for these while a person types; its script waits between requests.
    "preview": {"user": "60/m"},
    "autosave": {"user": "20/m"},
    "tags": {"user": "120/m"},
}
RATELIMIT_ENABLE = THROTTLES_ENABLED
RATELIMIT_FAIL_OPEN = True
# Sign-in lockout (django-axes, site and admin): 10 failures for one account, or from one address,
# lock it out for 15 minutes. Counted in Redis when there is one, so that every instance sees the
# same count; else in the database, which the processes of one machine share.
AXES_ENABLED = THROTTLES_ENABLED
AXES_HANDLER = (
    f"axes.handlers.{'cache.AxesCacheHandler' if REDIS_URL else 'database.AxesDatabaseHandler'}"
)
AXES_DISABLE_ACCESS_LOG = True  # no row for each successful sign-in
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_CLIENT_IP_CALLABLE = "cblog.client.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "429.html"

# Static files: whitenoise serves hashed names with far-future cache headers.
STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_MAX_AGE = 31536000

# Media: local files unless AWS_STORAGE_BUCKET_NAME is set, then S3 under media/.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "location": "media",
            "region_name": env("AWS_S3_REGION_NAME") or None,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN") or None,
            "signature_version": "s3v4",
            "addressing_style": "virtual" if not env("AWS_S3_ENDPOINT_URL") else "path",
            # Private bucket, Object Ownership enforced: ACLs are neither sent nor needed.
            "default_acl": None,
            # Keys sit in a fresh uuid folder, so no existence check is needed before upload.
            "file_overwrite": True,
            "querystring_auth": not env("AWS_S3_CUSTOM_DOMAIN"),
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
else:
    default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": default_storage,
    "staticfiles": {"BACKEND": "cblog.staticfiles.StaticFilesStorage"},
}

# Uploads: bodies beyond the limit are refused before they are read.
IMAGE_MAX_BYTES = env_int("IMAGE_MAX_BYTES", 10 * 1024 * 1024)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)
# Lower limits keep the CPU of any accepted image under a second (bench/image_cost.py).
IMAGE_MAX_PIXELS_FULL_DECODE = env_int("IMAGE_MAX_PIXELS_FULL_DECODE", 2_100_000)
IMAGE_MAX_SIDE = env_int("IMAGE_MAX_SIDE", 16_384)
IMAGE_MAX_JPEG_SCANS = env_int("IMAGE_MAX_JPEG_SCANS", 20)
MAX_REQUEST_BYTES = IMAGE_MAX_BYTES + 1024 * 1024
# Pictures in one post's text (blog.pictures).
POST_PICTURES_MAX = env_int("POST_PICTURES_MAX", 30)

# Background jobs (Celery, cblog/celery.py): through JOBS_BROKER_URL (redis://… or sqs://), else
# REDIS_URL; with neither, a job runs in the web process once its write has committed.
JOBS_BROKER_URL = env("JOBS_BROKER_URL", REDIS_URL)
CELERY_BROKER_URL = JOBS_BROKER_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not JOBS_BROKER_URL
CELERY_TASK_DEFAULT_QUEUE = env("JOBS_QUEUE", "cblog-jobs")
CELERY_TASK_IGNORE_RESULT = True
# A job is taken off the queue when it has finished: a worker lost mid-job leaves it to another.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that sends a job waits at most about a second for an unreachable queue.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
if JOBS_BROKER_URL.startswith("sqs://"):
    # The queue is named, never listed or created: the instance role may only use it.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "region": env("AWS_REGION", env("AWS_S3_REGION_NAME", "us-east-1")),
        "predefined_queues": {CELERY_TASK_DEFAULT_QUEUE: {"url": env("JOBS_QUEUE_URL")}},
        "visibility_timeout": 300,
        "wait_time_seconds": 20,
    }
    # SQS has no broadcast: remote control would need queues the role may not create.
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False

# Email: the console locally, SMTP when EMAIL_HOST is set, SES when EMAIL_SES_REGION is.
# Who reads contact messages (and Django's error reports); unset: the active superusers' addresses.
ADMINS = [(address, address) for address in env_list("DJANGO_ADMINS")]
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "cblog <noreply@localhost>")
if env("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("EMAIL_HOST")
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
elif env("EMAIL_SES_REGION"):
    # SES's API with the instance role's credentials (django-ses), in AWS.
    EMAIL_BACKEND = "django_ses.SESBackend"
    AWS_SES_REGION_NAME = env("EMAIL_SES_REGION")
    AWS_SES_REGION_ENDPOINT = f"email.{AWS_SES_REGION_NAME}.amazonaws.com"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Security: HTTPS behind CloudFront and the ALB, which set X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# HTTPS-only cookies in production; off only for a plain-HTTP local stack (make stack).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True


def media_origins():
    """Where pages load pictures from besides this site: the CloudFront domain, else S3."""
    if not AWS_STORAGE_BUCKET_NAME:
        return []
    if env("AWS_S3_CUSTOM_DOMAIN"):
        return [f"https://{env('AWS_S3_CUSTOM_DOMAIN')}"]
    if env("AWS_S3_ENDPOINT_URL"):
        return [env("AWS_S3_ENDPOINT_URL").rstrip("/")]
    regional = f"https://{AWS_STORAGE_BUCKET_NAME}.s3.{env('AWS_S3_REGION_NAME', 'us-east-1')}"
    return [f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com", f"{regional}.amazonaws.com"]


# Forms (django-bootstrap5): only fields with an error are marked.
BOOTSTRAP5 = {"field_renderers": {"default": "cblog.forms.ErrorsOnlyFieldRenderer"}}

# Content-Security-Policy (django-csp): scripts, styles and pictures from this site and its
# media only, never inline, so that markup slipping past the sanitizer cannot run or call home.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.constants.SELF],
        "script-src": [csp.constants.SELF],
        "style-src": [csp.constants.SELF],
        # data: for Bootstrap's inline SVG icons (form validation, close buttons).
        "img-src": [csp.constants.SELF, "data:", *media_origins()],
        "font-src": [csp.constants.SELF],
        "connect-src": [csp.constants.SELF],
        "object-src": [csp.constants.NONE],
        "base-uri": [csp.constants.NONE],
        "form-action": [csp.constants.SELF],
        "frame-ancestors": [csp.constants.NONE],
    }
}

# Permissions-Policy (django-permissions-policy): a blog needs no device or tracking API.
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
}

# Logging: one line per record to stderr, which systemd sends to the journal.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}
