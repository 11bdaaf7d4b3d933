# Sourced by scripts/test-docker and scripts/test-fresh-debian (which define log()): a Docker
# engine, the same for root and for an ordinary user with sudo.
#
#   apt_install PKG...   apt-get install, through sudo when not root
#   docker_engine        installs Debian's docker.io when there is no Docker, starts dockerd in the
#                        background when none runs (through sudo when not root; log in
#                        LICENTIA_DOCKERD_LOG, default /var/log/licentia-dockerd.log; left
#                        running), and sets DOCKER_SUDO when this user cannot reach the engine's
#                        socket (not root, not in the docker group): then `docker` below runs the
#                        client through sudo
#   docker ARGS...       the Docker client, through sudo if DOCKER_SUDO is set
#   as_docker CMD...     any command (docker-compose, docker/base-image), through sudo if
#                        DOCKER_SUDO is set

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
DOCKER_SUDO=""

apt_install() { # $@: Debian packages
	log "installing $* (${SUDO:+sudo }apt-get)"
	$SUDO apt-get update -qq
	# Through `env`: sudo does not pass DEBIAN_FRONTEND on.
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

docker() {
	if [ -n "$DOCKER_SUDO" ]; then sudo docker "$@"; else command docker "$@"; fi
}

as_docker() {
	if [ -n "$DOCKER_SUDO" ]; then sudo "$@"; else "$@"; fi
}

# The engine answers, to this user or through sudo (then DOCKER_SUDO=1).
docker_reachable() {
	DOCKER_SUDO=""
	command docker info >/dev/null 2>&1 && return 0
	[ -n "$SUDO" ] && sudo docker info >/dev/null 2>&1 && DOCKER_SUDO=1 && return 0
	return 1
}

docker_engine() {
	local t=$SECONDS dockerd_log=${LICENTIA_DOCKERD_LOG:-/var/log/licentia-dockerd.log} driver pid
	# dockerd is in /usr/sbin, which an ordinary user's PATH may leave out.
	if ! command -v docker >/dev/null ||
		{ ! command -v dockerd >/dev/null && [ ! -x /usr/sbin/dockerd ] && ! docker_reachable; }; then
		apt_install docker.io
	fi
	if ! docker_reachable; then
		# overlay2 where the kernel allows it (dockerd's choice); vfs (slower, more disk) if
		# dockerd cannot start with it.
		for driver in "" vfs; do
			log "starting dockerd${driver:+ --storage-driver=$driver} (${SUDO:+with sudo, }log: $dockerd_log)"
			# dockerd outlives this script: it gets none of the descriptors above stderr, or it
			# would hold what they lock (scripts/env's cargo lock, taken with flock) for good.
			pid=$($SUDO bash -c 'for fd in /proc/$$/fd/*; do fd=${fd##*/}
					[ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
				setsid nohup dockerd "$@" >>"$0" 2>&1 </dev/null & echo $!' \
				"$dockerd_log" ${driver:+--storage-driver=$driver})
			for _ in $(seq 60); do
				docker_reachable && break 2
				[ -d "/proc/$pid" ] || break # dockerd gave up
				sleep 1
			done
			if [ -d "/proc/$pid" ]; then
				$SUDO sh -c 'kill "$0"' "$pid" # the shell's kill: /bin/kill may be missing
				sleep 2
			fi
			log "dockerd did not start; last lines of its log:"
			$SUDO tail -n 15 "$dockerd_log" >&2
		done
		docker_reachable || {
			log "FAIL: no Docker engine"
			exit 1
		}
		log "dockerd up in $((SECONDS - t)) s"
	fi
	log "engine: Docker $(docker version -f '{{.Server.Version}}'), storage driver $(docker info -f '{{.Driver}}')${DOCKER_SUDO:+ (through sudo: $(id -un) cannot reach its socket)}"
}
