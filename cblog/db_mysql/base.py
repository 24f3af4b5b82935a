"""Django's MySQL backend with the credentials read from a Secrets Manager secret.

RDS rotates the master password it keeps in Secrets Manager (every 7 days by default), so a
password read once at boot stops working. Each new connection takes the secret's `username` and
`password`, cached for five minutes; when MySQL refuses them (error 1045) the secret is fetched
again at once and the connection retried, so a rotation costs one extra Secrets Manager call.
"""

import json
import threading
import time

import boto3
from django.core.exceptions import ImproperlyConfigured
from django.db.backends.mysql import base as mysql
from pymysql import OperationalError

ACCESS_DENIED = 1045
CACHE_SECONDS = 300

_client = None
_cache = {}  # secret ARN -> (monotonic time fetched, connect() credentials)
_lock = threading.Lock()


def credentials(secret_arn, *, refresh=False):
    global _client
    with _lock:
        fetched, value = _cache.get(secret_arn, (None, None))
        if refresh or fetched is None or time.monotonic() - fetched > CACHE_SECONDS:
            if _client is None:
                # The secret's own region: the instance's environment names none for boto3.
                region = secret_arn.split(":")[3] if secret_arn.startswith("arn:") else None
                _client = boto3.client("secretsmanager", region_name=region)
            text = _client.get_secret_value(SecretId=secret_arn)["SecretString"]
            try:
                secret = json.loads(text)
                value = {"user": secret["username"], "password": secret["password"]}
            except (ValueError, TypeError, KeyError) as error:
                raise ImproperlyConfigured(
                    f"Secret {secret_arn} must be JSON with username and password."
                ) from error
            _cache[secret_arn] = (time.monotonic(), value)
        return value


class DatabaseWrapper(mysql.DatabaseWrapper):
    def get_connection_params(self):
        return {**super().get_connection_params(), **credentials(self.settings_dict["SECRET_ARN"])}

    def get_new_connection(self, conn_params):
        try:
            return super().get_new_connection(conn_params)
        except OperationalError as error:
            if error.args[0] != ACCESS_DENIED:
                raise
        secret_arn = self.settings_dict["SECRET_ARN"]
        try:
            return super().get_new_connection(
                {**conn_params, **credentials(secret_arn, refresh=True)}
            )
        except OperationalError as error:
            if error.args[0] == ACCESS_DENIED:
                raise OperationalError(
                    ACCESS_DENIED, f"{error.args[1]} (credentials from secret {secret_arn})"
                ) from error
            raise
