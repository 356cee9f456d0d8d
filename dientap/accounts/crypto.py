"""Secrets kept at rest encrypted (the TOTP seeds of authenticator apps).

A database dump or a backup archive alone must not let anyone produce a user's second factor.
The seeds are encrypted with Fernet (AES-128-CBC with HMAC-SHA256, `cryptography`) under a key
derived from the installation's SECRET_KEY (kept in the data directory, never in the database).
Keys in SECRET_KEY_FALLBACKS still decrypt, so the key can be rotated; a seed encrypted under
a key that is gone cannot be read: the user then enrols again (an administrator resets the
device).
"""

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils.crypto import salted_hmac

PURPOSE = "dientap.accounts.crypto"


class SecretUnavailable(Exception):
    """The stored value cannot be decrypted with the installation's keys."""


def _fernet(secret_key: str) -> Fernet:
    digest = salted_hmac(PURPOSE, "fernet-key", secret=secret_key, algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _keys() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(k) for k in keys])


def encrypt(value: str) -> str:
    return _keys().encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _keys().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, ValueError, UnicodeError) as exc:
        raise SecretUnavailable from exc


def keyed_digest(purpose: str, value: str) -> str:
    """A keyed one-way digest (recovery codes are looked up by it, never stored in clear)."""
    return salted_hmac(f"{PURPOSE}.{purpose}", value, algorithm="sha256").hexdigest()
