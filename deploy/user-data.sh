#!/bin/bash
# cloud-init user-data for cblog instances (Ubuntu 24.04): installs a release, then signals CloudFormation.
# The launch template embeds this file after lines that set the CBLOG_* variables checked below.
set -euo pipefail

: "${CBLOG_STACK:?}" "${CBLOG_RESOURCE:?}" "${CBLOG_REGION:?}" "${CBLOG_LOG_GROUP:?}"
: "${CBLOG_ARTIFACT_BUCKET:?}" "${CBLOG_RELEASE_KEY:?}"
: "${CBLOG_SSM_PATH:?}" "${CBLOG_DB_SECRET_ARN:?}" "${CBLOG_SECRET_KEY_ARN:?}"
: "${CBLOG_CLOUDWATCH_AGENT_VERSION:?}"

# The key that signs every CloudWatch agent package, as AWS documents its fingerprint.
CLOUDWATCH_AGENT_KEY=937616F3450B7D806CBD9725D58167303B789C72
CBLOG_HOME=${CBLOG_HOME:-/opt/cblog}
BOOT_LOG=${CBLOG_BOOT_LOG:-/var/log/cblog-boot.log}
export DEBIAN_FRONTEND=noninteractive
# unattended-upgrades may hold the dpkg lock at first boot: wait for it, and retry downloads.
APT_OPTIONS=(-o DPkg::Lock::Timeout=600 -o Acquire::Retries=5 -q)

# Everything the boot prints also lands in a file, which on_exit ships if the boot fails.
exec > >(tee -a "$BOOT_LOG") 2>&1

imds() {
  local token
  token=$(curl -fsS -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 300" \
    http://169.254.169.254/latest/api/token)
  curl -fsS -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"
}

# The AWS CLI, installed first, signals the group (what cfn-signal would do, without installing
# aws-cfn-bootstrap, which AWS publishes only as an unversioned tarball): SUCCESS or FAILURE.
signal() {
  aws cloudformation signal-resource --region "$CBLOG_REGION" --stack-name "$CBLOG_STACK" \
    --logical-resource-id "$CBLOG_RESOURCE" --unique-id "$(imds instance-id)" --status "$1"
}

# The CloudWatch agent may not run yet: the boot log goes to the stack's log group directly.
ship_boot_log() {
  local stream events=/tmp/cblog-boot-events.json
  stream="$(imds instance-id)/boot-failure"
  python3 -c 'import json, sys, time
text = open(sys.argv[1], errors="replace").read()[-200000:]
print(json.dumps([{"timestamp": int(time.time() * 1000), "message": text}]))' "$BOOT_LOG" >"$events"
  aws logs create-log-stream --region "$CBLOG_REGION" \
    --log-group-name "$CBLOG_LOG_GROUP" --log-stream-name "$stream" || true
  aws logs put-log-events --region "$CBLOG_REGION" --log-group-name "$CBLOG_LOG_GROUP" \
    --log-stream-name "$stream" --log-events "file://$events"
}

on_exit() {
  local status=$?
  [ "$status" -eq 0 ] && return 0
  echo "user-data failed with status $status" >&2
  if command -v aws >/dev/null; then
    signal FAILURE || true
    ship_boot_log || true
  fi
}
trap on_exit EXIT

install_packages() {
  apt-get "${APT_OPTIONS[@]}" update
  apt-get "${APT_OPTIONS[@]}" install -y --no-install-recommends \
    python3-venv curl
}

# Ubuntu 24.04 ships no awscli package; Canonical's snap is the maintained AWS CLI v2 (snapd
# checks the store's signature), on the v2 track. It needs no apt, so it comes first: every later
# failure can then be signalled and logged.
install_aws_cli() {
  command -v aws >/dev/null || snap install aws-cli --classic --channel=v2/stable
}

# Accepts the file only with a good signature whose primary key has this fingerprint, whatever
# else the key file holds (gpg's VALIDSIG status ends with the primary key's fingerprint).
verify_signature() {
  local file=$1 signature=$2 key=$3 fingerprint=$4 home status
  home=$(mktemp -d)
  gpg --batch --quiet --homedir "$home" --import "$key"
  status=$(gpg --batch --homedir "$home" --status-fd 1 --verify "$signature" "$file" 2>/dev/null) || true
  rm -rf "$home"
  grep -q "^\[GNUPG:\] VALIDSIG .* $fingerprint\$" <<<"$status" ||
    { echo "$file: no good signature by $fingerprint" >&2; return 1; }
}

# The version is pinned (CloudWatchAgentVersion) and the package verified by its signature.
install_cloudwatch_agent() {
  local arch base
  arch=$(dpkg --print-architecture)
  base="https://amazoncloudwatch-agent-$CBLOG_REGION.s3.$CBLOG_REGION.amazonaws.com"
  curl -fsSL --retry 5 -o /tmp/cwagent.deb \
    "$base/ubuntu/$arch/$CBLOG_CLOUDWATCH_AGENT_VERSION/amazon-cloudwatch-agent.deb"
  curl -fsSL --retry 5 -o /tmp/cwagent.deb.sig \
    "$base/ubuntu/$arch/$CBLOG_CLOUDWATCH_AGENT_VERSION/amazon-cloudwatch-agent.deb.sig"
  curl -fsSL --retry 5 -o /tmp/cwagent.gpg "$base/assets/amazon-cloudwatch-agent.gpg"
  verify_signature /tmp/cwagent.deb /tmp/cwagent.deb.sig /tmp/cwagent.gpg "$CLOUDWATCH_AGENT_KEY"
  # Through apt, which waits for the dpkg lock; the package depends on nothing.
  apt-get "${APT_OPTIONS[@]}" install -y /tmp/cwagent.deb
  cat >/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json <<EOF
{
  "logs": {
    "logs_collected": {
      "files": {
        "collect_list": [
          {"file_path": "/var/log/syslog", "log_group_name": "$CBLOG_LOG_GROUP", "log_stream_name": "{instance_id}/syslog"},
          {"file_path": "/var/log/cloud-init-output.log", "log_group_name": "$CBLOG_LOG_GROUP", "log_stream_name": "{instance_id}/cloud-init"}
        ]
      }
    }
  }
}
EOF
  /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s \
    -c file:/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json
}

fetch_release() {
  local name release_dir
  name=$(basename "$CBLOG_RELEASE_KEY" .tar.gz)
  release_dir="$CBLOG_HOME/releases/$name"
  aws s3 cp --only-show-errors --region "$CBLOG_REGION" \
    "s3://$CBLOG_ARTIFACT_BUCKET/$CBLOG_RELEASE_KEY" "/tmp/$name.tar.gz"
  mkdir -p "$release_dir"
  tar -xzf "/tmp/$name.tar.gz" -C "$release_dir" --strip-components=1
  ln -sfn "$release_dir" "$CBLOG_HOME/current"
}

run_bootstrap() {
  CBLOG_APP_DIR="$CBLOG_HOME/current" CBLOG_VENV="$CBLOG_HOME/venv" \
    CBLOG_REGION="$CBLOG_REGION" CBLOG_SSM_PATH="$CBLOG_SSM_PATH" \
    CBLOG_DB_SECRET_ARN="$CBLOG_DB_SECRET_ARN" CBLOG_SECRET_KEY_ARN="$CBLOG_SECRET_KEY_ARN" \
    CBLOG_REQUIRE_WHEELHOUSE=1 "$CBLOG_HOME/current/deploy/bootstrap.sh"
}

install_aws_cli
install_cloudwatch_agent
install_packages
fetch_release
run_bootstrap
signal SUCCESS
