#!/bin/bash
# Create SIPELKOP's domain topics with explicit partitions, replication and retention; never auto-creation.
# Idempotent: run it on the first install and again on every upgrade (new topics appear, settings are re-applied).
# Runs inside the apache/kafka image (compose service `kafka-init`, Kubernetes Job `sipelkop-topics`).
#
#   KAFKA_BOOTSTRAP          brokers, e.g. kafka-1:9092,kafka-2:9092,kafka-3:9092 (required)
#   SIPELKOP_TOPIC_PREFIX    namespace for one province on a shared cluster, e.g. "kaltim." (default empty)
#   TOPIC_PARTITIONS         6 = shared.messaging.broker.DEFAULT_PARTITIONS = most consumers per group that work
#   TOPIC_REPLICATION        3 brokers hold each partition
#   TOPIC_MIN_INSYNC         2: an acks=all write survives one broker down and is refused rather than kept on one
set -euo pipefail

: "${KAFKA_BOOTSTRAP:?set KAFKA_BOOTSTRAP to the brokers, e.g. kafka-1:9092,kafka-2:9092,kafka-3:9092}"
PREFIX="${SIPELKOP_TOPIC_PREFIX:-}"
PARTITIONS="${TOPIC_PARTITIONS:-6}"
REPLICATION="${TOPIC_REPLICATION:-3}"
MIN_INSYNC="${TOPIC_MIN_INSYNC:-2}"
BIN="${KAFKA_BIN:-/opt/kafka/bin}"

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

# retention.ms=-1: events are kept forever, reporting rebuilds its projections by replaying them.
CONFIGS="retention.ms=-1,cleanup.policy=delete,min.insync.replicas=${MIN_INSYNC}"

for attempt in $(seq 1 60); do
  if "$BIN/kafka-topics.sh" --bootstrap-server "$KAFKA_BOOTSTRAP" --list >/dev/null 2>&1; then break; fi
  echo "waiting for Kafka at $KAFKA_BOOTSTRAP ($attempt/60)"
  sleep 5
done

existing="$("$BIN/kafka-topics.sh" --bootstrap-server "$KAFKA_BOOTSTRAP" --list)"
for name in "${TOPICS[@]}"; do
  topic="${PREFIX}${name}"
  if grep -qxF "$topic" <<<"$existing"; then
    # Settings are re-applied; partitions are never raised here: more partitions move keys to other partitions
    # and break one entity's order. Raising them is a planned step (deploy/README.md, "Partitioning").
    "$BIN/kafka-configs.sh" --bootstrap-server "$KAFKA_BOOTSTRAP" --alter --entity-type topics \
      --entity-name "$topic" --add-config "$CONFIGS"
    echo "exists:  $topic (settings re-applied)"
  else
    "$BIN/kafka-topics.sh" --bootstrap-server "$KAFKA_BOOTSTRAP" --create --if-not-exists --topic "$topic" \
      --partitions "$PARTITIONS" --replication-factor "$REPLICATION" \
      --config retention.ms=-1 --config cleanup.policy=delete --config "min.insync.replicas=${MIN_INSYNC}"
    echo "created: $topic ($PARTITIONS partitions, replication $REPLICATION, min.insync.replicas $MIN_INSYNC)"
  fi
done
"$BIN/kafka-topics.sh" --bootstrap-server "$KAFKA_BOOTSTRAP" --describe --topics-with-overrides | grep -F "${PREFIX}sipelkop." || true
