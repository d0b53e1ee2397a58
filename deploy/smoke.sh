#!/usr/bin/env bash
# Smoke test of the container image without a Docker engine: deploy/smoke.sh
#
# Replays deploy/Dockerfile on this machine: every stage's WORKDIR, COPY (from the build context, minus what
# .dockerignore leaves out) and RUN (the same restore and ReadyToRun publish, in a temporary directory), then the
# final stage's COPY --from, ENV and ENTRYPOINT. It starts the published binary with that ENTRYPOINT from the
# final WORKDIR, waits for /readyz, checks that /scim/v2/Users refuses a request without a token (401), creates a
# token with the published binary (`<ENTRYPOINT> token create`, as `docker compose run --rm bridge token create`
# does) and checks that the token is accepted (200). What it cannot check: the base images themselves.
#
# Database: PostgreSQL when SCIMBRIDGE_TEST_POSTGRES names a server (a fresh database is created and dropped,
# with psql), else SQLite in the temporary directory. Exit status 0 only when every check passed.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
DOCKERFILE="$REPO/deploy/Dockerfile"
READY_DEADLINE_SECONDS=60

say() { printf 'smoke: %s\n' "$*"; }
die() { printf 'smoke: FAILED: %s\n' "$*" >&2; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/scimbridge-smoke.XXXXXX")"
SERVER_PID=""
PG_DATABASE=""

cleanup() {
    local status=$?
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    if [[ -n "$PG_DATABASE" ]]; then
        psql -v ON_ERROR_STOP=1 -q -d "$PG_ADMIN_DB" -c "DROP DATABASE IF EXISTS \"$PG_DATABASE\" WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT

# ---- Read the Dockerfile: one instruction per line (continuations joined, comments and blank lines dropped).
instructions=()
pending=""
while IFS= read -r line || [[ -n "$line" ]]; do
    [[ -z "$pending" && "$line" =~ ^[[:space:]]*(#|$) ]] && continue
    if [[ "$line" =~ ^(.*)\\[[:space:]]*$ ]]; then
        pending+="${BASH_REMATCH[1]} "
        continue
    fi
    instructions+=("$pending$line")
    pending=""
done < "$DOCKERFILE"
[[ -z "$pending" ]] || instructions+=("$pending")

# .dockerignore patterns as tar excludes. An approximation of Docker's matching that is exact for what the file
# holds (names and globs, at any depth); negations (!) are not supported and fail loudly.
excludes=()
if [[ -f "$REPO/.dockerignore" ]]; then
    while IFS= read -r pattern || [[ -n "$pattern" ]]; do
        pattern="${pattern%%[[:space:]]}"
        [[ -z "$pattern" || "$pattern" == \#* ]] && continue
        [[ "$pattern" == !* ]] && die ".dockerignore negation '$pattern' is not supported by smoke.sh"
        pattern="${pattern#/}"; pattern="${pattern#\*\*/}"; pattern="${pattern%/}"
        excludes+=("--exclude=$pattern")
    done < "$REPO/.dockerignore"
fi

final_stage=0
for i in "${!instructions[@]}"; do
    [[ "${instructions[$i]}" =~ ^[[:space:]]*FROM[[:space:]] ]] && final_stage=$i
done

declare -A stage_root=()
root=""; workdir="/"; stage_index=-1
runtime_env=()
entrypoint=()
user=""

# A path inside the current stage's filesystem, relative paths resolved against WORKDIR.
inside() {
    local path="$1"
    [[ "$path" == /* ]] || path="${workdir%/}/$path"
    printf '%s%s' "$root" "$path"
}

copy_into() { # copy_into SOURCE DEST_IN_STAGE IS_DIR_DEST: files keep their name in a directory destination
    local source="$1" dest="$2" dir_dest="$3"
    if [[ -d "$source" ]]; then
        mkdir -p "$dest"
        tar -C "$source" "${excludes[@]}" -cf - . | tar -C "$dest" -xf -
    elif [[ -f "$source" ]]; then
        if [[ "$dir_dest" == 1 ]]; then mkdir -p "$dest" && cp -p "$source" "$dest/"; else mkdir -p "$(dirname "$dest")" && cp -p "$source" "$dest"; fi
    else
        die "COPY source not found: $source"
    fi
}

say "replaying $DOCKERFILE in $WORK"
for i in "${!instructions[@]}"; do
    instruction="${instructions[$i]}"
    read -r keyword rest <<< "$instruction"
    keyword="${keyword^^}"
    final=0; (( i >= final_stage )) && final=1
    case "$keyword" in
        FROM)
            stage_index=$((stage_index + 1))
            root="$WORK/stage$stage_index"; workdir="/"
            mkdir -p "$root"
            if [[ "$rest" =~ [[:space:]][Aa][Ss][[:space:]]+([^[:space:]]+) ]]; then stage_root["${BASH_REMATCH[1]}"]="$root"; fi
            stage_root["$stage_index"]="$root"
            say "stage $stage_index: FROM $rest (base image not available here: the local dotnet SDK and runtime stand in)"
            ;;
        WORKDIR)
            [[ "$rest" == /* ]] || die "WORKDIR must be absolute: $rest"
            workdir="$rest"; mkdir -p "$(inside "$workdir")"
            ;;
        COPY)
            read -r -a words <<< "$rest"
            from=""
            while [[ "${words[0]}" == --* ]]; do
                case "${words[0]}" in
                    --from=*) from="${words[0]#--from=}" ;;
                    --chown=*|--chmod=*|--link) ;;
                    *) die "unsupported COPY flag: ${words[0]}" ;;
                esac
                words=("${words[@]:1}")
            done
            (( ${#words[@]} >= 2 )) || die "COPY needs a source and a destination: $instruction"
            dest_word="${words[-1]}"; sources=("${words[@]:0:${#words[@]}-1}")
            dir_dest=0; [[ "$dest_word" == */ || "$dest_word" == "." || ${#sources[@]} -gt 1 ]] && dir_dest=1
            dest="$(inside "$dest_word")"
            for source in "${sources[@]}"; do
                if [[ -n "$from" ]]; then
                    [[ -n "${stage_root[$from]:-}" ]] || die "COPY --from=$from names no earlier stage"
                    copy_into "${stage_root[$from]}$source" "$dest" "$dir_dest"
                else
                    [[ "$source" != /* && "$source" != *..* ]] || die "COPY source outside the build context: $source"
                    copy_into "$REPO/$source" "$dest" "$dir_dest"
                fi
            done
            ;;
        RUN)
            (( final == 0 )) || die "RUN in the final stage cannot be replayed here: $rest"
            read -r -a words <<< "$rest"
            for word in "${words[@]}"; do
                [[ "$word" != /* && "$word" != *=/* ]] || die "RUN uses an absolute path ($word); keep the build stage's RUN lines relative to WORKDIR so smoke.sh can replay them"
            done
            say "RUN $rest"
            start=$SECONDS
            (cd "$(inside "$workdir")" && DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 bash -c "$rest") > "$WORK/run.log" 2>&1 \
                || { tail -n 40 "$WORK/run.log" >&2; die "RUN $rest"; }
            say "  done in $((SECONDS - start)) s"
            ;;
        ENV)
            (( final == 1 )) || die "ENV in a build stage is not replayed by smoke.sh: $rest"
            read -r -a words <<< "$rest"
            for pair in "${words[@]}"; do
                [[ "$pair" =~ ^[A-Za-z_][A-Za-z0-9_]*=[^\"\']*$ ]] || die "unsupported ENV form (use KEY=value without quotes): $pair"
                runtime_env+=("$pair")
            done
            ;;
        USER)
            user="$rest"
            ;;
        ENTRYPOINT)
            [[ "$rest" =~ ^\[(.*)\]$ ]] || die "ENTRYPOINT must be the exec (JSON array) form: $rest"
            IFS=',' read -r -a parts <<< "${BASH_REMATCH[1]}"
            entrypoint=()
            for part in "${parts[@]}"; do
                [[ "$part" =~ ^[[:space:]]*\"([^\"]*)\"[[:space:]]*$ ]] || die "cannot read ENTRYPOINT element: $part"
                entrypoint+=("${BASH_REMATCH[1]}")
            done
            ;;
        EXPOSE|LABEL|ARG|HEALTHCHECK|STOPSIGNAL) ;;
        *) die "unsupported Dockerfile instruction: $keyword" ;;
    esac
done

(( ${#entrypoint[@]} > 0 )) || die "the Dockerfile has no ENTRYPOINT"
[[ -n "$user" && "$user" != "root" && "$user" != "0" && "$user" != 0:* && "$user" != root:* ]] \
    || die "the final stage must end with a non-root USER (found '${user:-none}')"
APP_DIR="$(inside "$workdir")"
say "final stage: WORKDIR $workdir, USER $user, ENTRYPOINT ${entrypoint[*]}"
[[ -f "$APP_DIR/${entrypoint[-1]}" ]] || die "the ENTRYPOINT's ${entrypoint[-1]} is not in the published output ($workdir)"

# ---- Database and port.
port=""
for _ in $(seq 1 50); do
    candidate=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
done
[[ -n "$port" ]] || die "no free port found"

if [[ -n "${SCIMBRIDGE_TEST_POSTGRES:-}" ]]; then
    command -v psql >/dev/null || die "SCIMBRIDGE_TEST_POSTGRES is set but psql is not on PATH (needed to create a fresh database)"
    # Npgsql's "Key=Value;" pairs to libpq's environment for psql.
    PG_ADMIN_DB=postgres
    IFS=';' read -r -a pg_pairs <<< "$SCIMBRIDGE_TEST_POSTGRES"
    bridge_connection=""
    for pair in "${pg_pairs[@]}"; do
        [[ "$pair" == *=* ]] || continue
        key="${pair%%=*}"; value="${pair#*=}"
        case "${key,,}" in
            host|server) export PGHOST="$value" ;;
            port) export PGPORT="$value" ;;
            username|user\ id|user|userid) export PGUSER="$value" ;;
            password) export PGPASSWORD="$value" ;;
            database) PG_ADMIN_DB="$value"; continue ;;
        esac
        bridge_connection+="$pair;"
    done
    PG_DATABASE="scimbridge_smoke_$(date +%s)_$$"
    psql -v ON_ERROR_STOP=1 -q -d "$PG_ADMIN_DB" -c "CREATE DATABASE \"$PG_DATABASE\"" >/dev/null \
        || die "could not create database $PG_DATABASE on the server in SCIMBRIDGE_TEST_POSTGRES"
    database_env=("Database__Provider=Postgres" "ConnectionStrings__ScimBridge=${bridge_connection}Database=$PG_DATABASE")
    say "database: PostgreSQL, fresh database $PG_DATABASE"
else
    database_env=("Database__Provider=Sqlite" "ConnectionStrings__ScimBridge=Data Source=$WORK/scimbridge.db")
    say "database: SQLite in $WORK (set SCIMBRIDGE_TEST_POSTGRES to use PostgreSQL)"
fi

# The container's environment: the Dockerfile's ENV, the database, and the port on this machine; nothing else
# from this shell leaks in (e.g. an ASPNETCORE_URLS that would override the port).
# HOME is a fresh directory, as the app user's is in the image: nothing lands in this machine's home.
mkdir -p "$WORK/home"
container_env=(PATH="$PATH" HOME="$WORK/home" "${runtime_env[@]}" "${database_env[@]}" "ASPNETCORE_HTTP_PORTS=$port")
[[ -n "${DOTNET_ROOT:-}" ]] && container_env+=(DOTNET_ROOT="$DOTNET_ROOT")
run_entrypoint() { (cd "$APP_DIR" && env -i "${container_env[@]}" "${entrypoint[@]}" "$@"); }

# ---- Start the server with the ENTRYPOINT and wait for /readyz.
say "starting: ${entrypoint[*]} (ASPNETCORE_HTTP_PORTS=$port)"
(cd "$APP_DIR" && exec env -i "${container_env[@]}" "${entrypoint[@]}") > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
base="http://127.0.0.1:$port"
start=$SECONDS
until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base/readyz" || true)" == "200" ]]; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        tail -n 60 "$WORK/server.log" >&2
        die "the server exited while starting"
    fi
    if (( SECONDS - start > READY_DEADLINE_SECONDS )); then
        tail -n 60 "$WORK/server.log" >&2
        die "/readyz did not answer 200 within $READY_DEADLINE_SECONDS s"
    fi
    sleep 0.2
done
say "ok: /readyz 200 after $((SECONDS - start)) s"

expect_status() { # expect_status CODE DESCRIPTION CURL_ARGS...
    local expected="$1" description="$2" actual
    shift 2
    actual="$(curl -s -o "$WORK/body" -w '%{http_code}' --max-time 10 "$@" || true)"
    if [[ "$actual" != "$expected" ]]; then
        head -c 2000 "$WORK/body" >&2 || true
        die "$description: expected $expected, got ${actual:-no answer}"
    fi
    say "ok: $description -> $actual"
}

expect_status 200 "GET /healthz" "$base/healthz"
expect_status 401 "GET /scim/v2/Users without a token" "$base/scim/v2/Users"

say "creating a token: ${entrypoint[*]} token create --name smoke"
token_output="$(run_entrypoint token create --name smoke 2>&1)" || { printf '%s\n' "$token_output" >&2; die "token create failed"; }
token="$(printf '%s\n' "$token_output" | tail -n 1)"
[[ -n "$token" && "$token" != *" "* ]] || { printf '%s\n' "$token_output" >&2; die "token create printed no token on its last line"; }

expect_status 200 "GET /scim/v2/Users with the created token" -H "Authorization: Bearer $token" "$base/scim/v2/Users"
grep -q '"totalResults"' "$WORK/body" || die "GET /scim/v2/Users did not answer a SCIM list"

kill -TERM "$SERVER_PID"
for _ in $(seq 1 150); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$SERVER_PID" 2>/dev/null; then die "the server did not stop within 15 s of SIGTERM"; fi
wait "$SERVER_PID" 2>/dev/null && server_status=0 || server_status=$?
SERVER_PID=""
(( server_status == 0 )) || { tail -n 40 "$WORK/server.log" >&2; die "the server exited with status $server_status after SIGTERM"; }
say "ok: stopped cleanly on SIGTERM"
say "passed in $SECONDS s"
