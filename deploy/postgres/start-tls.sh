#!/bin/bash
# PostgreSQL with TLS for compose: the services' logins come with ?ssl=require (a production start refuses a
# database reached without TLS). Compose gives the certificate and key as secrets (deploy/kafka/dev-ca.sh makes a
# development pair signed by the same CA as the brokers'; production: the province's CA, same names). PostgreSQL
# reads a key only when the postgres user owns it with mode 0600, which a bind-mounted file of the host's user is
# not, so this entrypoint (the container's root) copies both to a directory of the postgres user outside the data
# volume, on every start, then hands over to the image's own entrypoint (official image and
# deploy/images/postgres alike), which drops to the postgres user.
#   POSTGRES_TLS_CERT, POSTGRES_TLS_KEY   default /run/secrets/postgres-tls-cert and /run/secrets/postgres-tls-key
set -euo pipefail
CERT="${POSTGRES_TLS_CERT:-/run/secrets/postgres-tls-cert}"
KEY="${POSTGRES_TLS_KEY:-/run/secrets/postgres-tls-key}"
DIR=/var/lib/postgresql/tls
install -d -o postgres -g postgres -m 0700 "$DIR"
install -o postgres -g postgres -m 0644 "$CERT" "$DIR/server.crt"
install -o postgres -g postgres -m 0600 "$KEY" "$DIR/server.key"
exec docker-entrypoint.sh postgres -c ssl=on -c "ssl_cert_file=$DIR/server.crt" -c "ssl_key_file=$DIR/server.key" "$@"
