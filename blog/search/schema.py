"""The full-text indexes search reads: created by migration blog 0010 and checked after every
migrate, for the database's vendor (other vendors have none, and search refuses them)."""

SQLITE_TABLE = "blog_post_fts"
MYSQL_INDEXES = {"post_title_fulltext": "title", "post_text_fulltext": "title, content"}

# An FTS5 table over blog_post's own rows (external content), kept by triggers on every write.
SQLITE_CREATE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {SQLITE_TABLE} USING fts5(title, content,"
    " content='blog_post', content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
)
_ADD = f"INSERT INTO {SQLITE_TABLE}(rowid, title, content) VALUES (new.id, new.title, new.content);"
_REMOVE = (
    f"INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}, rowid, title, content)"
    " VALUES ('delete', old.id, old.title, old.content);"
)
SQLITE_TRIGGERS = {
    f"{SQLITE_TABLE}_insert": f"AFTER INSERT ON blog_post BEGIN {_ADD} END",
    f"{SQLITE_TABLE}_delete": f"AFTER DELETE ON blog_post BEGIN {_REMOVE} END",
    f"{SQLITE_TABLE}_update": f"AFTER UPDATE OF title, content ON blog_post BEGIN {_REMOVE} {_ADD} END",
}


def create(schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "mysql":
        # InnoDB builds one FULLTEXT index per statement.
        for name, columns in MYSQL_INDEXES.items():
            schema_editor.execute(f"ALTER TABLE blog_post ADD FULLTEXT INDEX {name} ({columns})")
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE_TABLE)
        sqlite_triggers_create(schema_editor.connection)


def drop(schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "mysql":
        for name in MYSQL_INDEXES:
            schema_editor.execute(f"ALTER TABLE blog_post DROP INDEX {name}")
    elif vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {SQLITE_TABLE}")


def sqlite_triggers_create(connection):
    """Creates the sync triggers and rebuilds the index from blog_post's rows."""
    with connection.cursor() as cursor:
        for name, body in SQLITE_TRIGGERS.items():
            cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
        cursor.execute(f"INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}) VALUES ('rebuild')")


def sqlite_index_repair(connection):
    """Puts the triggers back when a migration rebuilt blog_post (SQLite alters a table by copying
    it, and dropping the old copy drops its triggers), then re-indexes every post."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE name = %s OR (type = 'trigger' AND tbl_name = 'blog_post')",
            [SQLITE_TABLE],
        )
        present = {name for (name,) in cursor.fetchall()}
    if SQLITE_TABLE in present and not set(SQLITE_TRIGGERS) <= present:
        sqlite_triggers_create(connection)
