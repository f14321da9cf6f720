"""Resumes and cover letters in the resume bucket.

Key layout (no personal data in keys or metadata):

- ``applications/<candidate>/<application>/<purpose>.<ext>``: files attached
  to an application; the resume parser is notified of these.
- ``uploads/<job>/<upload>/<purpose>``: presigned direct uploads, expired by
  lifecycle after a day; copied under ``applications/`` when used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, signature_version="s3v4")


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int


class ResumeStore:
    def __init__(self, bucket: str, client: Any | None = None) -> None:
        self.bucket = bucket
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = boto3.client("s3", config=_CONFIG)
        return self._client

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def read(self, key: str, max_bytes: int) -> bytes | None:
        """The object's bytes, or None when it is missing; reads at most max_bytes + 1."""
        try:
            response = self.client.get_object(
                Bucket=self.bucket, Key=key, Range=f"bytes=0-{max_bytes}"
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] in {"NoSuchKey", "404", "InvalidRange"}:
                return None
            raise
        data: bytes = response["Body"].read()
        return data

    def copy(self, source_key: str, key: str, content_type: str) -> None:
        self.client.copy_object(
            Bucket=self.bucket,
            Key=key,
            CopySource={"Bucket": self.bucket, "Key": source_key},
            ContentType=content_type,
            MetadataDirective="REPLACE",
        )

    def presigned_post(
        self, key: str, content_type: str, max_bytes: int, expires_in: int
    ) -> dict[str, Any]:
        """A POST policy that only accepts this key, this type and this size range."""
        post: dict[str, Any] = self.client.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[
                {"Content-Type": content_type},
                ["content-length-range", 1, max_bytes],
            ],
            ExpiresIn=expires_in,
        )
        return post

    def download_url(self, key: str, expires_in: int, filename: str | None = None) -> str:
        """A short-lived GET link; the file downloads under its original name."""
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if filename:
            # RFC 6266/5987: any name, in UTF-8, without breaking the header.
            params["ResponseContentDisposition"] = (
                f"attachment; filename*=UTF-8''{quote(filename, safe='')}"
            )
        url: str = self.client.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=expires_in
        )
        return url
