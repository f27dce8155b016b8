#!/bin/bash
# Tests/docker/node.sh BACKEND IMAGE OUT -- runs INSIDE the test VM (Tests/docker/run boots it): makes this VM a one-node
# Docker swarm (Debian's docker.io 20.10, containerd and Docker's data on tmpfs) whose `iptables` is iptables-BACKEND
# (nft or legacy; switched in the VM's throwaway root only), with an overlay network my-network (10.0.0.0/24), a VIP
# service with an alias and 3 tasks, a dnsrr service, a service publishing 8080 (ingress) and an attachable plain
# container; saves Docker's view and every namespace's state under OUT (readable on the host after the VM is gone),
# then runs the checks of Tests/integration/docker.sh against the live node.
set -uo pipefail
[ $# -eq 3 ] || { echo "usage: Tests/docker/node.sh nft|legacy IMAGE.tar OUT" >&2; exit 2; }
backend=$1 image=$2 out=$3
[ "${SWARMLB_IN_VM:-}" = 1 ] || { echo "node.sh runs inside the test VM (Tests/docker/run)" >&2; exit 2; }
root=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$out"; mkdir -p "$out"
start=$SECONDS
log() { echo "docker node [$((SECONDS - start)) s] $*"; }
docker() { timeout 240 /usr/bin/docker "$@"; }  # Debian's 20.10 CLI, whatever else is on PATH

# The VM: cgroups for runc, the modules of overlay networks and IPVS, the iptables Docker will run, an uplink
# (192.168.99.1 on a dummy device) and an upstream resolver there that knows one name, elsewhere.test.
mountpoint -q /sys/fs/cgroup || mount -t cgroup2 cgroup2 /sys/fs/cgroup
modprobe -a dummy overlay br_netfilter vxlan veth bridge ip_vs ip_vs_rr xt_ipvs nf_tables nft_compat
update-alternatives --quiet --set iptables "/usr/sbin/iptables-$backend"
update-alternatives --quiet --set ip6tables "/usr/sbin/ip6tables-$backend"
readlink -f "$(command -v iptables)" > "$out/iptables-binary"
ip link add d0 type dummy && ip addr add 192.168.99.1/24 dev d0 && ip link set d0 up
ip route add default via 192.168.99.254 dev d0
printf 'network: upstream\nservices:\n  - {name: elsewhere.test, vip: 192.0.2.7}\n' > /tmp/upstream.yaml
"$root/.build/debug/swarmlb" dns serve --config /tmp/upstream.yaml --listen 192.168.99.1 --port 53 --upstream 127.0.0.1:9 \
  > "$out/upstream-dns.log" 2>&1 &
printf 'nameserver 192.168.99.1\n' > /etc/resolv.conf
hostname swarmlb-node
mkdir -p /var/lib/docker /var/lib/containerd
mount -t tmpfs -o size=1500m tmpfs /var/lib/docker && mount -t tmpfs tmpfs /var/lib/containerd

containerd > "$out/containerd.log" 2>&1 &
for _ in $(seq 120); do [ -S /run/containerd/containerd.sock ] && break; sleep 0.5; done
dockerd --containerd=/run/containerd/containerd.sock --storage-driver overlay2 > "$out/dockerd.log" 2>&1 &
dockerd_pid=$!
for _ in $(seq 180); do docker info > /dev/null 2>&1 && break; kill -0 $dockerd_pid 2>/dev/null || break; sleep 1; done
docker info > /dev/null 2>&1 || { log "dockerd did not start"; tail -20 "$out/dockerd.log"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
log "dockerd up ($(docker version --format '{{.Server.Version}}'), iptables: $(cat "$out/iptables-binary"))"

docker import "$image" local/bb:latest > /dev/null && log "image imported"
# A long heartbeat: under emulation on a busy machine the 5 s default misses, the node goes down and its tasks move.
docker swarm init --advertise-addr 192.168.99.1 --default-addr-pool 10.255.0.0/16 --dispatcher-heartbeat 120s > /dev/null
docker network create -d overlay --attachable --subnet 10.0.0.0/24 my-network > /dev/null
httpd='hostname > /www/index.html; exec httpd -f -p 80 -h /www'
service() { docker service create --detach --no-resolve-image "$@" local/bb:latest sh -c "$httpd" > /dev/null; }
service --name my-web --replicas 3 --network name=my-network,alias=web
service --name my-rr --replicas 2 --network my-network --endpoint-mode dnsrr
service --name my-pub --replicas 2 --network my-network -p 8080:80
docker run -d --network my-network --name client local/bb:latest sleep 100000 > /dev/null
log "services and container created"
for _ in $(seq 200); do
  [ "$(docker service ls --format '{{.Replicas}}' | grep -c -E '^(3/3|2/2)$')" = 3 ] && break; sleep 2
done
docker service ls > "$out/service-ls.txt"
[ "$(grep -c -E ' (3/3|2/2) ' "$out/service-ls.txt")" = 3 ] || { log "services did not converge"; cat "$out/service-ls.txt";
  echo "0 passed, 1 failed, 0 skipped"; exit 1; }
sleep 8  # libnetwork programs the load balancers after the tasks run
log "swarm up: 3 services, 7 tasks, 1 container"

# Docker's view, and where each container's namespace is.
docker network inspect -v my-network > "$out/network-my-network.json"
docker network inspect -v ingress > "$out/network-ingress.json"
docker network inspect -v my-network ingress > "$out/networks.json"
docker ps --format '{{.Names}}' | sort | while read -r c; do
  printf '%s %s %s %s\n' "$c" "$(docker inspect -f '{{printf "%.12s" .Id}}' "$c")" "$(docker inspect -f '{{.NetworkSettings.SandboxKey}}' "$c")" \
    "$(docker inspect -f '{{with index .NetworkSettings.Networks "my-network"}}{{.IPAddress}}{{end}}' "$c")"
done > "$out/containers.txt"
ls /run/docker/netns > "$out/netns.txt"
for ns in host $(cat "$out/netns.txt"); do
  d=$out/ns/$ns; mkdir -p "$d"
  run=(); [ "$ns" = host ] || run=(nsenter --net="/run/docker/netns/$ns")
  "${run[@]}" ipvsadm -Ln > "$d/ipvsadm-Ln" 2>&1
  "${run[@]}" ip -o addr > "$d/ip-o-addr" 2>&1
  for t in filter nat mangle raw security; do "${run[@]}" iptables -S -t $t > "$d/iptables-S-$t" 2>&1; done
done
log "captured Docker's view and $(wc -l < "$out/netns.txt") namespaces in $out"

DOCKER_NODE=$out BACKEND=$backend "$root/Tests/integration/suite.sh" docker.sh
