#!/bin/bash
# Create SIPELKOP's domain topics with explicit partitions, replication and retention; never auto-creation. On a
# broker with SASL and the StandardAuthorizer, then each service's ACLs: it writes (and may create) only its own
# topics, reads only the topics it consumes, with its own consumer group, and may write idempotently.
# Idempotent: run it on the first install and again on every upgrade (new topics appear, settings are re-applied).
# Runs inside the apache/kafka image (compose service `kafka-init`, Kubernetes Job `sipelkop-topics`).
#
#   KAFKA_BOOTSTRAP          brokers, e.g. kafka-1:9092,kafka-2:9092,kafka-3:9092 (required)
#   SIPELKOP_TOPIC_PREFIX    namespace for one province on a shared cluster, e.g. "kaltim." (default empty)
#   TOPIC_PARTITIONS         6 = shared.messaging.broker.DEFAULT_PARTITIONS = most consumers per group that work
#   TOPIC_REPLICATION        3 brokers hold each partition
#   TOPIC_MIN_INSYNC         2: an acks=all write survives one broker down and is refused rather than kept on one
#   KAFKA_ADMIN_PASSWORD     with SASL (compose, Kubernetes): the admin principal's password; then each service's
#                            SCRAM user (KAFKA_PASSWORD_<SERVICE>) and ACLs (the GRANTS below) are created too
set -euo pipefail

: "${KAFKA_BOOTSTRAP:?set KAFKA_BOOTSTRAP to the brokers, e.g. kafka-1:9092,kafka-2:9092,kafka-3:9092}"
PREFIX="${SIPELKOP_TOPIC_PREFIX:-}"
PARTITIONS="${TOPIC_PARTITIONS:-6}"
REPLICATION="${TOPIC_REPLICATION:-3}"
MIN_INSYNC="${TOPIC_MIN_INSYNC:-2}"
BIN="${KAFKA_BIN:-/opt/kafka/bin}"
# With SASL the tools sign in as the admin principal (SCRAM-SHA-512 over TLS); ADMIN holds their --command-config.
#   KAFKA_SECURITY_PROTOCOL  SASL_SSL (default);  KAFKA_CA_FILE  PEM of the brokers' CA (default /run/secrets/kafka-ca)
ADMIN=()
if [[ -n "${KAFKA_ADMIN_PASSWORD:-}" ]]; then
  ADMIN_CONFIG="$(mktemp)"
  chmod 600 "$ADMIN_CONFIG"
  trap 'rm -f "$ADMIN_CONFIG"' EXIT
  cat > "$ADMIN_CONFIG" <<CONFIG
security.protocol=${KAFKA_SECURITY_PROTOCOL:-SASL_SSL}
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${KAFKA_ADMIN_PASSWORD}";
ssl.truststore.type=PEM
ssl.truststore.location=${KAFKA_CA_FILE:-/run/secrets/kafka-ca}
CONFIG
  ADMIN=(--command-config "$ADMIN_CONFIG")
fi

# Every topic in shared/events/catalogue.py ALL_TOPICS; tests/deploy checks the two lists agree.
TOPICS=(
  sipelkop.identity.account
  sipelkop.registration.cooperative
  sipelkop.registration.enrollment
  sipelkop.registration.participant
  sipelkop.training.batch
  sipelkop.training.certificate
  sipelkop.training.completion
  sipelkop.training.evaluation
  sipelkop.training.programme
  sipelkop.training.score
  sipelkop.training.session
)

# retention.ms=-1 and retention.bytes=-1: events are kept forever (neither age nor a broker's size default cuts
# them), reporting rebuilds its projections and `sipelkop kafka recover` replays them.
CONFIGS="retention.ms=-1,retention.bytes=-1,cleanup.policy=delete,min.insync.replicas=${MIN_INSYNC}"

for attempt in $(seq 1 60); do
  if "$BIN/kafka-topics.sh" --bootstrap-server "$KAFKA_BOOTSTRAP" "${ADMIN[@]}" --list >/dev/null 2>&1; then break; fi
  echo "waiting for Kafka at $KAFKA_BOOTSTRAP ($attempt/60)"
  sleep 5
done

existing="$("$BIN/kafka-topics.sh" --bootstrap-server "$KAFKA_BOOTSTRAP" "${ADMIN[@]}" --list)"
for name in "${TOPICS[@]}"; do
  topic="${PREFIX}${name}"
  if grep -qxF "$topic" <<<"$existing"; then
    # Settings are re-applied; partitions are never raised here: more partitions move keys to other partitions
    # and break one entity's order. Raising them is a planned step (deploy/README.md, "Partitioning").
    "$BIN/kafka-configs.sh" --bootstrap-server "$KAFKA_BOOTSTRAP" "${ADMIN[@]}" --alter --entity-type topics \
      --entity-name "$topic" --add-config "$CONFIGS"
    echo "exists:  $topic (settings re-applied)"
  else
    "$BIN/kafka-topics.sh" --bootstrap-server "$KAFKA_BOOTSTRAP" "${ADMIN[@]}" --create --if-not-exists --topic "$topic" \
      --partitions "$PARTITIONS" --replication-factor "$REPLICATION" \
      --config retention.ms=-1 --config retention.bytes=-1 --config cleanup.policy=delete --config "min.insync.replicas=${MIN_INSYNC}"
    echo "created: $topic ($PARTITIONS partitions, replication $REPLICATION, min.insync.replicas $MIN_INSYNC)"
  fi
