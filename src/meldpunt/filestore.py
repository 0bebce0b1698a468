"""Where files live (attachments): Django's ``STORAGES["default"]``, built from the
environment by the settings. Plain Python apart from the optional S3 part.

- Unset ``MELDPUNT_S3_BUCKET``: the local disk, ``$MELDPUNT_FILES_ROOT`` (default
  ``$MELDPUNT_DATA/files``). Right for one host, or several sharing that folder.
- ``MELDPUNT_S3_BUCKET`` set: S3-compatible object storage through django-storages
  (AWS S3, MinIO, Ceph, Garage, a cloud's S3 endpoint), so any number of web and worker hosts
  share the files. ``MELDPUNT_S3_ENDPOINT_URL`` for anything but AWS, ``MELDPUNT_S3_REGION``,
  ``MELDPUNT_S3_ACCESS_KEY_ID`` / ``MELDPUNT_S3_SECRET_ACCESS_KEY`` (unset: boto3's own chain,
  e.g. an instance role), ``MELDPUNT_S3_PREFIX`` (a folder in a shared bucket),
  ``MELDPUNT_S3_ADDRESSING`` (``path`` for most self-hosted servers).

Files are never served from the store directly (no public URLs, no ACLs): every download goes
through a view that checks who may see it. Memory stays bounded on S3 too: uploads go in
parts of :data:`S3_PART_BYTES`, one at a time; a download is spooled by django-storages into
a temporary file past :data:`S3_SPOOL_BYTES` and streamed from there.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

_MIB = 1024 * 1024
#: One part of a multipart upload (S3's smallest part size), sent one at a time.
S3_PART_BYTES = 5 * _MIB
#: What a download holds in memory before django-storages spools it to a temporary file.
S3_SPOOL_BYTES = 1 * _MIB


def disk_storage(root: Path) -> dict:
    return {"BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "file_permissions_mode": 0o640,
                        "directory_permissions_mode": 0o750}}


def s3_storage(env: Mapping[str, str]) -> dict:
    """``STORAGES["default"]`` for the bucket named in ``env`` (the variables above)."""
    from boto3.s3.transfer import TransferConfig  # only where S3 is configured

    options = {
        "bucket_name": env["MELDPUNT_S3_BUCKET"],
        "endpoint_url": env.get("MELDPUNT_S3_ENDPOINT_URL") or None,
        "region_name": env.get("MELDPUNT_S3_REGION") or None,
        "access_key": env.get("MELDPUNT_S3_ACCESS_KEY_ID") or None,
        "secret_key": env.get("MELDPUNT_S3_SECRET_ACCESS_KEY") or None,
        "location": env.get("MELDPUNT_S3_PREFIX", "").strip("/"),
        "addressing_style": env.get("MELDPUNT_S3_ADDRESSING") or None,
        "default_acl": None,  # the bucket's own policy: private
        "querystring_auth": True,  # never a public URL (none is handed out anyway)
        "file_overwrite": True,  # names are random (attachments.storage_name): no existence check
        "max_memory_size": S3_SPOOL_BYTES,
        "transfer_config": TransferConfig(multipart_threshold=S3_PART_BYTES, multipart_chunksize=S3_PART_BYTES,
                                          use_threads=False),
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def default_storage_from_env(env: Mapping[str, str], data_dir: Path) -> dict:
    if env.get("MELDPUNT_S3_BUCKET", "").strip():
        return s3_storage(env)
    return disk_storage(Path(env.get("MELDPUNT_FILES_ROOT") or data_dir / "files"))
