"""Password reset: response time for a registered address against an unknown one.

Run from the repository root: `.venv/bin/python -m bench.password_reset [--rounds 40]`.
Requests go through Django's WSGI handler as a WSGI server calls it: the response is timed up to
the moment it is handed back, and close() (which sends the deferred mail) runs afterwards, as a
server runs it once the response has been sent. Mail goes over SMTP to a local sink that takes
--smtp-ms per message, about what a remote mail service takes. "Mail in the request" times
close() too, which is how the view behaved before the mail was deferred. Known and unknown
requests are interleaved, so the machine's load falls on both alike.
"""

import argparse
import asyncio
import secrets
import statistics
import tempfile
import time

from bench.project import setup
from scripts.ports import free_port

CSRF = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret and form token


class SlowSink:
    def __init__(self, delay):
        self.delay = delay
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        self.received += 1
        return "250 OK"


def reset_request(email):
    from django.test import RequestFactory

    request = RequestFactory().post(
        "/users/password-reset/",
        {"email": email, "csrfmiddlewaretoken": CSRF},
        HTTP_COOKIE=f"csrftoken={CSRF}",
        HTTP_USER_AGENT="bench",
    )
    return request.environ


def timed(handler, email, *, mail_in_request):
    start = time.perf_counter()
    response = handler(reset_request(email), lambda status, headers: None)
    if mail_in_request:
        response.close()
    elapsed = time.perf_counter() - start
    if not mail_in_request:
        response.close()
    assert response.status_code == 302, response.status_code
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--smtp-ms", type=float, default=50)
    args = parser.parse_args()

    from aiosmtpd.controller import Controller

    sink = SlowSink(args.smtp_ms / 1000)
    smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
    smtp.start()
    workdir = tempfile.mkdtemp(prefix="cblog-bench-reset-")
    setup(
        SQLITE_PATH=f"{workdir}/db.sqlite3",
        MEDIA_ROOT=f"{workdir}/media",
        DJANGO_ALLOWED_HOSTS="testserver",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp.port),
        EMAIL_USE_TLS="false",
        THROTTLES_ENABLED="false",
    )
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command

    from users.models import User

    call_command("migrate", verbosity=0)
    User.objects.create_user("alice", "alice@example.com", secrets.token_hex(8))
    handler = WSGIHandler()
    try:
        print(f"{args.rounds} interleaved rounds, SMTP sink taking {args.smtp_ms:.0f} ms a message")
        print(f"{'':22}{'known ms':>10}{'unknown ms':>12}{'ratio':>8}")
        for label, mail_in_request in [
            ("mail in the request", True),
            ("mail after response", False),
        ]:
            times = {"known": [], "unknown": []}
            for _ in range(args.rounds):
                for kind, email in [("known", "alice@example.com"), ("unknown", "x@example.com")]:
                    times[kind].append(timed(handler, email, mail_in_request=mail_in_request))
            known = statistics.median(times["known"]) * 1000
            unknown = statistics.median(times["unknown"]) * 1000
            print(f"{label:22}{known:10.2f}{unknown:12.2f}{known / unknown:8.2f}")
        print(f"mails received by the sink: {sink.received}")
    finally:
        smtp.stop()


if __name__ == "__main__":
    main()
