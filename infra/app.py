"""The CDK app: ``python infra/app.py [-c key=value ...]`` writes ``cdk.out``.

Context (``-c``) keys are listed in ``recruiting_infra.settings``. Synthesis
fails if cdk-nag reports an unacknowledged error. Build the dependency layers
first (``make layers``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from recruiting_infra.application import create_app


def _context(pairs: Sequence[str]) -> dict[str, str]:
    context: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise SystemExit(f"context must be key=value, got {pair!r}")
        context[key] = value
    return context


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-c", "--context", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)
    app, _ = create_app(context=_context(args.context))
    app.synth()
    return 0


if __name__ == "__main__":
    sys.exit(main())
