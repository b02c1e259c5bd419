"""Container HEALTHCHECK: exit 0 when the service named by $SERVICE answers GET /healthz on its port.

Standard library only, so the check costs no imports of the application and works in the slim image.
"""
from __future__ import annotations

import os
import sys
import urllib.request

# Mirrors each service's default port in its settings; tests/deploy/test_dockerfile.py checks that they agree.
PORTS = {"identity": 8004, "registration": 8001, "training": 8002, "reporting": 8003}


def main() -> int:
    service = os.environ.get("SERVICE", "")
    if service not in PORTS:
        print(f"SERVICE must be one of {sorted(PORTS)}, got {service!r}", file=sys.stderr)
        return 1
    port = int(os.environ.get(f"{service.upper()}_PORT", PORTS[service]))
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=3) as response:
            return 0 if response.status == 200 else 1
    except Exception as exc:  # refused, timed out, 5xx: all mean "not healthy"
        print(f"{service} :{port}/healthz: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
