"""MariaDB: a fresh database on the shared server, or a private server the fault tests may stop."""

import contextlib
import subprocess

import pymysql

from scripts.stack.processes import ROOT, wait_for


class MariaDB:
    def start_db(self):
        if not self.private_db:
            subprocess.run([ROOT / "scripts" / "start-mariadb"], check=True)  # noqa: S603
            return
        datadir = self.dir / "mariadb"
        if not datadir.exists():
            subprocess.run(  # noqa: S603 - fixed command, arguments built here
                ["/usr/bin/mariadb-install-db", "--no-defaults", f"--datadir={datadir}", "--user=root",
                 "--auth-root-authentication-method=normal", "--skip-test-db"],
                check=True, capture_output=True,
            )  # fmt: skip
        self.spawn(
            "mariadb",
            ["/usr/sbin/mariadbd", "--no-defaults", f"--datadir={datadir}", "--user=root",
             f"--socket={self.dir / 'mariadb.sock'}", f"--port={self.db_port}",
             "--bind-address=127.0.0.1", "--skip-log-bin", "--innodb-buffer-pool-size=64M"],
        )  # fmt: skip
        wait_for(
            lambda: self.sql("SELECT 1", database=""), "private MariaDB", errors=(pymysql.Error,)
        )

    def stop_db(self):
        """Stops the private server (fault tests); the shared one is never touched."""
        assert self.private_db, "only a private database may be stopped"
        self.terminate("mariadb")

    def sql(self, statement, params=(), *, database=None):
        """Runs one statement in the stack's database ("" for none); returns the rows."""
        database = self.db_name if database is None else database
        connection = pymysql.connect(
            host="127.0.0.1",
            port=self.db_port,
            user="root",
            **({"database": database} if database else {}),
            charset="utf8mb4",
            connect_timeout=2,
            autocommit=True,
        )
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement, params or None)
                return cursor.fetchall()
        finally:
            connection.close()

    def create_database(self):
        self.drop_database()
        self.sql(
            f"CREATE DATABASE `{self.db_name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
            database="",
        )

    def drop_database(self):
        with contextlib.suppress(pymysql.Error):  # the server is already gone
            self.sql(f"DROP DATABASE IF EXISTS `{self.db_name}`", database="")
