#!/usr/bin/env bash
# Inbound A/B: two builds of the bridge served side by side, each loaded by its own wrk at the same time, so the
# speed swings of a shared machine hit both alike. Prints, per scenario, B's rate and CPU per request over A's.
#
#   scripts/inbound-ab.sh A.dll B.dll [rounds=6] [seconds=5] [users=2000]
#
# e.g. A before issue 4, B now:
#   git worktree add ../wt-base 9f12011 && dotnet build -c Release ../wt-base/src/ScimBridge
#   dotnet build -c Release src/ScimBridge
#   scripts/inbound-ab.sh ../wt-base/src/ScimBridge/bin/Release/net10.0/ScimBridge.dll \
#       src/ScimBridge/bin/Release/net10.0/ScimBridge.dll
#
# Each server runs on its own SQLite file with warnings-only logs. B runs with the per-token rate limit on, far above
# the load (Scim:RateLimit 1000000/s), so its cost is counted; A ignores the setting if it predates it. Needs wrk
# (apt-get install -y wrk), curl and python3. Client and servers share the machine: compare ratios, not rates.
set -euo pipefail

A_DLL=$(realpath "${1:?usage: $0 A.dll B.dll [rounds] [seconds] [users]}")
B_DLL=$(realpath "${2:?usage: $0 A.dll B.dll [rounds] [seconds] [users]}")
ROUNDS=${3:-6}
SECONDS_PER_RUN=${4:-5}
USERS=${5:-2000}
WORK=$(mktemp -d /tmp/scimbridge-ab.XXXXXX)
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }

start() { # name dll port
  local name=$1 dll=$2 port=$3
  mkdir -p "$WORK/$name"
  export Database__Provider=sqlite ConnectionStrings__ScimBridge="Data Source=$WORK/$name/bridge.db"
  export Logging__LogLevel__Default=Warning Scim__RateLimit__RequestsPerSecond=1000000 Scim__RateLimit__Burst=1000000
  dotnet "$dll" token create --name ab 2>/dev/null | tail -1 >"$WORK/$name/token"
  dotnet "$dll" --urls "http://127.0.0.1:$port" >"$WORK/$name/log" 2>&1 &
  PIDS+=($!)
  echo $! >"$WORK/$name/pid"
  for _ in $(seq 100); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break
    sleep 0.2
  done
  curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" || { echo "$name did not start:" >&2; tail -20 "$WORK/$name/log" >&2; exit 1; }
  echo "$port" >"$WORK/$name/port"
}

