"""Password hashing and JWT helpers."""

import hashlib
import hmac
import os
import time

import jwt

from common.settings import get_settings

from .models import TokenClaims

_ITERATIONS = 390_000


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, _ITERATIONS)
    return f"pbkdf2_sha256${_ITERATIONS}${salt.hex()}${digest.hex()}"


def verify_password(password: str, hashed: str) -> bool:
    _, iterations, salt, expected = hashed.split("$")
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), int(iterations))
    return hmac.compare_digest(digest.hex(), expected)


def _encode(claims: TokenClaims) -> str:
    return jwt.encode(claims.model_dump(), get_settings().jwt_secret, algorithm="HS256")


def issue_tokens(subject: str) -> dict:
    ttl = get_settings().jwt_ttl_seconds
    now = int(time.time())
    access = TokenClaims(sub=subject, exp=now + ttl, scope=["api"])
    refresh = TokenClaims(sub=subject, exp=now + 30 * 24 * 3600, scope=["refresh"])
    return {
        "access_token": _encode(access),
        "refresh_token": _encode(refresh),
        "expires_in": ttl,
    }


def decode_token(token: str) -> TokenClaims:
    payload = jwt.decode(token, get_settings().jwt_secret, algorithms=["HS256"])
    return TokenClaims.model_validate(payload)
