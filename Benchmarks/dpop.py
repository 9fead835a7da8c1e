"""DPoP for scripts/bench: one ES256 key (a device holding many sessions), its logins and its refresh proofs.

  dpop.py KEY login BASE PUBLIC_URL TENANT CLIENT USER PASSWORD COUNT > tokens.txt
      COUNT logins with proofs by the key in file KEY (made if missing), each session bound to it; prints the refresh
      tokens, and keeps the last nonce Baton sent in KEY.nonce.
  dpop.py KEY proofs PUBLIC_URL TENANT COUNT > proofs.txt
      COUNT refresh proofs (POST {PUBLIC_URL}/t/{TENANT}/oauth/token, each with its own jti and that nonce), one a
      line, for Benchmarks/refresh.lua (DPOP_PROOFS).
"""

import base64
import json
import os
import secrets
import sys
import time
import urllib.error
import urllib.request

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def load_key(path):
    if not os.path.exists(path):
        key = ec.generate_private_key(ec.SECP256R1())
        with open(path, "wb") as f:
            f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    with open(path, "rb") as f:
        return serialization.load_pem_private_key(f.read(), None)


def proof_factory(key, url):
    numbers = key.public_key().public_numbers()
    jwk = {"kty": "EC", "crv": "P-256", "x": b64(numbers.x.to_bytes(32, "big")), "y": b64(numbers.y.to_bytes(32, "big"))}
    header = b64(json.dumps({"typ": "dpop+jwt", "alg": "ES256", "jwk": jwk}, separators=(",", ":")).encode())

    def proof(nonce):
        claims = {"jti": secrets.token_urlsafe(16), "htm": "POST", "htu": url, "iat": int(time.time())}
        if nonce:
            claims["nonce"] = nonce
        signing_input = header + "." + b64(json.dumps(claims, separators=(",", ":")).encode())
        r, s = decode_dss_signature(key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
        return signing_input + "." + b64(r.to_bytes(32, "big") + s.to_bytes(32, "big"))

    return proof


def login(key, base, public_url, tenant, client, user, password, count, nonce_file):
    proof = proof_factory(key, f"{public_url}/t/{tenant}/login")
    body = json.dumps({"client_id": client, "username": user, "password": password}).encode()
    nonce = None
    for _ in range(count):
        for _ in range(2):
            request = urllib.request.Request(
                f"{base}/t/{tenant}/login", data=body, method="POST", headers={"Content-Type": "application/json", "DPoP": proof(nonce)}
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:
                    nonce = answer.headers.get("DPoP-Nonce") or nonce
                    print(json.load(answer)["refresh_token"])
                    break
            except urllib.error.HTTPError as refused:
                if refused.headers.get("DPoP-Nonce") and json.load(refused).get("error") == "use_dpop_nonce":
                    nonce = refused.headers["DPoP-Nonce"]
                    continue
                raise
        else:
            sys.exit("dpop.py: a fresh nonce was refused")
    with open(nonce_file, "w") as f:
        f.write(nonce or "")


def proofs(key, public_url, tenant, count, nonce_file):
    with open(nonce_file) as f:
        nonce = f.read().strip() or None
    proof = proof_factory(key, f"{public_url}/t/{tenant}/oauth/token")
    out = sys.stdout
    for _ in range(count):
        out.write(proof(nonce) + "\n")


if __name__ == "__main__":
    key_path, command, *rest = sys.argv[1:]
    key = load_key(key_path)
    if command == "login":
        base, public_url, tenant, client, user, password, count = rest
        login(key, base, public_url, tenant, client, user, password, int(count), key_path + ".nonce")
    elif command == "proofs":
        public_url, tenant, count = rest
        proofs(key, public_url, tenant, int(count), key_path + ".nonce")
    else:
        sys.exit(__doc__)