seed() { # name: USERS users, 8 at a time; keeps the middle one's id
  local name=$1
  python3 - "$(cat "$WORK/$name/port")" "$(cat "$WORK/$name/token")" "$USERS" >"$WORK/$name/id" <<'EOF'
import concurrent.futures, json, sys, urllib.request
port, token, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
def create(i):
    body = json.dumps({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": f"user{i:06d}@example.com",
                       "displayName": f"User {i}", "active": True, "name": {"givenName": "User", "familyName": str(i)},
                       "emails": [{"value": f"user{i:06d}@example.com", "type": "work", "primary": True}]}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/scim/v2/Users", data=body, method="POST",
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/scim+json"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)["id"]
with concurrent.futures.ThreadPoolExecutor(8) as pool:
    ids = list(pool.map(create, range(n)))
print(ids[n // 2])
EOF
}

# wrk scripts: a unique userName per POST, a PATCH of the same user's title.
# (A headers table given to wrk.format replaces the -H headers, so the content type is added to them instead.)
cat >"$WORK/post.lua" <<'EOF'
wrk.headers["Content-Type"] = "application/scim+json"
local run, n = os.time(), 0 -- runs are seconds apart, so no userName repeats across them
request = function()
  n = n + 1
  local body = string.format('{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ab-%d-%d@example.com","active":true}', run, n)
  return wrk.format("POST", nil, nil, body)
end
EOF
cat >"$WORK/patch.lua" <<'EOF'
wrk.headers["Content-Type"] = "application/scim+json"
local n = 0
request = function()
  n = n + 1
  local body = string.format('{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"Title %d"}]}', n)
  return wrk.format("PATCH", nil, nil, body)
end
EOF

load() { # name path [lua]: prints the request count and non-2xx count
  local name=$1 path=$2 lua=${3:-}
  local id; id=$(cat "$WORK/$name/id")
  local url="http://127.0.0.1:$(cat "$WORK/$name/port")${path//\{ID\}/$id}"
  local out; out=$(wrk -t1 -c4 -d"${SECONDS_PER_RUN}s" -H "Authorization: Bearer $(cat "$WORK/$name/token")" ${lua:+-s "$lua"} "$url" 2>&1)
  echo "$(awk '/requests in/ {print $1}' <<<"$out") $(awk '/Non-2xx/ {print $NF}' <<<"$out")"
}

both() { # path [lua]: loads both servers at once; results in $WORK/ra and $WORK/rb (not a bare wait: the servers are children too)
  load a "$@" >"$WORK/ra" & local pa=$!
  load b "$@" >"$WORK/rb" & local pb=$!
  wait "$pa" "$pb"
}

cpu() { awk '{print $14 + $15}' "/proc/$(cat "$WORK/$1/pid")/stat"; }

scenario() { # label path [lua]
  local label=$1 path=$2 lua=${3:-}
  both "$path" "$lua" # warm-up
  for _ in $(seq "$ROUNDS"); do
    local ca cb; ca=$(cpu a); cb=$(cpu b)
    both "$path" "$lua"
    echo "$(cat "$WORK/ra") $(cat "$WORK/rb") $(( $(cpu a) - ca )) $(( $(cpu b) - cb ))"
  done | python3 -c '
import statistics as st, sys
label, seconds, tick_us = sys.argv[1], float(sys.argv[2]), 1e6 / float(sys.argv[3])
rows = []
for line in sys.stdin:
    f = line.split()
    # requests A, [errors A], requests B, [errors B], cpu A, cpu B (errors only when wrk printed them)
    numbers = [float(x) for x in f]
    if len(numbers) != 4:
        print(f"| {label} | non-2xx answers: {line.strip()} |"); sys.exit(1)
    rows.append(numbers)
rate = [b / a for a, b, _, _ in rows]
cpu = [(cb / b) / (ca / a) for a, b, ca, cb in rows]
mean = lambda i: st.mean(r[i] for r in rows)
print(f"| {label} | {mean(0) / seconds:.0f} | {mean(1) / seconds:.0f} | {st.median(rate):.3f} ({min(rate):.2f}–{max(rate):.2f}) "
      f"| {st.mean(r[2] * tick_us / r[0] for r in rows):.1f} | {st.mean(r[3] * tick_us / r[1] for r in rows):.1f} | {st.median(cpu):.3f} |")
' "$label" "$SECONDS_PER_RUN" "$(getconf CLK_TCK)"
}

start a "$A_DLL" 5291
start b "$B_DLL" 5292
echo "seeding $USERS users in each..." >&2
seed a
seed b
echo "A: $A_DLL"
echo "B: $B_DLL"
echo "$ROUNDS paired rounds of $SECONDS_PER_RUN s, wrk -c4 on each server at once; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| scenario | A req/s | B req/s | B/A rate, median (range) | A CPU µs/req | B CPU µs/req | B/A CPU per request, median |"
echo "|---|---:|---:|---:|---:|---:|---:|"
scenario "GET /healthz" /healthz
scenario "GET /ServiceProviderConfig" /scim/v2/ServiceProviderConfig
scenario "GET /Users/{id}" "/scim/v2/Users/{ID}"
scenario "GET /Users?filter=userName eq" "/scim/v2/Users?filter=userName%20eq%20%22user001000@example.com%22"
scenario "POST /Users" /scim/v2/Users "$WORK/post.lua"
scenario "PATCH /Users/{id}" "/scim/v2/Users/{ID}" "$WORK/patch.lua"
