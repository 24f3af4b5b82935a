"""`manage.py check --database default`: accounts stored before normalisation that now clash."""

from django.core import checks
from django.db import connection
from django.db.models import Count

from users.identity import DEFAULT_IGNORABLE, canonical_email, username_skeleton


@checks.register(checks.Tags.database)
def accounts_are_distinct(app_configs=None, databases=None, **kwargs):
    from users.models import User

    # `migrate` runs database checks first: on a new database there is nothing to check yet.
    if not databases or User._meta.db_table not in connection.introspection.table_names():
        return []

    warnings = []
    addresses = {}
    for username, email in User.objects.values_list("username", "email"):
        if DEFAULT_IGNORABLE.search(email) or email != canonical_email(email):
            warnings.append(
                checks.Warning(
                    f"User {username!r} has an email address that is not normalised: {email!r}.",
                    hint="Correct it in the admin; invisible characters are refused now.",
                    id="users.W001",
                )
            )
        addresses.setdefault(DEFAULT_IGNORABLE.sub("", canonical_email(email)), []).append(username)
    warnings += [
        checks.Warning(
            f"Users {', '.join(sorted(names))} share the email address {address!r}.",
            hint="Give all but one of them another address.",
            id="users.W002",
        )
        for address, names in addresses.items()
        if len(names) > 1
    ]
    stale = [
        username
        for username, skeleton in User.objects.values_list("username", "username_skeleton")
        if skeleton != username_skeleton(username)
    ]
    if stale:
        warnings.append(
            checks.Warning(
                f"Users {', '.join(sorted(stale))} have no up-to-date username skeleton.",
                hint="Save them again (the skeleton is computed on save).",
                id="users.W003",
            )
        )
    clashes = (
        User.objects.values("username_skeleton")
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
        .values_list("username_skeleton", flat=True)
    )
    for skeleton in clashes:
        names = User.objects.filter(username_skeleton=skeleton).values_list("username", flat=True)
        warnings.append(
            checks.Warning(
                f"Usernames {', '.join(sorted(names))} look alike.",
                hint="Rename all but one of them if they are not the same person.",
                id="users.W004",
            )
        )
    return warnings
