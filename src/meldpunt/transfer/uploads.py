"""An uploaded import file kept between its dry run and its confirmation, in the file store
(``STORAGES["default"]``, shared by every web host), named by a random token that only the
uploading user's session knows."""

from __future__ import annotations

import secrets
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

FOLDER = "transfer-uploads"
SESSION_KEY = "transfer_upload"


def keep(session, uploaded, kind: str) -> str:
    token = secrets.token_urlsafe(24)
    suffix = PurePath(uploaded.name).suffix.lower()[:6]
    name = default_storage.save(f"{FOLDER}/{token}{suffix}", ContentFile(uploaded.read()))
    session[SESSION_KEY] = {"token": token, "name": name, "kind": kind, "filename": uploaded.name[:200]}
    return token


def kept(session, token: str) -> dict | None:
    held = session.get(SESSION_KEY)
    if not held or not secrets.compare_digest(held.get("token", ""), token):
        return None
    return held if default_storage.exists(held["name"]) else None


def forget(session) -> None:
    held = session.pop(SESSION_KEY, None)
    if held and default_storage.exists(held["name"]):
        default_storage.delete(held["name"])
