# Tests/docker/dockerd.sh -- sourced INSIDE the test VM by node.sh (one-node swarm) and pair.sh (two-node swarm)
# with backend (nft or legacy), out (the directory of this node's logs), dev and addr set (abort_file optional):
# the helpers both use, then the VM made a Docker host: cgroups, the modules of overlay networks and IPVS,
# `iptables` switched to iptables-$backend (in the VM's throwaway root only), $addr/24 on $dev (a dummy device d0 is
# made first), a default route via 192.168.99.254, an upstream resolver on 192.168.99.1 (only where $addr is that)
# that knows one name, elsewhere.test; containerd and dockerd (the booted suite's docker.io; their data on tmpfs)
# started and answering.
start=$SECONDS phase_start=$SECONDS
log() { echo "docker node [$((SECONDS - start)) s] $*"; }
# phase NAME: the seconds since the previous phase ended, then the next phase starts.
phase() { echo "docker node: phase $1: $((SECONDS - phase_start)) s"; echo "$1 $((SECONDS - phase_start))" >> "$out/phases.txt"; phase_start=$SECONDS; }
# broken WHAT: the node never became what the checks need; one failed test, so the run never passes or skips.
# With abort_file set (pair.sh), that file tells the other node at once, instead of letting it wait out its timeouts.
broken() { log "FAILED: $*"; [ -z "${abort_file:-}" ] || touch "$abort_file"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
# wait_for SECONDS WHAT CMD...: runs CMD every second until it succeeds; false after SECONDS, naming WHAT.
wait_for() {
  local limit=$1 what=$2; shift 2; local until=$((SECONDS + limit))
  until "$@"; do [ $SECONDS -lt $until ] || { log "after $limit s, still not: $what"; return 1; }; sleep 1; done
}
docker() { timeout 240 /usr/bin/docker "$@"; }  # the suite's own CLI (docker.io, or docker-cli since trixie)
# services_listed EXPECTED: `docker service ls` shows exactly EXPECTED ("NAME RUNNING/WANTED" lines, sorted).
services_listed() {
  docker service ls --format '{{.Name}} {{.Replicas}}' | sort > "$out/service-ls.txt"
  [ "$(cat "$out/service-ls.txt")" = "$1" ]
}
# await_services EXPECTED: every task running as services_listed EXPECTED says, or the node is broken after 900 s,
# with Docker's view of where each task is.
await_services() {
  wait_for 900 "every task running (docker service ls: ${1//$'\n'/, })" services_listed "$1" ||
    { cat "$out/service-ls.txt"; docker service ps --no-trunc my-web my-rr my-pub; broken "the services did not converge"; }
}

mountpoint -q /sys/fs/cgroup || mount -t cgroup2 cgroup2 /sys/fs/cgroup
modprobe -a dummy overlay br_netfilter vxlan veth bridge ip_vs ip_vs_rr xt_ipvs nf_tables nft_compat
update-alternatives --quiet --set iptables "/usr/sbin/iptables-$backend"
update-alternatives --quiet --set ip6tables "/usr/sbin/ip6tables-$backend"
readlink -f "$(command -v iptables)" > "$out/iptables-binary"
[ "$dev" != d0 ] || ip link add d0 type dummy
ip addr add "$addr/24" dev "$dev" && ip link set "$dev" up
ip route add default via 192.168.99.254 dev "$dev"
if [ "$addr" = 192.168.99.1 ]; then
  printf 'network: upstream\nservices:\n  - {name: elsewhere.test, vip: 192.0.2.7}\n' > /tmp/upstream.yaml
  "$root/.build/debug/swarmlb" dns serve --config /tmp/upstream.yaml --listen 192.168.99.1 --port 53 --upstream 127.0.0.1:9 \
    > "$out/upstream-dns.log" 2>&1 &
fi
printf 'nameserver 192.168.99.1\n' > /etc/resolv.conf
mkdir -p /var/lib/docker /var/lib/containerd
mount -t tmpfs -o size=1500m tmpfs /var/lib/docker && mount -t tmpfs tmpfs /var/lib/containerd

containerd > "$out/containerd.log" 2>&1 &
wait_for 240 "containerd listens on /run/containerd/containerd.sock" test -S /run/containerd/containerd.sock ||
  broken "containerd did not start ($out/containerd.log)"
# DOCKER_SERVICE_PREFER_OFFLINE_IMAGE: a task's image is not pulled first when it is there (no registry is reachable).
DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 dockerd --containerd=/run/containerd/containerd.sock --storage-driver overlay2 \
  > "$out/dockerd.log" 2>&1 &
dockerd_pid=$!
dockerd_answers() { kill -0 $dockerd_pid 2>/dev/null || return 0; docker info > /dev/null 2>&1; }
wait_for 240 "dockerd answers docker info" dockerd_answers && kill -0 $dockerd_pid 2>/dev/null ||
  { tail -20 "$out/dockerd.log"; broken "dockerd did not start ($out/dockerd.log)"; }
# The suites read Docker's version (DOCKER_NODE/docker-version) where releases differ.
docker version --format '{{.Server.Version}}' > "$out/docker-version" || broken "docker version"
log "dockerd up ($(cat "$out/docker-version"), $(uname -r), $(ip -V), iptables: $(cat "$out/iptables-binary"))"
phase dockerd
