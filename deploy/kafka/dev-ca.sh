#!/bin/bash
# A development CA and one TLS key and certificate per compose broker, into deploy/kafka/tls/ (never commit it):
#   ca.crt               the CA every client trusts (SIPELKOP_KAFKA_SSL_CAFILE, compose secret kafka-ca)
#   kafka-N.pem          node N's private key (PKCS#8) and certificate, SAN kafka-N and localhost (its
#                        healthcheck), the PEM keystore of compose secret kafka-N-keystore; mode 0640, group
#                        KAFKA_GID (default 1000, the broker's group in apache/kafka and in deploy/images/kafka):
#                        the broker reads it through the bind mount, nobody else does
#   postgres.crt, .key   PostgreSQL's certificate (SAN postgres, localhost) and key, compose secrets
#                        postgres-tls-cert and postgres-tls-key; the key stays 0600 (the container's root copies it
#                        for the postgres user, deploy/postgres/start-tls.sh)
# In production use the province's CA instead: the same files, the same names. Needs openssl; giving the
# keystores to the broker's group needs root (sudo) unless you are in that group.
set -euo pipefail

OUT="${1:-$(dirname "${BASH_SOURCE[0]}")/tls}"
DAYS="${TLS_DAYS:-825}"
KAFKA_GID="${KAFKA_GID:-1000}"
mkdir -p "$OUT"
chmod 700 "$OUT"
cd "$OUT"
umask 077
if [[ ! -f ca.key ]]; then
  openssl req -x509 -newkey rsa:3072 -nodes -keyout ca.key -out ca.crt -days 3650 -subj "/CN=SIPELKOP Kafka dev CA"
fi
# A key and a certificate signed by the CA: $1 the host name (CN and SAN), $2 its extended key usage.
sign() {
  openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$1"
  printf 'subjectAltName=DNS:%s,DNS:localhost\nextendedKeyUsage=%s\n' "$1" "$2" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$1.crt" -days "$DAYS" -extfile "$1.ext"
  rm -f "$1.csr" "$1.ext"
}
for n in 1 2 3; do
  host="kafka-${n}"
  sign "$host" serverAuth,clientAuth
  openssl pkcs8 -topk8 -nocrypt -in "${host}.key" -out "${host}.p8"
  cat "${host}.p8" "${host}.crt" > "${host}.pem"
  rm -f "${host}.key" "${host}.p8" "${host}.crt"
done
sign postgres serverAuth
chmod 644 ca.crt postgres.crt
# The brokers run as uid/gid 1000 and read their keystore through the bind mount: readable by their group only.
chmod 640 kafka-1.pem kafka-2.pem kafka-3.pem
if ! chgrp "$KAFKA_GID" kafka-1.pem kafka-2.pem kafka-3.pem 2>/dev/null; then
  echo "dev-ca.sh: cannot give the keystores to group $KAFKA_GID (the brokers'); as root run:" >&2
  echo "  chgrp $KAFKA_GID $PWD/kafka-1.pem $PWD/kafka-2.pem $PWD/kafka-3.pem" >&2
  exit 1
fi
printf "*\n" > .gitignore  # keys never reach git
echo "CA, broker keystores and PostgreSQL's certificate in $OUT (ca.crt, kafka-{1,2,3}.pem group $KAFKA_GID, postgres.crt, postgres.key)"
