"""The environment file: what it collects, and any printable value round-trips in systemd's EnvironmentFile syntax."""

import pytest

from deploy.cblog_env import collect, dumps, loads

pytestmark = pytest.mark.deploy


@pytest.mark.parametrize("value", ["plain", "", 'qu"ote', "back\\slash", "$HOME ${X} `id`", "a'b"])
def test_values_round_trip_without_expansion(value):
    assert loads(dumps({"KEY": value})) == {"KEY": value}


def test_values_are_double_quoted_with_backslash_escapes():
    assert dumps({"B": 'say "hi"', "A": "c:\\"}) == 'A="c:\\\\"\nB="say \\"hi\\""\n'


def test_multi_line_values_are_refused():
    with pytest.raises(ValueError, match="lines"):
        dumps({"KEY": "one\ntwo"})


def test_malformed_lines_are_refused():
    with pytest.raises(ValueError, match="line 2"):
        loads('A="1"\nB=unquoted\n')


def test_redis_url_is_built_from_the_host_and_the_secret_token(
    aws_client, monkeypatch, moto_server
):
    import boto3

    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    token = aws_client("secretsmanager").create_secret(
        Name="cblog-env-test/redis", SecretString="t0ken+with/odd"
    )["ARN"]
    ssm = aws_client("ssm")
    ssm.put_parameter(Name="/cblog-env-test/REDIS_HOST", Type="String", Value="redis.internal")
    ssm.put_parameter(Name="/cblog-env-test/REDIS_AUTH_SECRET_ARN", Type="String", Value=token)

    values = collect(
        session=boto3.session.Session(region_name="us-east-1"),
        ssm_path="/cblog-env-test/",
        db_secret_arn="",
        secret_key_arn="",
        private_ip="",
    )

    assert values == {"REDIS_URL": "rediss://:t0ken%2Bwith%2Fodd@redis.internal:6379/0"}


def test_without_a_redis_secret_there_is_no_redis_url(aws_client, monkeypatch, moto_server):
    import boto3

    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    aws_client("ssm").put_parameter(Name="/cblog-env-none/SITE_DOMAIN", Type="String", Value="x")

    values = collect(
        session=boto3.session.Session(region_name="us-east-1"),
        ssm_path="/cblog-env-none/",
        db_secret_arn="",
        secret_key_arn="",
        private_ip="",
    )

    assert values == {"SITE_DOMAIN": "x"}
