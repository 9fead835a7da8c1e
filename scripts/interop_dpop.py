"""DPoP interop: requests-oauth2client (PyPI), a DPoP client nobody here wrote, against a live Baton (RFC 9449).
Its key proves a login, its OAuth2Client refreshes several times (handling use_dpop_nonce itself), and its
DPoPToken calls /me; a copy of the refresh token used without the key is refused and revokes nothing.
Arguments: Baton's base URL and an admin key. Exits non-zero naming the first expectation that fails."""

import secrets
import sys

import requests
from requests_oauth2client import DPoPKey, DPoPToken, OAuth2Client

base, admin_key = sys.argv[1:3]
admin = {"Authorization": f"Bearer {admin_key}"}
tenant = "dpop-" + secrets.token_hex(4)
password = "dpop-password-" + secrets.token_hex(8)
issuer = f"{base}/t/{tenant}"


def expect(condition, what):
    print(("ok: " if condition else "FAILED: ") + what, flush=True)
    if not condition:
        sys.exit(f"DPoP interop: {what}")


for path, body in [
    ("/admin/v1/tenants", {"id": tenant, "settings": {}}),
    (f"/admin/v1/tenants/{tenant}/clients", {"client_id": "cli", "name": "CLI", "type": "public", "dpop_bound_access_tokens": True}),
    (f"/admin/v1/tenants/{tenant}/users", {"username": "ada", "password": password}),
]:
    created = requests.post(base + path, headers=admin, json=body, timeout=30)
    expect(created.status_code == 201, f"POST {path}" + ("" if created.status_code == 201 else f": {created.status_code} {created.text}"))

key = DPoPKey.generate(alg="ES256")

# Baton's login is its own endpoint: the library's key signs its proofs, and the nonce is retried as the library
# retries it at the token endpoint.
nonce = None
for _ in range(2):
    proof = key.proof(htm="POST", htu=f"{issuer}/login", nonce=nonce)
    login = requests.post(
        f"{issuer}/login", json={"client_id": "cli", "username": "ada", "password": password}, headers={"DPoP": str(proof)}, timeout=30
    )
    if login.status_code == 400 and login.json().get("error") == "use_dpop_nonce":
        nonce = login.headers.get("DPoP-Nonce")
        continue
    break
expect(login.status_code == 200, "login with a proof" + ("" if login.status_code == 200 else f": {login.status_code} {login.text}"))
expect(login.json()["token_type"] == "DPoP", "the login's token_type is DPoP")
key.as_nonce = nonce
token = DPoPToken(**login.json(), _dpop_key=key)

# testing=True: the library otherwise refuses a plain-http endpoint, and this Baton listens on loopback.
client = OAuth2Client(token_endpoint=f"{issuer}/oauth/token", client_id="cli", dpop_bound_access_tokens=True, testing=True)
seen = {token.refresh_token}
for round in range(1, 4):
    token = client.refresh_token(token)
    expect(isinstance(token, DPoPToken), f"refresh {round}: a DPoP token")
    expect(token.refresh_token not in seen, f"refresh {round}: a new refresh token")
    seen.add(token.refresh_token)

me = requests.get(f"{issuer}/me", auth=token, timeout=30)
expect(me.status_code == 200 and me.json().get("username") == "ada", f"/me with the DPoP token ({me.status_code})")
as_bearer = requests.get(f"{issuer}/me", headers={"Authorization": f"Bearer {token.access_token}"}, timeout=30)
expect(as_bearer.status_code == 401, "the same access token as a bearer token is refused")

stolen = token.refresh_token
bare = requests.post(
    f"{issuer}/oauth/token", data={"grant_type": "refresh_token", "client_id": "cli", "refresh_token": stolen}, timeout=30
)
expect(bare.status_code == 400 and bare.json().get("error") == "invalid_dpop_proof", f"the stolen token without a proof is refused ({bare.status_code} {bare.json().get('error')})")
thief = OAuth2Client(token_endpoint=f"{issuer}/oauth/token", client_id="cli", dpop_bound_access_tokens=True, testing=True)
try:
    thief.refresh_token(stolen, dpop_key=DPoPKey.generate(alg="ES256"))
    expect(False, "the stolen token with another key is refused")
except Exception as error:  # the library raises its error class for the OAuth error
    expect(getattr(error, "error", None) == "invalid_dpop_proof", f"the stolen token with another key is refused with invalid_dpop_proof ({type(error).__name__})")
token = client.refresh_token(token)
expect(isinstance(token, DPoPToken) and token.refresh_token not in seen, "the session was not revoked: its holder refreshes again")
print("DPoP interop passed", flush=True)
