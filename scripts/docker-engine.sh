#!/usr/bin/env bash
# A Docker Engine for `-T sandbox=docker`, on a Debian host that has none new enough.
#
#   scripts/docker-engine.sh start    install (once), start dockerd, build the images
#   scripts/docker-engine.sh stop     stop the dockerd this script started (by its pid)
#   scripts/docker-engine.sh status   what runs, and the images
#
# Inspect's docker sandbox needs Docker Engine >= 24.0.6 and Compose >= 2.21; Debian 12
# ships docker.io 20.10, and Inspect refuses Podman. So, as root, `start`:
#   1. installs containerd, runc, tini and iptables from the host's own release (apt-get);
#   2. fetches docker.io, docker-cli and docker-compose (the compose v2 plugin) from the
#      next Debian release (trixie) through a private apt sources list that points the
#      mirror apt already uses at that release, and unpacks them under the cache
#      (dpkg -x: nothing of the host's package state changes);
#   3. starts that dockerd in the background (pid file and log in the cache), with
#      tini-static as the init of `init: true` services, and waits for `docker info`;
#   4. builds, when missing, the base image `operator-eval-base:bookworm` (debootstrap
#      minbase of the host's release with python3, git and procps, trimmed) since no
#      registry may be reachable, and the world image `operator-eval-world:1` from
#      operator_eval/sandbox/containers (again when its Dockerfile changed).
# A running Docker Engine >= 24.0.6 (yours) is used as it is: nothing is installed or
# started, only the images are built. Every step is skipped when already done, so a
# second `start` takes about a second. Failures end with one line saying what is wrong.
#
# Settings (environment): OPEVAL_DOCKER_CACHE (default ~/.cache/operator-eval/docker),
# OPEVAL_DEBIAN_MIRROR (default: the host's apt mirror), OPEVAL_DOCKER_SUITE (trixie).
set -euo pipefail
cd "$(dirname "$0")/.."
CONTAINERS="$PWD/operator_eval/sandbox/containers"
CACHE="${OPEVAL_DOCKER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/operator-eval/docker}"
ENGINE="$CACHE/engine"   # the unpacked docker.io, docker-cli and docker-compose
PIDFILE="$CACHE/dockerd.pid"
LOG="$CACHE/dockerd.log"
SUITE="${OPEVAL_DOCKER_SUITE:-trixie}"
BASE_IMAGE="operator-eval-base:bookworm"
WORLD_IMAGE="operator-eval-world:1"
REQUIRED="24.0.6"
HOST_PACKAGES=(containerd runc tini iptables debootstrap)
ENGINE_PACKAGES=(docker.io docker-cli docker-compose)

die() { echo "docker-engine: $*" >&2; exit 1; }
say() { echo "docker-engine: $*"; }

# The docker CLI: the host's if it has one, else the unpacked one.
docker_cli() {
  if command -v docker >/dev/null 2>&1; then docker "$@"; else "$ENGINE/usr/bin/docker" "$@"; fi
}

server_version() { docker_cli version --format '{{.Server.Version}}' 2>/dev/null; }

version_ok() {  # $1 >= $REQUIRED (numeric parts only: 26.1.5+dfsg1 -> 26.1.5)
  local have="${1%%[+~-]*}"
  [ "$(printf '%s\n%s\n' "$REQUIRED" "$have" | sort -V | head -n1)" = "$REQUIRED" ]
}

our_pid() {  # the pid of the dockerd this script started, if it still runs
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null)" || return 1
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ] && echo "$pid"
}

host_mirror() {  # the Debian mirror apt already uses (deb822 or one-line sources)
  if [ -n "${OPEVAL_DEBIAN_MIRROR:-}" ]; then echo "$OPEVAL_DEBIAN_MIRROR"; return; fi
  local url
  url="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | awk '/^URIs:/ {print $2}' | grep -v -- '-security' | grep -m1 debian || true)"
  if [ -z "$url" ]; then
    url="$(grep -h '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
      | awk '{for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; exit}}' \
      | grep -v -- '-security' | grep -m1 debian || true)"
  fi
  echo "${url:-http://deb.debian.org/debian}"
}

