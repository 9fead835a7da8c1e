"""Interop check with client libraries nobody here wrote: PyJWT must load every key of each tenant's JWKS,
and the RFC 8414 metadata must name the exact issuer and jwks_uri. Run by scripts/check-openapi against a
live memory-mode Baton: python interop.py BASE_URL ADMIN_KEY."""
import json
import sys
import urllib.request

import jwt  # PyJWT

base, admin_key = sys.argv[1], sys.argv[2]


def call(method, path, body=None, key=None):
    request = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    if body is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request) as response:
        return response.status, json.loads(response.read() or b"{}")


failures = 0
for alg in ["ES256", "EdDSA", "RS256"]:
    tenant = f"interop-{alg.lower()}"
    status, _ = call("POST", "/admin/v1/tenants", {"id": tenant, "settings": {"signing_alg": alg}}, admin_key)
    assert status == 201, status
    issuer = f"{base}/t/{tenant}"
    for path in [f"/t/{tenant}/.well-known/oauth-authorization-server", f"/.well-known/oauth-authorization-server/t/{tenant}"]:
        _, metadata = call("GET", path)
        if metadata["issuer"] != issuer or metadata["jwks_uri"] != f"{issuer}/.well-known/jwks.json":
            print(f"FAIL {alg}: metadata at {path} names issuer {metadata['issuer']!r}, jwks_uri {metadata['jwks_uri']!r}")
            failures += 1
    client = jwt.PyJWKClient(f"{issuer}/.well-known/jwks.json", cache_keys=False)
    keys = client.get_signing_keys()
    _, admin_keys = call("GET", f"/admin/v1/tenants/{tenant}/keys", key=admin_key)
    expected = {key["kid"] for key in admin_keys["keys"] if key["state"] in ("pending", "active", "retiring")}
    loaded = {key.key_id for key in keys}
    if loaded != expected or len(keys) != 2:
        print(f"FAIL {alg}: PyJWT loaded {sorted(loaded)}, expected {sorted(expected)}")
        failures += 1
    for key in keys:
        if key.algorithm_name != alg or key.public_key_use != "sig":
            print(f"FAIL {alg}: key {key.key_id} loaded as {key.algorithm_name}/{key.public_key_use}")
            failures += 1
    print(f"ok {alg}: PyJWT loaded {len(keys)} keys; metadata issuer {issuer}")

print("interop: all passed" if not failures else f"interop: {failures} failure(s)")
sys.exit(1 if failures else 0)
