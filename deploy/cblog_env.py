"""The instance's environment file: written from SSM Parameter Store and Secrets Manager, read back to run commands.

The file uses systemd's EnvironmentFile syntax (KEY="value", with backslash escapes inside the
double quotes). `run` reads it back the same way, without any shell or ${...} expansion, so
secrets may hold any printable character.

    cblog_env.py render --output /etc/cblog/cblog.env --region R --ssm-path /cblog/app/ \
        --db-secret-arn ARN --secret-key-arn ARN [--private-ip IP]
    cblog_env.py run --env-file /etc/cblog/cblog.env -- python manage.py migrate
"""

import argparse
import os
import re
import sys
from pathlib import Path
from urllib.parse import quote as url_quote

NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
LINE = re.compile(r'^([A-Z_][A-Z0-9_]*)="((?:[^"\\]|\\.)*)"$')


def quote(value):
    if "\n" in value or "\r" in value:
        raise ValueError("environment values cannot span lines")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def unquote(text):
    return re.sub(r"\\(.)", r"\1", text)


def dumps(values):
    return "".join(f"{key}={quote(value)}\n" for key, value in sorted(values.items()))


def loads(text):
    values = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = LINE.match(line)
        if not match:
            raise ValueError(f'line {number} is not KEY="value"')
        values[match[1]] = unquote(match[2])
    return values


def ssm_values(ssm, path):
    """Every parameter under the path, named by its last segment (/cblog/app/DB_HOST -> DB_HOST)."""
    values = {}
    pages = ssm.get_paginator("get_parameters_by_path").paginate(
        Path=path, Recursive=False, WithDecryption=True
    )
    for page in pages:
        for parameter in page["Parameters"]:
            name = parameter["Name"].rsplit("/", 1)[-1]
            if NAME.match(name):
                values[name] = parameter["Value"]
    return values


def collect(*, session, ssm_path, db_secret_arn, secret_key_arn, private_ip):
    values = ssm_values(session.client("ssm"), ssm_path)
    secrets = session.client("secretsmanager")
    if db_secret_arn:
        # Only the name: the app reads the password when it connects, so RDS may rotate it.
        values["DB_SECRET_ARN"] = db_secret_arn
    if secret_key_arn:
        values["DJANGO_SECRET_KEY"] = secrets.get_secret_value(SecretId=secret_key_arn)[
            "SecretString"
        ]
    if redis_secret_arn := values.pop("REDIS_AUTH_SECRET_ARN", ""):
        # ElastiCache with TLS and AUTH: the token lives only in this file, never in a parameter.
        token = secrets.get_secret_value(SecretId=redis_secret_arn)["SecretString"]
        host = values.pop("REDIS_HOST")
        values["REDIS_URL"] = f"rediss://:{url_quote(token, safe='')}@{host}:6379/0"
    if private_ip:
        # Lets an operator on the instance (Session Manager) curl the site by its own address.
        hosts = [host for host in values.get("DJANGO_ALLOWED_HOSTS", "").split(",") if host]
        values["DJANGO_ALLOWED_HOSTS"] = ",".join([*hosts, private_ip])
    return values


def render(args):
    import boto3  # the app's venv has it; `run` must work without it

    session = boto3.session.Session(region_name=args.region)
    values = collect(
        session=session,
        ssm_path=args.ssm_path,
        db_secret_arn=args.db_secret_arn,
        secret_key_arn=args.secret_key_arn,
        private_ip=args.private_ip,
    )
    output = Path(args.output)
    partial = output.with_name(output.name + ".new")
    # Created private, then renamed: the secrets are never readable by others, even briefly.
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
    with os.fdopen(fd, "w") as file:
        file.write(dumps(values))
    partial.replace(output)
    print(f"wrote {len(values)} variables to {output}")


def run(args):
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    env = {**os.environ, **loads(Path(args.env_file).read_text())}
    os.execvpe(command[0], command, env)  # noqa: S606 - the operator names the command


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="action", required=True)
    write = commands.add_parser("render", help="write the environment file")
    write.add_argument("--output", required=True)
    write.add_argument("--region", required=True)
    write.add_argument("--ssm-path", required=True)
    write.add_argument("--db-secret-arn", default="")
    write.add_argument("--secret-key-arn", default="")
    write.add_argument("--private-ip", default="")
    execute = commands.add_parser("run", help="run a command with the environment file")
    execute.add_argument("--env-file", required=True)
    execute.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    {"render": render, "run": run}[args.action](args)


if __name__ == "__main__":
    sys.exit(main())
