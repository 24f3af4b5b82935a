"""The cblog project. Django's MySQL backend imports MySQLdb: PyMySQL answers in its place.

PyMySQL is pure Python, so a release installs from binary wheels alone (deploy/release.py);
mysqlclient's Linux releases are source only and would need a compiler on every instance.
"""

import pymysql

pymysql.install_as_MySQLdb()
