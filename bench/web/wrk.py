"""Runs wrk and reads its summary."""

import re
import subprocess
from dataclasses import asdict, dataclass

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int

    def as_dict(self):
        return asdict(self)


def milliseconds(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)([a-z]+)", text).groups()
    return float(value) * UNITS[unit]


def parse(output: str) -> Run:
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    bad_status = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = sum(map(int, socket_errors.groups())) if socket_errors else 0
    errors += int(bad_status.group(1)) if bad_status else 0
    requests = re.search(r"(\d+) requests in", output)
    return Run(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=milliseconds(percentiles["50"]) if "50" in percentiles else 0.0,
        p99_ms=milliseconds(percentiles["99"]) if "99" in percentiles else 0.0,
        requests=int(requests.group(1)) if requests else 0,
        errors=errors,
    )


def run(url: str, *, duration: int, connections: int, threads: int, headers=()) -> Run:
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s",
    ]  # fmt: skip
    for header in headers:
        command += ["-H", header]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=duration + 60
    ).stdout
    return parse(output)
