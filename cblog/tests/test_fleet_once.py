from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from cblog.locks import job_lock_name
from cblog.management.commands.clearsessions_locked import lock_name
from cblog.tests.locks import lock_held_elsewhere


@pytest.fixture
def expired_session(db):
    expired = timezone.now() - timedelta(1)
    return Session.objects.create(session_key="old", session_data="", expire_date=expired)


def test_it_runs_the_command_with_the_arguments_that_follow_it(db, settings, tmp_path, capsys):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "stray.jpg").write_bytes(b"left behind")

    call_command("fleet_once", "media_orphans", "--delete", "--min-age", "0")

    assert "1 orphan objects" in capsys.readouterr().out
    assert not (tmp_path / "stray.jpg").exists()


def test_a_job_shares_its_lock_with_the_command_that_ran_it_alone():
    assert job_lock_name("clearsessions") == lock_name()


@pytest.mark.skipif(connection.vendor != "mysql", reason="the fleet lock is MySQL's GET_LOCK")
def test_an_instance_that_finds_the_lock_taken_leaves_the_run_to_its_holder(
    expired_session, capsys
):
    with lock_held_elsewhere(job_lock_name("clearsessions")):
        call_command("fleet_once", "clearsessions")
        assert Session.objects.filter(pk="old").exists()
        assert "Another instance is running clearsessions." in capsys.readouterr().out
    call_command("fleet_once", "clearsessions")
    assert not Session.objects.filter(pk="old").exists()
