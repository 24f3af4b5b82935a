#!/usr/bin/env bash
# Installs a cblog release on this machine: venv, environment file, migrations, static files, systemd unit.
# user-data runs it on EC2; tests run it locally. Inputs are environment variables (defaults below);
# arguments name the steps to run, all of them when there are none: bootstrap.sh migrate collect_static
set -euo pipefail

APP_DIR=${CBLOG_APP_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
VENV=${CBLOG_VENV:-/opt/cblog/venv}
ENV_FILE=${CBLOG_ENV_FILE:-/etc/cblog/cblog.env}
UNIT_DIR=${CBLOG_UNIT_DIR:-/etc/systemd/system}
SERVICE_USER=${CBLOG_USER:-cblog}
PYTHON=${CBLOG_PYTHON:-python3}
MIGRATE_TIMEOUT=${CBLOG_MIGRATE_TIMEOUT:-600}
APP_PORT=${CBLOG_APP_PORT:-8000}
# 0 leaves users, ownership and systemctl alone (a machine without systemd, or a test).
MANAGE_SYSTEM=${CBLOG_MANAGE_SYSTEM:-1}
SSM_PATH=${CBLOG_SSM_PATH:?CBLOG_SSM_PATH names the Parameter Store path, e.g. /cblog/app/}
DB_SECRET_ARN=${CBLOG_DB_SECRET_ARN:-}
SECRET_KEY_ARN=${CBLOG_SECRET_KEY_ARN:-}
REGION=${CBLOG_REGION:-}
PRIVATE_IP=${CBLOG_PRIVATE_IP:-}

ALL_STEPS=(read_instance_identity create_user create_venv install_requirements write_env_file
  migrate collect_static install_unit wait_until_healthy)

log() { echo "bootstrap: $*" >&2; }

imds() {
  local token
  token=$(curl -fsS -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 300" \
    http://169.254.169.254/latest/api/token)
  curl -fsS -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"
}

read_instance_identity() {
  [ -n "$REGION" ] || REGION=$(imds placement/region)
  [ -n "$PRIVATE_IP" ] || PRIVATE_IP=$(imds local-ipv4)
  log "region $REGION, private address $PRIVATE_IP"
}

create_user() {
  [ "$MANAGE_SYSTEM" = 1 ] || return 0
  id -u "$SERVICE_USER" >/dev/null 2>&1 ||
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$SERVICE_USER"
}

create_venv() {
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
}

# A release (deploy/release.py) installs from its own wheelhouse alone: binary wheels, each
# checked against the lock's hash, no index and no compiler. A checkout without one (a developer's
# machine) installs requirements.txt from the index instead.
install_requirements() {
  local wheelhouse="$APP_DIR/wheelhouse"
  if [ -f "$wheelhouse/requirements.lock" ]; then
    "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-index \
      --find-links "$wheelhouse" --only-binary=:all: --require-hashes -r "$wheelhouse/requirements.lock"
  elif [ "${CBLOG_REQUIRE_WHEELHOUSE:-0}" = 1 ]; then
    log "$APP_DIR has no wheelhouse: build the release with deploy/release.py"
    return 1
  else
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$APP_DIR/requirements.txt"
  fi
}

write_env_file() {
  install -d -m 0750 "$(dirname "$ENV_FILE")"
  "$VENV/bin/python" "$APP_DIR/deploy/cblog_env.py" render --output "$ENV_FILE" \
    --region "$REGION" --ssm-path "$SSM_PATH" --private-ip "$PRIVATE_IP" \
    --db-secret-arn "$DB_SECRET_ARN" --secret-key-arn "$SECRET_KEY_ARN"
  if [ "$MANAGE_SYSTEM" = 1 ]; then
    chown root:"$SERVICE_USER" "$(dirname "$ENV_FILE")" "$ENV_FILE"
  fi
}

manage() {
  (cd "$APP_DIR" && "$VENV/bin/python" deploy/cblog_env.py run --env-file "$ENV_FILE" -- \
    "$VENV/bin/python" manage.py "$@")
}

# Several instances boot at once; migrate_locked lets exactly one of them migrate.
migrate() {
  manage migrate_locked --timeout "$MIGRATE_TIMEOUT" --noinput
}

collect_static() {
  manage collectstatic --noinput --verbosity 0
}

install_unit() {
  local unit
  install -d "$UNIT_DIR"
  for unit in cblog.service cblog-worker.service cblog-clearsessions.service \
    cblog-clearsessions.timer cblog-announce.service cblog-announce.timer \
    cblog-media-orphans.service cblog-media-orphans.timer; do
    sed -e "s|/opt/cblog/current|$APP_DIR|g" -e "s|/opt/cblog/venv|$VENV|g" \
      -e "s|/etc/cblog/cblog.env|$ENV_FILE|g" -e "s|^User=cblog$|User=$SERVICE_USER|" \
      -e "s|^Group=cblog$|Group=$SERVICE_USER|" \
      "$APP_DIR/deploy/systemd/$unit" >"$UNIT_DIR/$unit"
  done
  [ "$MANAGE_SYSTEM" = 1 ] || return 0
  systemctl daemon-reload
  systemctl enable cblog.service cblog-worker.service cblog-clearsessions.timer \
    cblog-announce.timer cblog-media-orphans.timer
  systemctl start cblog-clearsessions.timer cblog-announce.timer cblog-media-orphans.timer
  systemctl restart cblog.service cblog-worker.service
}

wait_until_healthy() {
  [ "$MANAGE_SYSTEM" = 1 ] || return 0
  for _ in $(seq 60); do
    curl -fsS -o /dev/null "http://127.0.0.1:$APP_PORT/healthz/" && return 0
    sleep 2
  done
  log "gunicorn did not answer /healthz/ on port $APP_PORT"
  return 1
}

main() {
  local steps=("$@") step
  [ ${#steps[@]} -gt 0 ] || steps=("${ALL_STEPS[@]}")
  for step in "${steps[@]}"; do
    if [[ " ${ALL_STEPS[*]} " != *" $step "* ]]; then
      log "unknown step '$step'; steps: ${ALL_STEPS[*]}"
      return 2
    fi
  done
  for step in "${steps[@]}"; do
    log "$step"
    "$step"
  done
}

main "$@"
