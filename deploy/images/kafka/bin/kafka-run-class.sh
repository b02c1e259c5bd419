#!/bin/bash
# Run one of Kafka's main classes with every jar of the image (Apache's launcher of the same name, reduced).
#   KAFKA_HEAP_OPTS   e.g. -Xms512m -Xmx1g (default: a small heap, as the tools need)
set -euo pipefail
cds=()
[[ -f /opt/kafka/tools.jsa ]] && cds=(-XX:SharedArchiveFile=/opt/kafka/tools.jsa -Xshare:auto -Xlog:cds=off)
exec java ${KAFKA_HEAP_OPTS:--Xmx256m} "${cds[@]}" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
  -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties -cp '/opt/kafka/libs/*' "$@"
