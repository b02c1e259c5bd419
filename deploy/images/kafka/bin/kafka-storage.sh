#!/bin/bash
# Format a node's storage (and its SCRAM users).
exec "$(dirname "$0")/kafka-run-class.sh" kafka.tools.StorageTool "$@"