install_host_packages() {
  local missing=() pkg
  for pkg in "${HOST_PACKAGES[@]}"; do
    dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return
  say "installing ${missing[*]} (apt-get)"
  apt-get update -qq >/dev/null || die "apt-get update failed (no package mirror reachable?)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
}

unpack_engine() {
  [ -x "$ENGINE/usr/sbin/dockerd" ] && [ -x "$ENGINE/usr/libexec/docker/cli-plugins/docker-compose" ] \
    && return
  local apt="$CACHE/apt" mirror
  mirror="$(host_mirror)"
  say "fetching ${ENGINE_PACKAGES[*]} from Debian $SUITE ($mirror)"
  rm -rf "$apt" "$ENGINE.new"
  mkdir -p "$apt/sources" "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/debs" "$ENGINE.new"
  printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n' \
    "$mirror" "$SUITE" /usr/share/keyrings/debian-archive-keyring.gpg > "$apt/sources/$SUITE.sources"
  local opts=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$apt/sources"
    -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o "Debug::NoLocking=1"
    -o "APT::Sandbox::User=root" -qq)
  apt-get "${opts[@]}" update >/dev/null || die "apt-get update of Debian $SUITE at $mirror failed"
  (cd "$apt/debs" && apt-get "${opts[@]}" download "${ENGINE_PACKAGES[@]}" >/dev/null) \
    || die "apt-get download ${ENGINE_PACKAGES[*]} from Debian $SUITE failed"
  local deb
  for deb in "$apt/debs"/*.deb; do dpkg -x "$deb" "$ENGINE.new"; done
  rm -rf "$ENGINE" && mv "$ENGINE.new" "$ENGINE"
  rm -rf "$apt"
}

# The CLI finds the compose plugin in ~/.docker/cli-plugins; give it ours when it has none.
link_compose_plugin() {
  docker_cli compose version >/dev/null 2>&1 && return
  [ -x "$ENGINE/usr/libexec/docker/cli-plugins/docker-compose" ] \
    || die "no 'docker compose' plugin (Compose v2 >= 2.21): install docker-compose-plugin"
  local plugins="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
  mkdir -p "$plugins"
  ln -sfn "$ENGINE/usr/libexec/docker/cli-plugins/docker-compose" "$plugins/docker-compose"
  say "linked the compose plugin into $plugins"
}

link_cli() {  # Inspect runs `docker` from PATH
  command -v docker >/dev/null 2>&1 && return
  ln -sfn "$ENGINE/usr/bin/docker" /usr/local/bin/docker
  say "linked the docker CLI into /usr/local/bin"
}

start_daemon() {
  mkdir -p "$CACHE/data"
  say "starting dockerd (log: $LOG)"
  # setsid + nohup: the daemon outlives this script and the terminal that ran it.
  PATH="$ENGINE/usr/sbin:$ENGINE/usr/bin:$PATH" setsid nohup "$ENGINE/usr/sbin/dockerd" \
    --pidfile "$PIDFILE" --data-root "$CACHE/data" --init-path "$(command -v tini-static)" \
    >"$LOG" 2>&1 </dev/null &
  local i
  for i in $(seq 1 60); do
    docker_cli info >/dev/null 2>&1 && return
    sleep 0.5
  done
  die "dockerd did not answer 'docker info' within 30 s; see $LOG: $(tail -n1 "$LOG" 2>/dev/null)"
}

build_base() {
  docker_cli image inspect "$BASE_IMAGE" >/dev/null 2>&1 && return
  [ "$(id -u)" = 0 ] || die "building $BASE_IMAGE needs root (debootstrap); run this as root once"
  command -v debootstrap >/dev/null 2>&1 || install_host_packages
  local root="$CACHE/base-rootfs" release
  release="$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")"
  say "building $BASE_IMAGE: debootstrap of Debian $release (about a minute)"
  rm -rf "$root"
  debootstrap --variant=minbase --include=python3,git,procps "$release" "$root" "$(host_mirror)" \
    >"$CACHE/debootstrap.log" 2>&1 || die "debootstrap failed; see $CACHE/debootstrap.log"
  # Trimmed: package caches, docs and translations are of no use in a world.
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin \
    "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/* \
    "$root"/usr/share/info/* "$root"/usr/share/locale/* "$root"/var/log/*.log
  tar -C "$root" -c . | docker_cli import -c 'CMD ["bash"]' - "$BASE_IMAGE" >/dev/null \
    || die "docker import of $BASE_IMAGE failed"
  rm -rf "$root"
}

build_world() {
  local stamp="$CACHE/world-image.sha256" hash
  hash="$(cat "$CONTAINERS"/{Dockerfile,compose.yaml,world_init.py} | sha256sum | cut -d' ' -f1)"
  if docker_cli image inspect "$WORLD_IMAGE" >/dev/null 2>&1 \
    && [ "$(cat "$stamp" 2>/dev/null)" = "$hash" ]; then
    return
  fi
  say "building $WORLD_IMAGE"
  docker_cli compose -f "$CONTAINERS/compose.yaml" build --quiet >"$CACHE/build.log" 2>&1 \
    || die "building $WORLD_IMAGE failed; see $CACHE/build.log"
  echo "$hash" > "$stamp"
}

cmd_start() {
  mkdir -p "$CACHE"
  local version pid
  version="$(server_version || true)"
  if [ -n "$version" ]; then
    version_ok "$version" || die "the running Docker Engine is $version; Inspect needs >= $REQUIRED"
    if pid="$(our_pid)"; then
      say "dockerd $version already running (pid $pid)"
    else
      say "using the running Docker Engine $version (not started by this script: nothing installed)"
    fi
  else
    [ "$(id -u)" = 0 ] || die "no Docker Engine answers, and installing one needs root"
    command -v apt-get >/dev/null 2>&1 || die "no Docker Engine answers, and no apt-get to install one"
    [ -e /var/run/docker.sock ] && ! our_pid >/dev/null && ! pgrep -x dockerd >/dev/null \
      && rm -f /var/run/docker.sock  # left by a daemon that died
    pgrep -x dockerd >/dev/null && ! our_pid >/dev/null \
      && die "a dockerd runs but does not answer 'docker info'; stop it first"
    install_host_packages
    unpack_engine
    link_cli
    start_daemon
    say "dockerd $(server_version) started (pid $(our_pid || echo '?'))"
  fi
  link_compose_plugin
  build_base
  build_world
  say "ready: $BASE_IMAGE and $WORLD_IMAGE"
}

cmd_stop() {
  local pid i
  if ! pid="$(our_pid)"; then
    say "no dockerd started by this script is running"
    return
  fi
  kill -TERM "$pid"
  for i in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { say "dockerd (pid $pid) stopped"; return; }
    sleep 0.5
  done
  die "dockerd (pid $pid) did not stop within 30 s; see $LOG"
}

cmd_status() {
  local version pid
  version="$(server_version || true)"
  if [ -z "$version" ]; then
    say "no Docker Engine answers"
    return 3
  fi
  if pid="$(our_pid)"; then
    say "dockerd $version running (pid $pid, started by this script)"
  else
    say "Docker Engine $version running (not started by this script)"
  fi
  local image
  for image in "$BASE_IMAGE" "$WORLD_IMAGE"; do
    if docker_cli image inspect "$image" >/dev/null 2>&1; then
      say "image $image: present"
    else
      say "image $image: missing (run: scripts/docker-engine.sh start)"
    fi
  done
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) die "usage: scripts/docker-engine.sh start|stop|status" ;;
esac
