"""Drives headless Chromium through a single-page app's calls to Baton (scripts/browser/app.html), from an origin
a client allows and from one no client allows. Arguments: Baton's URL, an admin key, the allowed page's URL, the
other page's URL, Baton's log file. Exits non-zero, saying why, on the first expectation that does not hold."""

import json
import secrets
import sys
import urllib.parse

import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

baton, admin_key, allowed_page, other_page, baton_log = sys.argv[1:6]
admin = {"Authorization": f"Bearer {admin_key}"}
failures = []


def expect(condition, what):
    print(("ok: " if condition else "FAILED: ") + what, flush=True)
    if not condition:
        failures.append(what)


def origin(url):
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


tenant = "browser-" + secrets.token_hex(4)
password = "browser-password-" + secrets.token_hex(8)
created = requests.post(f"{baton}/admin/v1/tenants", headers=admin, json={"id": tenant, "settings": {}}, timeout=30)
assert created.status_code == 201, created.text
client = requests.post(
    f"{baton}/admin/v1/tenants/{tenant}/clients",
    headers=admin,
    json={"client_id": "spa", "name": "SPA", "type": "public", "allowed_origins": [origin(allowed_page)]},
    timeout=30,
)
assert client.status_code == 201, client.text
user = requests.post(f"{baton}/admin/v1/tenants/{tenant}/users", headers=admin, json={"username": "ada", "password": password}, timeout=30)
assert user.status_code == 201, user.text

options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions"]:
    options.add_argument(argument)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
try:

    def run(page):
        query = urllib.parse.urlencode({"baton": baton, "tenant": tenant, "client_id": "spa", "username": "ada", "password": password})
        driver.get(f"{page}?{query}")
        # A bounded wait for the page to finish its calls, not an ordering of events.
        WebDriverWait(driver, 60).until(lambda d: d.title == "done")
        return driver.execute_script("return window.results")

    allowed = run(allowed_page)
    print("allowed origin:", json.dumps(allowed), flush=True)
    steps = {step["step"]: step for step in allowed["steps"]}
    for step in ["login", "refresh 1", "refresh 2", "me"]:
        expect(steps.get(step, {}).get("status") == 200, f"{origin(allowed_page)}: {step} answered 200 and readable")
    expect(allowed.get("distinctTokens") == 3, "each refresh gave a new refresh token")
    expect(allowed.get("username") == "ada", "/me names the user")
    expect(steps.get("me with a bad token", {}).get("status") == 401, "a bad access token: 401, readable")
    expect(
        (steps.get("me with a bad token", {}).get("wwwAuthenticate") or "").startswith("Bearer"),
        "WWW-Authenticate is exposed to the page",
    )
    expect(allowed.get("reuseError") == "invalid_grant", "a spent refresh token: invalid_grant, readable")

    other = run(other_page)
    print("other origin:", json.dumps(other), flush=True)
    login = other["steps"][0] if other["steps"] else {}
    expect(login.get("step") == "login" and login.get("blocked") is True, f"{origin(other_page)}: the browser blocked the login")
    expect(len(other["steps"]) == 1, "nothing else was sent from that origin")
finally:
    driver.quit()

with open(baton_log, encoding="utf-8") as log:
    lines = log.read().splitlines()
expect(
    any("cross-origin preflight refused" in line and origin(other_page) in line for line in lines),
    "Baton's log shows the preflight from the other origin refused",
)
expect(not any(password in line for line in lines), "the password appears in no log line")

if failures:
    sys.exit(f"{len(failures)} expectation(s) failed")
print("the browser test passed", flush=True)
