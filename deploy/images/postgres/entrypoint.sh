#!/bin/bash
# First start (no PG_VERSION in $PGDATA): initdb with the superuser's password, then the init scripts over a
# private Unix socket only, so no client (nor the healthcheck's pg_isready) reaches a half-made server. Every start: postgres in the foreground.
# Called as the official image's docker-entrypoint.sh is: started as root it drops to the postgres user (so a
# wrapper such as deploy/postgres/start-tls.sh can first hand files to that user), a leading "postgres" argument is
# the server itself, the other arguments go to it (e.g. -c ssl_cert_file=...).
#   POSTGRES_PASSWORD   the superuser's (postgres) password (required on the first start)
#   POSTGRES_DB         an extra database to create on the first start (optional, as the official image)
set -euo pipefail
PGDATA="${PGDATA:-/var/lib/postgresql/data}"
if [[ "$(id -u)" == 0 ]]; then
  install -d -o postgres -g postgres -m 0700 "$PGDATA"
  export HOME=/var/lib/postgresql
  exec setpriv --reuid=postgres --regid=postgres --init-groups /bin/bash "${BASH_SOURCE[0]}" "$@"
fi
[[ "${1:-}" != postgres ]] || shift

if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
  : "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD, the password of the superuser, for the first start}"
  pwfile="$(mktemp)"
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb -D "$PGDATA" -U postgres --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=peer --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  # Clients come over the container network, each with its role's password, over TLS only (a production start
  # of a service refuses a database without it). A key is made here, one per data directory, never baked into the
  # image; compose gives the CA's certificate instead (start-tls.sh: -c ssl_cert_file=..., which overrides this);
  # clients ask for encryption (?ssl=require), the network is the stack's own.
  echo "hostssl all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=${POSTGRES_TLS_NAME:-postgres}" \
    -keyout "$PGDATA/server.key" -out "$PGDATA/server.crt" 2>/dev/null
  chmod 600 "$PGDATA/server.key"
  printf "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n" >> "$PGDATA/postgresql.conf"
  init_socket="$(mktemp -d)"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c unix_socket_directories=$init_socket" -w start >/dev/null
  export PGHOST="$init_socket"
  if [[ -n "${POSTGRES_DB:-}" && "${POSTGRES_DB}" != postgres ]]; then
    psql -v ON_ERROR_STOP=1 -U postgres -d postgres -c "CREATE DATABASE \"${POSTGRES_DB}\""
  fi
  for script in /docker-entrypoint-initdb.d/*.sql; do
    [[ -e "$script" ]] || continue
    echo "sipelkop-postgres: running $script"
    psql -v ON_ERROR_STOP=1 -U postgres -d postgres -f "$script"
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  unset PGHOST
  echo "sipelkop-postgres: cluster made in $PGDATA"
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"
