"""Chained refreshes from many sessions against one Baton while a fault command runs, for scripts/test-failover.
python3 failover-load.py BASE ADMIN_KEY SESSIONS FAULT_AFTER_S SETTLE_S PRIMARY_URLS FAULT_COMMAND...

Each session refreshes in a loop, keeping its last acknowledged refresh token; on 503 it waits and presents the same
token again (a refresh whose answer was lost is retried within the grace window). FAULT_COMMAND runs once,
FAULT_AFTER_S seconds in; the load goes on until SETTLE_S seconds after the first 200 that follows the fault.
PRIMARY_URLS (comma-separated Patroni /primary URLs) are polled meanwhile: when none answers 200 for a while after
the fault, the first one that does again marks the new primary, from which Baton's recovery is also reported.
Then every chain's last acknowledged token must still refresh. Prints one JSON line; exits 1 on any violation:
an answer other than 200 or 503, a 503 without Retry-After, a lost chain, or no recovery within 60 s."""
import collections, json, subprocess, sys, threading, time, urllib.error, urllib.parse, urllib.request, uuid

base, admin, sessions, fault_after, settle = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
primary_urls = sys.argv[6].split(",")
fault_command = sys.argv[7:]


def call(method, path, body=None, key=None, form=None):
    data = json.dumps(body).encode() if body is not None else (urllib.parse.urlencode(form).encode() if form else None)
    request = urllib.request.Request(base + path, method=method, data=data)
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or b"{}")
    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
        return 0, {}, {"error": f"no answer: {error}"}


tenant = "fo" + uuid.uuid4().hex[:8]
# A refresh in flight when the primary dies may commit with its answer lost; its client's retry comes after the
# outage, and must fall within the grace window to get the identical successor: the window is set above the
# longest outage measured here (deploy/README.md, "PostgreSQL topologies").
grace = 30
assert call("POST", "/admin/v1/tenants", {"id": tenant, "settings": {"reuse_grace": grace}}, admin)[0] == 201
assert call("POST", f"/admin/v1/tenants/{tenant}/clients", {"client_id": "app", "name": "app", "type": "public"}, admin)[0] == 201
assert call("POST", f"/admin/v1/tenants/{tenant}/users", {"username": "u", "password": "password123"}, admin)[0] == 201
last = {}
for i in range(sessions):
    status, _, login = call("POST", f"/t/{tenant}/login", {"client_id": "app", "username": "u", "password": "password123"})
    assert status == 200, (status, login)
    last[i] = login["refresh_token"]

lock = threading.Lock()
answers = collections.Counter()
violations = []
state = {"fault_at": None, "first_failure_after_fault": None, "recovered_at": None, "stop": False,
         "primary_lost_at": None, "primary_back_at": None, "last_failure": None}


def watch_primary():
    while not state["stop"]:
        if state["fault_at"] and not state["primary_back_at"]:
            up = False
            for url in primary_urls:
                try:
                    with urllib.request.urlopen(url, timeout=0.5) as response:
                        up = up or response.status == 200
                except Exception:
                    pass
            now = time.monotonic()
            if not up and not state["primary_lost_at"]:
                state["primary_lost_at"] = now
            if up and state["primary_lost_at"]:
                state["primary_back_at"] = now
        time.sleep(0.1)


def chain(i):
    token = last[i]
    while not state["stop"]:
        status, headers, body = call("POST", f"/t/{tenant}/oauth/token", form={"grant_type": "refresh_token", "client_id": "app", "refresh_token": token})
        now = time.monotonic()
        with lock:
            answers[str(status)] += 1
            if status == 200:
                token = body["refresh_token"]
                last[i] = token
                if state["fault_at"] and state["first_failure_after_fault"] and not state["recovered_at"]:
                    state["recovered_at"] = now
            elif status == 503:
                if state["fault_at"] and not state["first_failure_after_fault"]:
                    state["first_failure_after_fault"] = now
                # A 200 answered from before the outage is no recovery: recovery is the first 200 after the last 503.
                state["recovered_at"] = None
                state["last_failure"] = now
                if "Retry-After" not in headers and "retry-after" not in headers:
                    violations.append("503 without Retry-After")
            else:
                violations.append(f"{status} {body.get('error')}: {body.get('error_description')}")
        if status != 200:
            time.sleep(0.2)


threads = [threading.Thread(target=chain, args=(i,)) for i in range(sessions)] + [threading.Thread(target=watch_primary)]
start = time.monotonic()
for thread in threads:
    thread.start()
time.sleep(fault_after)
state["fault_at"] = time.monotonic()
fault = subprocess.run(fault_command, capture_output=True, text=True)
if fault.returncode != 0:
    violations.append(f"fault command failed: {fault.stderr.strip()}")
# Until SETTLE_S seconds have passed with no 503 since Baton answered 200 again (or 15 s without any failure).
deadline = state["fault_at"] + 60
while time.monotonic() < deadline:
    with lock:
        now = time.monotonic()
        if state["first_failure_after_fault"]:
            settled = state["recovered_at"] is not None and now - state["recovered_at"] >= settle
        else:
            settled = now > state["fault_at"] + 15
    if settled:
        break
    time.sleep(0.1)
state["stop"] = True
for thread in threads:
    thread.join()
if state["first_failure_after_fault"] and not state["recovered_at"]:
    violations.append("no 200 within 60 s of the fault")
lost = 0
for i, token in last.items():
    for _ in range(50):  # a 503 is retried, as a client would, for up to about 10 s
        status, _, body = call("POST", f"/t/{tenant}/oauth/token", form={"grant_type": "refresh_token", "client_id": "app", "refresh_token": token})
        if status != 503:
            break
        time.sleep(0.2)
    if status != 200:
        lost += 1
        violations.append(f"chain {i}: its last acknowledged token got {status} {body.get('error_description')}")
outage = (state["recovered_at"] - state["fault_at"]) if state["recovered_at"] else 0.0
# Without a moment with no primary (a switchover hands over at once), the new primary counts from the fault.
primary_back = state["primary_back_at"] or state["fault_at"]
after_primary = max(0.0, state["recovered_at"] - primary_back) if state["recovered_at"] else 0.0
print(json.dumps({"tenant": tenant, "reuse_grace": grace, "answers": dict(answers), "chains": sessions, "chains_lost": lost,
                  "seconds_from_fault_to_first_200_after_outage": round(outage, 2),
                  "seconds_without_a_primary": round(primary_back - state["fault_at"], 2),
                  "seconds_from_new_primary_to_first_200": round(after_primary, 2), "violations": violations[:20]}))
sys.exit(1 if violations else 0)
