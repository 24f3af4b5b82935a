"""Named locks that the whole fleet sees: MySQL's GET_LOCK, held by one database connection."""

from contextlib import contextmanager

from django.db import connection as default_connection


def job_lock_name(job: str) -> str:
    # Lock names are server-wide: sites sharing a database server each run their own jobs.
    return f"cblog-{job}:{default_connection.settings_dict['NAME']}"


@contextmanager
def fleet_lock(connection, name: str, timeout: int):
    """Holds GET_LOCK(name) for the block, waiting up to `timeout` s; yields whether it was taken.

    The lock belongs to the connection's session, so the block must go on using that connection.
    Other databases (SQLite) serve one machine, with nothing to coordinate: the lock is yours.
    """
    if connection.vendor != "mysql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT GET_LOCK(%s, %s)", [name, timeout])
        (acquired,) = cursor.fetchone()
    if acquired != 1:
        yield False
        return
    try:
        yield True
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT RELEASE_LOCK(%s)", [name])
