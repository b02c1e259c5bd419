#!/usr/bin/env bash
# Build SIPELKOP's images with podman on a machine without a Docker engine or an image registry.
#
#   deploy/podman/build-images.sh                    # every image the compose stack uses
#   deploy/podman/build-images.sh kafka postgres     # only these (base is made first when missing)
#
# Images: base (Debian made with debootstrap, `podman import`), kafka, postgres, python (a stand-in for the
# official python image), service (deploy/Dockerfile on python), gateway, prometheus, node-exporter. Each
# Containerfile under deploy/images/ takes ARG BASE_IMAGE; here it is the local base (localhost/sipelkop-base:
# <suite>), on a machine with a registry leave it to its default (debian:bookworm-slim) or set BASE_IMAGE. Everything is cached: the base's root file system and the Kafka jars under
# SIPELKOP_PODMAN_CACHE (default /var/cache/sipelkop-podman), the images' layers in podman's store.
#
#   SUITE         Debian suite of the base (default: this machine's, from /etc/os-release)
#   BASE_IMAGE    base of every image (default localhost/sipelkop-base:$SUITE, made when missing)
#   IMAGE_TAG     tag of the service image (default 0.1.0, as docker-compose.yml)
#   CONTAINERS_CONF  podman's settings (default deploy/podman/containers.conf: runc, cgroupfs, no ulimits)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$ROOT/deploy/podman/containers.conf}"
CACHE="${SIPELKOP_PODMAN_CACHE:-/var/cache/sipelkop-podman}"
SUITE="${SUITE:-$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
LOCAL_BASE="localhost/sipelkop-base:${SUITE}"
BASE_IMAGE="${BASE_IMAGE:-$LOCAL_BASE}"
IMAGE_TAG="${IMAGE_TAG:-0.1.0}"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
KAFKA_VERSION="$(cd "$ROOT" && "$PY" -c 'from shared.infra.kafka_local import KAFKA_VERSION; print(KAFKA_VERSION)')"

# The tags docker-compose.yml names (tests/deploy keeps the two in step).
declare -A TAG=(
  [kafka]="localhost/sipelkop-kafka:${KAFKA_VERSION}"
  [postgres]="localhost/sipelkop-postgres:15"
  [python]="localhost/sipelkop-python:3.11-${SUITE}"
  [service]="localhost/sipelkop:${IMAGE_TAG}"
  [gateway]="localhost/sipelkop-gateway:1"
  [prometheus]="localhost/sipelkop-prometheus:1"
  [node-exporter]="localhost/sipelkop-node-exporter:1"
)
ALL=(kafka postgres python service gateway prometheus node-exporter)

