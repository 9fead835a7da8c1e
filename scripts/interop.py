"""Interop check with client libraries nobody here wrote, against a live memory-mode Baton:
- PyJWT loads every key of each tenant's JWKS, and the RFC 8414 metadata names the exact issuer and jwks_uri;
- authlib's OAuth2Session refreshes at /oauth/token (rotation: the old refresh token is then refused), and
  PyJWT verifies each access token with the JWKS, checking typ, iss and aud.
Run by scripts/check-openapi: python interop.py BASE_URL ADMIN_KEY DEMO_PASSWORD."""
import json
import sys
import urllib.request

import jwt  # PyJWT

base, admin_key, demo_password = sys.argv[1], sys.argv[2], sys.argv[3]


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

# authlib drives the refresh grant; PyJWT verifies what comes back.
from authlib.integrations.requests_client import OAuth2Session

issuer = f"{base}/t/demo"
status, login = call("POST", "/t/demo/login", {"client_id": "demo-app", "username": "demo", "password": demo_password})
session = OAuth2Session("demo-app", token=login, token_endpoint_auth_method="none")
jwks_client = jwt.PyJWKClient(f"{issuer}/.well-known/jwks.json")


def verify(access_token):
    header = jwt.get_unverified_header(access_token)
    if header.get("typ") != "at+jwt":
        raise jwt.InvalidTokenError(f"typ is {header.get('typ')!r}")
    key = jwks_client.get_signing_key_from_jwt(access_token)
    return jwt.decode(access_token, key.key, algorithms=["ES256", "EdDSA", "RS256"], issuer=issuer, audience=issuer)


try:
    verify(login["access_token"])
    first_refresh = login["refresh_token"]
    token = session.refresh_token(f"{issuer}/oauth/token", refresh_token=first_refresh)
    claims = verify(token["access_token"])
    assert token["refresh_token"] != first_refresh, "refresh token did not rotate"
    assert claims["client_id"] == "demo-app" and claims["sid"], claims
    token = session.refresh_token(f"{issuer}/oauth/token", refresh_token=token["refresh_token"])
    verify(token["access_token"])
    print("ok authlib: two rotations; PyJWT verified typ, iss, aud and signature of each access token")
    try:
        session.refresh_token(f"{issuer}/oauth/token", refresh_token=first_refresh)
        print("FAIL authlib: a spent refresh token was accepted")
        failures += 1
    except Exception as error:  # authlib raises OAuthError carrying the RFC 6749 code
        if "invalid_grant" not in str(error):
            print(f"FAIL authlib: spent token answered {error!r}")
            failures += 1
        else:
            print("ok authlib: the spent refresh token was refused with invalid_grant")
except Exception as error:
    print(f"FAIL authlib/PyJWT: {error!r}")
    failures += 1

print("interop: all passed" if not failures else f"interop: {failures} failure(s)")
sys.exit(1 if failures else 0)
