"""``make run``: the whole system on this machine, no AWS account needed.

Starts an embedded moto server, creates what the stack declares, seeds the
demo organisation (unless SEED=0), prints how to use it, serves the API on
http://127.0.0.1:$PORT (default 3000) and pumps queues and schedules.
Ctrl-C stops it cleanly.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import sys
import threading
import warnings
from pathlib import Path
from types import FrameType


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _local_origins(host: str, port: int) -> list[str]:
    own = [f"http://{host}:{port}"]
    if host in ("127.0.0.1", "localhost"):
        own = [f"http://127.0.0.1:{port}", f"http://localhost:{port}"]
    configured = os.environ.get("CAREERS_SITE_ORIGINS", "").split(",")
    extra = [o.strip() for o in configured if o.strip()]
    return list(dict.fromkeys(own + extra))


OUTBOX = Path(".local-state") / "outbox"
INBOX = Path(".local-state") / "inbox"


def main() -> int:
    port = int(os.environ.get("PORT", "3000"))
    host = os.environ.get("HOST", "127.0.0.1")
    seed_demo = os.environ.get("SEED", "1") not in ("0", "false", "no")

    # moto's web server logs every request; the runner prints what matters.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    from moto.server import ThreadedMotoServer

    moto_port = int(os.environ.get("MOTO_PORT", "0")) or _free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=moto_port, verbose=False)
    moto.start()
    endpoint = f"http://127.0.0.1:{moto_port}"
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_REGION": "us-east-1",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_NAMESPACE": "Recruiting",
            "POWERTOOLS_METRICS_DISABLED": "true",
            "POWERTOOLS_LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
            "CAREERS_BASE_URL": f"http://{host}:{port}",
            # Job feeds and JSON-LD link to the careers page this runner serves.
            "CAREERS_PAGE_URL": os.environ.get(
                "CAREERS_PAGE_URL", f"http://{host}:{port}/careers/"
            ),
            "ORGANISATION_NAME": os.environ.get("ORGANISATION_NAME", "Demo Robotics"),
            "ORGANISATION_URL": os.environ.get(
                "ORGANISATION_URL", f"http://{host}:{port}/careers/"
            ),
            # Webhooks may go to a receiver on this machine (the stack allows HTTPS
            # to public addresses only).
            "WEBHOOKS_ALLOW_PRIVATE_HTTP": "true",
            # CORS as the stack does it: only the careers-site origins, never "*";
            # the page this runner serves, plus any set in CAREERS_SITE_ORIGINS.
            "CAREERS_SITE_ORIGINS": ",".join(_local_origins(host, port)),
            # Outreach: links in e-mails point here, and e-mails land in an outbox
            # of .eml files instead of SES (see the README).
            "PUBLIC_API_URL": f"http://{host}:{port}",
            "OUTREACH_OUTBOX_DIR": os.environ.get("OUTREACH_OUTBOX_DIR", str(OUTBOX)),
            "LINK_SIGNING_KEY": os.environ.get("LINK_SIGNING_KEY", secrets.token_hex(32)),
            # Replies: outreach says Reply-To reply+<token>@REPLY_DOMAIN; a reply saved
            # as an .eml file in the inbox reaches the outreach queue as SES's would.
            "REPLY_DOMAIN": os.environ.get("REPLY_DOMAIN", "replies.localhost"),
            "OUTREACH_INBOX_DIR": os.environ.get("OUTREACH_INBOX_DIR", str(INBOX)),
        }
    )
    os.environ.pop("AWS_PROFILE", None)

    from recruiting import wiring
    from recruiting.clock import now
    from recruiting.config import Settings
    from recruiting.demo import seed
    from recruiting.storage.items import bind_tables
    from recruiting.storage.jobs import JobRepository
    from recruiting_local import state
    from recruiting_local.pump import Pump
    from recruiting_local.resources import provision
    from recruiting_local.server import Functions, make_server
    from recruiting_local.tokens import ROLES, LocalIssuer

    env = provision(prefix="local")
    os.environ.update(env)
    state.save({"endpoint": endpoint, "env": env})
    lines = [f"moto (embedded AWS) at {endpoint}"]
    if seed_demo:
        bind_tables(Settings.from_env(env).table_names, region="us-east-1")
        api_key = os.environ.get("BOARD_API_KEY") or secrets.token_hex(16)
        org = seed(JobRepository(), now(), api_key=api_key)
        lines += [
            f"demo boards: {', '.join(org.board_tokens)}; open jobs {list(org.open_job_ids)},"
            f" closed job {org.closed_job_id}",
            f"Greenhouse board API key (HTTP Basic user name): {api_key}",
        ]
    issuer = LocalIssuer(os.environ.get("LOCAL_JWT_SECRET"))
    lines += [f"{role} token: {issuer.token(role)}" for role in ROLES]
    lines.append(f"outreach e-mails: {os.environ['OUTREACH_OUTBOX_DIR']}/*.eml")
    lines.append(f"replies to outreach: save them as {os.environ['OUTREACH_INBOX_DIR']}/*.eml")

    functions = Functions()
    # Load every handler before anything can call one: the pump's threads and the
    # HTTP server would otherwise import the shared package concurrently, and a
    # thread can then meet a module another is still initialising.
    for function in wiring.FUNCTIONS:
        functions.handler(function)
    pump = Pump(env, functions.invoke, tick_seconds=float(os.environ.get("TICK_SECONDS", "60")))
    pump.start()
    server = make_server(host, port, functions, issuer)
    lines.append(f"careers page: http://{host}:{server.server_address[1]}/careers/")
    lines.append(
        f"serving the API at http://{host}:{server.server_address[1]}"
        f" (OpenAPI: /openapi.json); Ctrl-C stops"
    )

    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        if not stopping.is_set():
            stopping.set()
            threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    print("\n".join(lines), flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        pump.stop()
        server.server_close()
        moto.stop()
        print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
