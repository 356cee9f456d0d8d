"""Time-based one-time passwords (TOTP, RFC 6238 over HOTP, RFC 4226): small and auditable.

SHA-1, 6 digits, 30-second steps: what every authenticator app understands. A code is
accepted for the current step and one step either side (clock drift), and never twice
(the caller keeps the last step used).
"""

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

STEP = 30
DIGITS = 6
ISSUER = "dientap"


def random_secret() -> str:
    """160 random bits, base32 without padding (what the otpauth:// URI carries)."""
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def _key(secret: str) -> bytes:
    secret = secret.strip().replace(" ", "").upper()
    return base64.b32decode(secret + "=" * (-len(secret) % 8))


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, digest=hashlib.sha1) -> str:
    """RFC 4226 §5.3: HMAC of the counter, dynamic truncation, modulo 10^digits."""
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def step_at(when: float | None = None) -> int:
    return int((time.time() if when is None else when) // STEP)


def totp(secret: str, when: float | None = None) -> str:
    return hotp(_key(secret), step_at(when))


def verify(secret: str, code: str, *, last_used_step: int = 0, when: float | None = None,
           window: int = 1) -> int | None:
    """The step a correct, unused code belongs to, or None."""
    code = "".join(ch for ch in str(code) if not ch.isspace())
    if len(code) != DIGITS or not code.isdigit():
        return None
    key, now = _key(secret), step_at(when)
    for step in range(now - window, now + window + 1):
        if step > last_used_step and hmac.compare_digest(hotp(key, step), code):
            return step
    return None


def provisioning_uri(secret: str, account: str, issuer: str = ISSUER) -> str:
    """otpauth://totp/… for authenticator apps (Key Uri Format)."""
    label = quote(f"{issuer}:{account}")
    query = urlencode({"secret": secret, "issuer": issuer, "algorithm": "SHA1",
                       "digits": DIGITS, "period": STEP})
    return f"otpauth://totp/{label}?{query}"


# Recovery codes: ten letters/digits from an alphabet without look-alikes (0/O, 1/l/I),
# shown as "abcde-fghij"; about 50 bits each.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 10


def random_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normal_code(code: str) -> str:
    return "".join(ch for ch in str(code).casefold() if ch.isalnum())


def is_recovery_code(code: str) -> bool:
    """A recovery code, not a six-digit one (told apart by length and letters)."""
    return len(normal_code(code)) == RECOVERY_LENGTH


def qr_svg(uri: str) -> str:
    """The otpauth:// URI as an inline SVG QR code (segno; no image request, no outside
    host)."""
    import segno

    return segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff",
                                                  omitsize=False)


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
