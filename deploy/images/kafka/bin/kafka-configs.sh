#!/bin/bash
# Topic and user settings (SCRAM passwords).
exec "$(dirname "$0")/kafka-run-class.sh" kafka.admin.ConfigCommand "$@"
