#!/bin/bash
# A development CA and one TLS key and certificate per compose broker, into deploy/kafka/tls/ (never commit it):
#   ca.crt               the CA every client trusts (SIPELKOP_KAFKA_SSL_CAFILE, compose secret kafka-ca)
#   kafka-N.pem          node N's private key (PKCS#8) and certificate, SAN kafka-N and localhost (its
#                        healthcheck), the PEM keystore of compose secret kafka-N-keystore
# In production use the province's CA instead: the same three files, the same names. Needs openssl.
set -euo pipefail

OUT="${1:-$(dirname "${BASH_SOURCE[0]}")/tls}"
DAYS="${TLS_DAYS:-825}"
mkdir -p "$OUT"
chmod 700 "$OUT"
cd "$OUT"
umask 077
if [[ ! -f ca.key ]]; then
  openssl req -x509 -newkey rsa:3072 -nodes -keyout ca.key -out ca.crt -days 3650 -subj "/CN=SIPELKOP Kafka dev CA"
fi
for n in 1 2 3; do
  host="kafka-${n}"
  openssl req -newkey rsa:2048 -nodes -keyout "${host}.key" -out "${host}.csr" -subj "/CN=${host}"
  printf 'subjectAltName=DNS:%s,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n' "$host" > "${host}.ext"
  openssl x509 -req -in "${host}.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "${host}.crt" -days "$DAYS" \
    -extfile "${host}.ext"
  openssl pkcs8 -topk8 -nocrypt -in "${host}.key" -out "${host}.p8"
  cat "${host}.p8" "${host}.crt" > "${host}.pem"
  rm -f "${host}.csr" "${host}.ext" "${host}.key" "${host}.p8"
done
chmod 644 ca.crt
printf "*\n" > .gitignore  # keys never reach git
echo "CA and broker keystores in $OUT (ca.crt, kafka-1.pem, kafka-2.pem, kafka-3.pem)"
