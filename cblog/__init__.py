"""The cblog project. Django's MySQL backend imports MySQLdb: PyMySQL answers in its place.

PyMySQL is pure Python, so a release installs from binary wheels alone (deploy/release.py);
mysqlclient's Linux releases are source only and would need a compiler on every instance.
"""

import pymysql

pymysql.install_as_MySQLdb()

# The job queue's app loads with Django, so that tasks know their broker wherever they are sent.
from cblog.celery import app as celery_app  # noqa: E402

__all__ = ["celery_app"]
