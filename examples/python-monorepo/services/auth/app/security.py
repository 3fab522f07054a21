"""Password hashing and signed access tokens."""
import base64
import hashlib
import hmac
import json
import os
import time
from typing import Dict

SECRET = os.environ.get("AUTH_SECRET", "dev-only-secret").encode()


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 310_000)
    return base64.b64encode(salt + digest).decode()


def verify_password(password: str, hashed: str) -> bool:
    raw = base64.b64decode(hashed)
    salt, digest = raw[:16], raw[16:]
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 310_000)
    return hmac.compare_digest(candidate, digest)


def create_access_token(user_id: int, ttl: int = 3600) -> str:
    claims: Dict[str, int] = {"sub": user_id, "exp": int(time.time()) + ttl}
    body = base64.urlsafe_b64encode(json.dumps(claims).encode())
    signature = hmac.new(SECRET, body, hashlib.sha256).hexdigest()
    return f"{body.decode()}.{signature}"