done
"$BIN/kafka-topics.sh" --bootstrap-server "$KAFKA_BOOTSTRAP" "${ADMIN[@]}" --describe --topics-with-overrides | grep -F "${PREFIX}sipelkop." || true

[[ -n "${KAFKA_ADMIN_PASSWORD:-}" ]] || { echo "no KAFKA_ADMIN_PASSWORD: no users, no ACLs (a broker without SASL)"; exit 0; }

# Each service's SCRAM user, created or given its current password (compose's brokers made them at format time;
# a cluster of its own, as on Kubernetes, gets them here). KAFKA_PASSWORD_<SERVICE> unset: the user is left alone.
for user in identity registration training reporting; do
  var="KAFKA_PASSWORD_${user^^}"
  [[ -n "${!var:-}" ]] || continue
  "$BIN/kafka-configs.sh" --bootstrap-server "$KAFKA_BOOTSTRAP" "${ADMIN[@]}" --alter --entity-type users \
    --entity-name "$user" --add-config "SCRAM-SHA-512=[password=${!var}]" >/dev/null
  echo "user:    $user (SCRAM-SHA-512)"
done

# user resource pattern name operations: shared/infra/kafka_access.py all_grants(), grouped; the reads are the
# topics of each service's consumers (services/*/entrypoints/consumers.py). tests/deploy checks they agree.
GRANTS=(
  "identity TOPIC PREFIXED sipelkop.identity. WRITE,DESCRIBE,CREATE"
  "identity CLUSTER LITERAL kafka-cluster IDEMPOTENT_WRITE,DESCRIBE"
  "registration TOPIC PREFIXED sipelkop.registration. WRITE,DESCRIBE,CREATE"
  "registration TOPIC LITERAL sipelkop.identity.account READ,DESCRIBE"
  "registration TOPIC LITERAL sipelkop.training.batch READ,DESCRIBE"
  "registration TOPIC LITERAL sipelkop.training.completion READ,DESCRIBE"
  "registration TOPIC LITERAL sipelkop.training.programme READ,DESCRIBE"
  "registration GROUP PREFIXED sipelkop-registration READ,DESCRIBE"
  "registration CLUSTER LITERAL kafka-cluster IDEMPOTENT_WRITE,DESCRIBE"
  "training TOPIC PREFIXED sipelkop.training. WRITE,DESCRIBE,CREATE"
  "training TOPIC LITERAL sipelkop.identity.account READ,DESCRIBE"
  "training TOPIC LITERAL sipelkop.registration.enrollment READ,DESCRIBE"
  "training TOPIC LITERAL sipelkop.registration.participant READ,DESCRIBE"
  "training GROUP PREFIXED sipelkop-training READ,DESCRIBE"
  "training CLUSTER LITERAL kafka-cluster IDEMPOTENT_WRITE,DESCRIBE"
  "reporting TOPIC PREFIXED sipelkop.reporting. WRITE,DESCRIBE,CREATE"
  "reporting TOPIC LITERAL sipelkop.identity.account READ,DESCRIBE"
  "reporting TOPIC LITERAL sipelkop.registration.cooperative READ,DESCRIBE"
  "reporting TOPIC LITERAL sipelkop.registration.enrollment READ,DESCRIBE"
  "reporting TOPIC LITERAL sipelkop.training.batch READ,DESCRIBE"
  "reporting TOPIC LITERAL sipelkop.training.certificate READ,DESCRIBE"
  "reporting TOPIC LITERAL sipelkop.training.completion READ,DESCRIBE"
  "reporting TOPIC LITERAL sipelkop.training.evaluation READ,DESCRIBE"
  "reporting TOPIC LITERAL sipelkop.training.programme READ,DESCRIBE"
  "reporting TOPIC LITERAL sipelkop.training.score READ,DESCRIBE"
  "reporting TOPIC LITERAL sipelkop.training.session READ,DESCRIBE"
  "reporting GROUP PREFIXED sipelkop-reporting READ,DESCRIBE"
  "reporting CLUSTER LITERAL kafka-cluster IDEMPOTENT_WRITE,DESCRIBE"
)

declare -A OPERATION=([READ]=Read [WRITE]=Write [CREATE]=Create [DESCRIBE]=Describe [IDEMPOTENT_WRITE]=IdempotentWrite)
for grant in "${GRANTS[@]}"; do
  read -r user resource pattern name operations <<<"$grant"
  case "$resource" in
    TOPIC) target=(--topic "${PREFIX}${name}"); shown="topic ${PREFIX}${name}" ;;
    GROUP) target=(--group "${PREFIX}${name}"); shown="group ${PREFIX}${name}" ;;
    CLUSTER) target=(--cluster); shown="the cluster" ;;
  esac
  ops=()
  for op in ${operations//,/ }; do ops+=(--operation "${OPERATION[$op]}"); done
  "$BIN/kafka-acls.sh" --bootstrap-server "$KAFKA_BOOTSTRAP" "${ADMIN[@]}" --add --allow-principal "User:${user}" \
    "${ops[@]}" "${target[@]}" --resource-pattern-type "${pattern,,}" >/dev/null
  echo "granted: User:${user} ${operations} on ${shown} (${pattern,,})"
done
