from contextlib import contextmanager

import pymysql
from django.db import connection


@contextmanager
def lock_held_elsewhere(name: str):
    """Holds GET_LOCK(name) on a connection of its own, as another instance would."""
    config = connection.settings_dict
    holder = pymysql.connect(
        host=config["HOST"],
        port=int(config["PORT"]),
        user=config["USER"],
        password=config["PASSWORD"],
    )
    try:
        holder.cursor().execute("SELECT GET_LOCK(%s, 0)", [name])
        yield
        # Released before the block's next run: the server frees a closed connection's locks
        # some time after the close returns.
        holder.cursor().execute("SELECT RELEASE_LOCK(%s)", [name])
    finally:
        holder.close()
