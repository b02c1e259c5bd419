#!/bin/bash
# The broker: one JVM with the heap compose gives (KAFKA_HEAP_OPTS) and G1, as Apache's launcher.
set -euo pipefail
exec java ${KAFKA_HEAP_OPTS:--Xms512m -Xmx1g} -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
  -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties -cp '/opt/kafka/libs/*' kafka.Kafka "$@"
