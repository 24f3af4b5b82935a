from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from cblog.management.commands.clearsessions_locked import lock_name
from cblog.tests.locks import lock_held_elsewhere


@pytest.fixture
def sessions(db):
    now = timezone.now()
    Session.objects.create(session_key="old", session_data="", expire_date=now - timedelta(1))
    Session.objects.create(session_key="live", session_data="", expire_date=now + timedelta(1))


def test_the_purge_deletes_expired_sessions_only(sessions, capsys):
    call_command("clearsessions_locked")
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
    assert "Expired sessions purged." in capsys.readouterr().out


@pytest.mark.skipif(connection.vendor != "mysql", reason="the fleet lock is MySQL's GET_LOCK")
def test_an_instance_that_finds_the_lock_taken_leaves_the_purge_to_its_holder(sessions, capsys):
    with lock_held_elsewhere(lock_name()):
        call_command("clearsessions_locked")
        assert Session.objects.filter(session_key="old").exists()
        assert "Another instance is purging" in capsys.readouterr().out
    call_command("clearsessions_locked")
    assert not Session.objects.filter(session_key="old").exists()
