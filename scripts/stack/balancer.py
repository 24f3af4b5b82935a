"""HAProxy in front of the instances (health checks like the ALB's) and of moto's S3 endpoint."""

import csv
import socket

from scripts.stack.processes import wait_for

HAPROXY = "/usr/sbin/haproxy"

HAPROXY_CFG = """\
global
    stats socket {dir}/haproxy.sock mode 600 level admin
    log stdout format raw local0

defaults
    mode http
    log global
    option httplog
    option forwardfor
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    timeout http-request 10s
    # A slow answer on a loaded machine is not a failed check; a dead instance refuses the
    # connection at once, so it still leaves the balancer within a second.
    timeout check 10s
    # A connection refused by a dead instance is retried on the other one; the request never ran.
    retries 2
    option redispatch 1
    retry-on conn-failure empty-response

frontend web
    bind 127.0.0.1:{web_port}
    default_backend app

backend app
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz/
    http-check expect status 200
    default-server inter 500ms fall 2 rise 2
    # Only GET/HEAD are replayed after being sent: a replayed POST could create a post twice.
    http-request disable-l7-retry unless METH_GET || METH_HEAD
    http-response set-header X-Served-By %s
{servers}

# The apps reach S3 through here, so a test can take the endpoint down and bring it back.
frontend s3
    bind 127.0.0.1:{s3_port}
    default_backend moto

backend moto
    server moto 127.0.0.1:{moto_port}
"""


class Balancer:
    def haproxy_config(self):
        servers = "\n".join(
            f"    server {name} 127.0.0.1:{port} check" for name, port in self.app_ports.items()
        )
        return HAPROXY_CFG.format(
            dir=self.dir,
            web_port=self.web_port,
            s3_port=self.s3_port,
            moto_port=self.moto_port,
            servers=servers,
        )

    def start_haproxy(self):
        config = self.dir / "haproxy.cfg"
        config.write_text(self.haproxy_config())
        self.spawn("haproxy", [HAPROXY, "-db", "-f", config])
        wait_for(lambda: (self.dir / "haproxy.sock").exists(), "HAProxy")

    def haproxy(self, command):
        """One command on HAProxy's runtime API; returns its answer."""
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(self.dir / "haproxy.sock"))
            sock.sendall(command.encode() + b"\n")
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def server_states(self):
        """{'app1': 'UP', 'app2': 'DOWN', …} as the balancer's health checks see them."""
        rows = csv.DictReader(self.haproxy("show stat").lstrip("# ").splitlines())
        return {row["svname"]: row["status"] for row in rows if row["pxname"] == "app"}

    def wait_until_balanced(self, timeout=30):
        wait_for(
            lambda: all(state == "UP" for state in self.server_states().values()),
            "all instances UP in HAProxy",
            timeout,
        )

    def s3_down(self):
        # New connections are refused; requests on kept-alive ones get a 503 from the balancer.
        self.haproxy("disable frontend s3")
        self.haproxy("set server moto/moto state maint")

    def s3_up(self):
        self.haproxy("set server moto/moto state ready")
        self.haproxy("enable frontend s3")
