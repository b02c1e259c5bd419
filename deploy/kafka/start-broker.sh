#!/bin/bash
# One KRaft node (broker and controller) of compose's cluster, with SASL/SCRAM-SHA-512 over TLS for every client
# and mutual TLS between the controllers. Runs in the apache/kafka image instead of its own start script because
# the SCRAM users must be written by `kafka-storage.sh format --add-scram` before the first start: no broker can
# authenticate anyone, the admin included, until they exist. Each service's ACLs come afterwards from
# create-topics.sh (kafka-init), as the admin principal, which is the brokers' super user.
#
#   NODE_ID, CLUSTER_ID, QUORUM_VOTERS   this node, the cluster, e.g. 1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093
#   ADVERTISED_HOST                      the name the other containers reach this node by (its certificate's SAN)
#   KAFKA_ADMIN_PASSWORD, KAFKA_PASSWORD_IDENTITY, _REGISTRATION, _TRAINING, _REPORTING   SCRAM passwords (secrets)
#   KAFKA_KEYSTORE                       PEM: this node's private key (PKCS#8) and certificate (default
#                                        /run/secrets/kafka-keystore); made by deploy/kafka/dev-ca.sh or your CA
#   KAFKA_CA_FILE                        PEM of the CA that signed every node's certificate (/run/secrets/kafka-ca)
set -euo pipefail

for name in NODE_ID CLUSTER_ID QUORUM_VOTERS ADVERTISED_HOST KAFKA_ADMIN_PASSWORD KAFKA_PASSWORD_IDENTITY \
            KAFKA_PASSWORD_REGISTRATION KAFKA_PASSWORD_TRAINING KAFKA_PASSWORD_REPORTING; do
  [[ -n "${!name:-}" ]] || { echo "start-broker.sh: $name is not set" >&2; exit 1; }
done
KEYSTORE="${KAFKA_KEYSTORE:-/run/secrets/kafka-keystore}"
CA="${KAFKA_CA_FILE:-/run/secrets/kafka-ca}"
DATA="${KAFKA_DATA_DIR:-/var/lib/kafka/data}"
BIN="${KAFKA_BIN:-/opt/kafka/bin}"
CONFIG="${KAFKA_CONFIG_FILE:-/tmp/sipelkop-broker.properties}"

umask 077  # the file holds the admin's password (the brokers' own inter-broker login)
cat > "$CONFIG" <<CONFIG
node.id=${NODE_ID}
process.roles=broker,controller
listeners=SASL_SSL://:9092,CONTROLLER://:9093
advertised.listeners=SASL_SSL://${ADVERTISED_HOST}:9092
listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:SSL
controller.listener.names=CONTROLLER
controller.quorum.voters=${QUORUM_VOTERS}
inter.broker.listener.name=SASL_SSL
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${KAFKA_ADMIN_PASSWORD}";
ssl.keystore.type=PEM
ssl.keystore.location=${KEYSTORE}
ssl.truststore.type=PEM
ssl.truststore.location=${CA}
ssl.endpoint.identification.algorithm=https
# Controllers know each other by certificate (principal User:CN=kafka-N); clients by SCRAM only.
listener.name.controller.ssl.client.auth=required
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin;User:CN=kafka-1;User:CN=kafka-2;User:CN=kafka-3
allow.everyone.if.no.acl.found=false
log.dirs=${DATA}
auto.create.topics.enable=false
default.replication.factor=3
min.insync.replicas=2
num.partitions=6
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
group.initial.rebalance.delay.ms=3000
# Events are kept forever: reporting rebuilds its projections by replaying them.
log.retention.ms=-1
CONFIG

# The tools' own login for the healthcheck (kafka-broker-api-versions.sh --command-config).
cat > "${KAFKA_ADMIN_CLIENT_FILE:-/tmp/sipelkop-admin.properties}" <<CLIENT
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${KAFKA_ADMIN_PASSWORD}";
ssl.truststore.type=PEM
ssl.truststore.location=${CA}
CLIENT

if [[ ! -f "$DATA/meta.properties" ]]; then
  scram=()
  for user in admin identity registration training reporting; do
    var="KAFKA_PASSWORD_${user^^}"; [[ $user == admin ]] && var=KAFKA_ADMIN_PASSWORD
    scram+=(--add-scram "SCRAM-SHA-512=[name=${user},password=${!var}]")
  done
  "$BIN/kafka-storage.sh" format --cluster-id "$CLUSTER_ID" --config "$CONFIG" --ignore-formatted "${scram[@]}"
fi
exec "$BIN/kafka-server-start.sh" "$CONFIG"
