#!/bin/bash
# The healthcheck: the broker answers an authenticated client.
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.BrokerApiVersionsCommand "$@"