log() { printf '[build-images %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

have() { podman image exists "$1"; }

build_base() {
  if have "$LOCAL_BASE"; then log "base: $LOCAL_BASE present"; return; fi
  local rootfs="$CACHE/rootfs-$SUITE"
  mkdir -p "$CACHE"
  if [[ ! -f "$rootfs/.complete" ]]; then
    log "base: debootstrap --variant=minbase $SUITE into $rootfs"
    rm -rf "$rootfs"
    debootstrap --variant=minbase "$SUITE" "$rootfs" "$MIRROR"
    # Apt inside the builds: the suite and its updates from Debian's mirror (plain http, signed Release files).
    printf 'deb %s %s main\ndeb %s %s-updates main\n' "$MIRROR" "$SUITE" "$MIRROR" "$SUITE" \
      > "$rootfs/etc/apt/sources.list"
    # Smaller layers: no documentation, no recommends, lists dropped by each image after its install.
    printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' > "$rootfs/etc/apt/apt.conf.d/90sipelkop"
    apt_clean_rootfs "$rootfs"
    touch "$rootfs/.complete"
  fi
  log "base: podman import as $LOCAL_BASE"
  tar --exclude=./.complete -C "$rootfs" -c . | podman import --change 'CMD ["/bin/bash"]' - "$LOCAL_BASE" >/dev/null
}

apt_clean_rootfs() {
  rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/* "$1"/usr/share/doc/* "$1"/usr/share/man/*
}

# A build with the base as argument; extra arguments go to podman build. Cached layers make a rebuild of an
# unchanged image take seconds.
build() {
  local name="$1" file="$2" context="$3"; shift 3
  local started=$SECONDS
  log "$name: building ${TAG[$name]}"
  # Docker format: it keeps HEALTHCHECK (the OCI format drops it).
  podman build --quiet --format docker --build-arg "BASE_IMAGE=$BASE_IMAGE" -f "$file" -t "${TAG[$name]}" "$@" "$context" >/dev/null
  log "$name: ${TAG[$name]} ready in $((SECONDS - started)) s"
}

build_kafka() {
  # The broker's jars as `sipelkop kafka` fetches them (shared/infra/kafka_local.py, Maven Central, cached), plus
  # the command-line tools' jar (topics, ACLs) that the broker itself does not need.
  local libs ctx="$CACHE/context/kafka"
  libs="$(cd "$ROOT" && "$PY" -c 'from shared.infra.kafka_local import ensure_kafka_jars; print(ensure_kafka_jars())')"
  rm -rf "$ctx"; mkdir -p "$ctx/libs"
  cp "$libs"/*.jar "$ctx/libs/"
  local tools="$CACHE/kafka-tools-$KAFKA_VERSION"
  if [[ ! -f "$tools/.complete" ]]; then
    rm -rf "$tools"
    (cd "$CACHE" && mvn -B -q dependency:copy -Dartifact="org.apache.kafka:kafka-tools:$KAFKA_VERSION" -DoutputDirectory="$tools")
    touch "$tools/.complete"
  fi
  cp "$tools"/*.jar "$ctx/libs/"
  cp -r "$ROOT/deploy/images/kafka/." "$ctx/"
  cp "$ROOT/deploy/kafka/start-broker.sh" "$ROOT/deploy/kafka/create-topics.sh" "$ctx/"
  build kafka "$ctx/Containerfile" "$ctx"
}

build_service() {
  # deploy/Dockerfile from the repository root on the python stand-in. An ignore file that is the repository's
  # .dockerignore plus requirements.lock lets the lock into the context; its files (and setuptools, to build the
  # project's wheel) are downloaded here with the host's pip, checked against the lock's hashes and cached, and
  # lent to the build, which installs them with no index.
  have "${TAG[python]}" || build python "$ROOT/deploy/images/python/Containerfile" "$ROOT/deploy/images/python"
  local ignore="$CACHE/service.dockerignore" wheels="$CACHE/wheels"
  mkdir -p "$wheels"
  { cat "$ROOT/.dockerignore"; echo '!requirements.lock'; } > "$ignore"
  "$PY" -m pip download -q --no-deps --require-hashes -r "$ROOT/requirements.lock" -d "$wheels"
  "$PY" -m pip download -q --no-deps "setuptools>=68" -d "$wheels"
  build service "$ROOT/deploy/Dockerfile" "$ROOT" --build-arg "PYTHON_IMAGE=${TAG[python]}" --ignorefile "$ignore" \
    --volume "$wheels:/run/wheels:ro" --build-arg PIP_WHEELS=/run/wheels
}

main() {
  local wanted=("$@")
  [[ ${#wanted[@]} -gt 0 ]] || wanted=("${ALL[@]}")
  local total=$SECONDS
  [[ "$BASE_IMAGE" != "$LOCAL_BASE" ]] || build_base
  for name in "${wanted[@]}"; do
    case "$name" in
      base) ;;
      kafka) build_kafka ;;
      service) build_service ;;
      postgres|python|gateway|prometheus|node-exporter)
        build "$name" "$ROOT/deploy/images/$name/Containerfile" "$ROOT/deploy/images/$name" ;;
      *) echo "build-images.sh: unknown image $name (one of: base ${ALL[*]})" >&2; exit 2 ;;
    esac
  done
  log "built ${wanted[*]} in $((SECONDS - total)) s"
}

main "$@"
