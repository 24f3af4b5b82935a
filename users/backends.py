"""Who a signed-in request is, without a query while the user's row is unchanged."""

import hashlib

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import DEFAULT_DB_ALIAS

from cblog.page_cache import keep_current, read_current
from users.models import User

# A sign-in sets last_login without a version bump: a kept user leaves it out, so that it is read
# afresh when asked for and never saved back old (a save writes only the fields loaded).
KEPT_FIELDS = [field.attname for field in User._meta.concrete_fields if field.name != "last_login"]
# Named by their fields too: a release with another column never reads another's rows.
KEY_PREFIX = f"user:{hashlib.blake2b(repr(KEPT_FIELDS).encode(), digest_size=8).hexdigest()}"


class CachedModelBackend(ModelBackend):
    """ModelBackend whose request users come from the cache, as the page cache's fragments do.

    A user's row is kept under the content version (cblog/page_cache.py), in Redis and in each
    process; every save or deletion of a user bumps it after the commit, so the next request
    through any instance reads the row afresh: a password change still signs out the other
    sessions, a deactivated user is signed out, a new name shows at once. Permissions are not
    kept: they are read as ModelBackend reads them, when asked. Without Redis the version is
    the database's row, so a kept user costs that row's query instead of the user's; with
    FRAGMENT_CACHE_SECONDS at 0 every request reads the user's row.
    """

    def get_user(self, user_id):
        if not settings.FRAGMENT_CACHE_SECONDS:
            return super().get_user(user_id)
        key = f"{KEY_PREFIX}:{user_id}"
        version, found = read_current([key])
        if key in found:
            row = found[key]
        else:
            row = User._default_manager.filter(pk=user_id).values_list(*KEPT_FIELDS).first()
            keep_current(key, version, row, settings.FRAGMENT_CACHE_SECONDS)
        if row is None:
            return None
        # A new instance each request: nothing one request caches on it reaches another.
        user = User.from_db(DEFAULT_DB_ALIAS, KEPT_FIELDS, row)
        return user if self.user_can_authenticate(user) else None
