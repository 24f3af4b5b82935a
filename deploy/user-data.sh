#!/bin/bash
# cloud-init user-data for cblog instances (Ubuntu 24.04): installs a release, then signals CloudFormation.
# The launch template embeds this file after lines that set the CBLOG_* variables checked below.
set -euo pipefail

: "${CBLOG_STACK:?}" "${CBLOG_RESOURCE:?}" "${CBLOG_REGION:?}" "${CBLOG_LOG_GROUP:?}"
: "${CBLOG_ARTIFACT_BUCKET:?}" "${CBLOG_RELEASE_KEY:?}"
: "${CBLOG_SSM_PATH:?}" "${CBLOG_DB_SECRET_ARN:?}" "${CBLOG_SECRET_KEY_ARN:?}"

CFN_BOOTSTRAP=/opt/aws/cfn-bootstrap
CBLOG_HOME=/opt/cblog
export DEBIAN_FRONTEND=noninteractive

signal() {
  "$CFN_BOOTSTRAP/bin/cfn-signal" --exit-code "$1" \
    --stack "$CBLOG_STACK" --resource "$CBLOG_RESOURCE" --region "$CBLOG_REGION"
}

on_exit() {
  local status=$?
  if [ "$status" -ne 0 ] && [ -x "$CFN_BOOTSTRAP/bin/cfn-signal" ]; then
    echo "user-data failed with status $status" >&2
    signal 1 || true
  fi
}
trap on_exit EXIT

install_packages() {
  apt-get update -q
  apt-get install -y -q --no-install-recommends \
    python3-venv pkg-config default-libmysqlclient-dev build-essential curl
}

# cfn-signal first, so that every later failure reaches CloudFormation at once.
install_cfn_bootstrap() {
  python3 -m venv "$CFN_BOOTSTRAP"
  "$CFN_BOOTSTRAP/bin/pip" install --quiet \
    https://s3.amazonaws.com/cloudformation-examples/aws-cfn-bootstrap-py3-latest.tar.gz
}

# Ubuntu 24.04 ships no awscli package; Canonical's snap is the maintained AWS CLI v2.
install_aws_cli() {
  snap install aws-cli --classic
}

install_cloudwatch_agent() {
  local deb=/tmp/amazon-cloudwatch-agent.deb
  curl -fsSL -o "$deb" \
    "https://amazoncloudwatch-agent-$CBLOG_REGION.s3.$CBLOG_REGION.amazonaws.com/ubuntu/amd64/latest/amazon-cloudwatch-agent.deb"
  dpkg -i "$deb"
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
    "$CBLOG_HOME/current/deploy/bootstrap.sh"
}

install_packages
install_cfn_bootstrap
install_aws_cli
install_cloudwatch_agent
fetch_release
run_bootstrap
signal 0
