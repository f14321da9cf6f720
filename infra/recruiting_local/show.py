"""Show what `make run` stored about a candidate: profile, applications, stage
history and files. Usage: python -m recruiting_local.show <candidate_id>

Reads one partition with a Query (no scans), against the running moto server.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import boto3
from boto3.dynamodb.conditions import Key

from recruiting import wiring
from recruiting_local import state


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    candidate_id = argv[0]
    running = state.load()
    session: dict[str, Any] = {
        "endpoint_url": running["endpoint"],
        "region_name": "us-east-1",
        "aws_access_key_id": "local",
        "aws_secret_access_key": "local",
    }
    table = boto3.resource("dynamodb", **session).Table(running["env"][wiring.CANDIDATES.env])
    items = table.query(KeyConditionExpression=Key("pk").eq(f"CAND#{candidate_id}"))["Items"]
    if not items:
        print(f"no candidate {candidate_id}")
        return 1
    s3 = boto3.client("s3", **session)
    bucket = running["env"][wiring.RESUMES.env]
    files = s3.list_objects_v2(Bucket=bucket, Prefix=f"applications/{candidate_id}/").get(
        "Contents", []
    )
    report = {
        "items": items,
        "files": [{"key": f["Key"], "size": f["Size"]} for f in files],
    }
    print(json.dumps(report, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
