"""``resume-parse FILE...``: one JSON object per line, ``{"file": ..., "profile": {...}}``.

A file that cannot be read prints ``{"file": ..., "error": {"rule": ..., "message": ...}}``
and the command exits 1 after the others.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from recruiting.resumes import UnreadableDocument, parse_file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="resume-parse", description=__doc__)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--text", action="store_true", help="include the extracted text")
    args = parser.parse_args(argv)
    status = 0
    for path in args.files:
        record: dict[str, object] = {"file": str(path)}
        try:
            record["profile"] = parse_file(path).to_json(with_text=args.text)
        except UnreadableDocument as error:
            record["error"] = {"rule": error.rule, "message": error.message}
            status = 1
        except OSError as error:
            record["error"] = {"rule": "file_unreadable", "message": error.strerror or str(error)}
            status = 1
        print(json.dumps(record, ensure_ascii=False), flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
