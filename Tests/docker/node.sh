#!/bin/bash
# Tests/docker/node.sh BACKEND IMAGE OUT -- runs INSIDE the test VM (Tests/docker/run boots it): makes this VM a one-node
# Docker swarm (the booted Debian suite's docker.io: 20.10 on bookworm, 26.1 on trixie, 28.5 on sid; containerd and
# Docker's data on tmpfs) whose `iptables` is iptables-BACKEND
# (nft or legacy; switched in the VM's throwaway root only), with an overlay network my-network (10.0.0.0/24), a VIP
# service with an alias and 3 tasks, a dnsrr service, a service publishing 8080 (ingress) and an attachable plain
# container; saves Docker's view and every namespace's state under OUT (readable on the host after the VM is gone),
# then runs every suite Tests/integration/docker*.sh against the live node, each with its result line, and ends with
# the line "N passed, N failed, N skipped" over them all. Each phase prints its seconds ("docker node: phase ...").
# Whatever never becomes true (dockerd, the services, the load balancers) fails the run, naming it, after a timeout.
set -uo pipefail
[ $# -eq 3 ] || { echo "usage: Tests/docker/node.sh nft|legacy IMAGE.tar OUT" >&2; exit 2; }
backend=$1 image=$2 out=$3
[ "${SWARMLB_IN_VM:-}" = 1 ] || { echo "node.sh runs inside the test VM (Tests/docker/run)" >&2; exit 2; }
root=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$out"; mkdir -p "$out"
hostname swarmlb-node
dev=d0 addr=192.168.99.1
. "$root/Tests/docker/dockerd.sh"

docker import "$image" local/bb:latest > /dev/null || broken "docker import $image"
# A long heartbeat: under emulation on a busy machine the 5 s default misses, the node goes down and its tasks move.
docker swarm init --advertise-addr 192.168.99.1 --default-addr-pool 10.255.0.0/16 --dispatcher-heartbeat 120s > /dev/null ||
  broken "docker swarm init"
docker network create -d overlay --attachable --subnet 10.0.0.0/24 my-network > /dev/null || broken "docker network create"
httpd='hostname > /www/index.html; exec httpd -f -p 80 -h /www'
service() { docker service create --detach --no-resolve-image "$@" local/bb:latest sh -c "$httpd" > /dev/null || echo "$*" >> "$out/failed-creates"; }
# Each CLI call costs seconds under emulation: the three are made at once.
service --name my-web --replicas 3 --network name=my-network,alias=web & creates=$!
service --name my-rr --replicas 2 --network my-network --endpoint-mode dnsrr & creates="$creates $!"
service --name my-pub --replicas 2 --network my-network -p 8080:80 & creates="$creates $!"
wait $creates  # (not every job: dockerd, containerd and the upstream resolver run in the background too)
[ ! -s "$out/failed-creates" ] || broken "could not create: $(cat "$out/failed-creates")"
# The attachable container, once the services are made: attaching waits on the manager, and under load gives up
# ("attaching to network failed ... context deadline exceeded"), so it is tried again, from scratch, a few times.
# Each try gets 600 s, not the CLI's usual 240: a try killed while dockerd is still attaching leaves no error, and
# the next one starts over (both bookworm boots once spent their 600 s so, three tries cut short).
client() {
  docker rm -f client > /dev/null 2>&1
  timeout 600 /usr/bin/docker run -d --network my-network --name client local/bb:latest sleep 100000 > /dev/null 2>> "$out/client-run.err"
}
wait_for 1200 "docker run --network my-network --name client succeeds ($out/client-run.err)" client ||
  broken "could not start the container client"
phase create

# Converged: every task running, Docker's view of my-network holding them all and the plain container, and the
# load balancers programmed (my-network's: my-web's 3 tasks and my-pub's 2; the ingress sandbox: my-pub's 2).
await_services "$(printf 'my-pub 2/2\nmy-rr 2/2\nmy-web 3/3')"
phase converge
network_complete() {
  docker network inspect -v my-network > "$out/network-my-network.json" && python3 -c '
import json, sys
services = json.load(open(sys.argv[1]))[0].get("Services") or {}
tasks = {name: len(s.get("Tasks") or []) for name, s in services.items()}
sys.exit(tasks != {"my-web": 3, "my-rr": 2, "my-pub": 2, "": 1})' "$out/network-my-network.json"
}
reals() { nsenter --net="$1" ipvsadm -Ln 2>/dev/null | grep -c -- '-> [0-9]'; }
load_balancers_programmed() {
  local lb; lb=$(ls -d /run/docker/netns/lb_* 2>/dev/null) && [ -e /run/docker/netns/ingress_sbox ] &&
    [ "$(reals "$lb")" = 5 ] && [ "$(reals /run/docker/netns/ingress_sbox)" = 2 ]
}
wait_for 300 "docker network inspect -v my-network holds 7 tasks and the container client" network_complete ||
  broken "Docker's view of my-network is incomplete ($out/network-my-network.json)"
wait_for 300 "the load balancers hold their reals (5 in lb_*, 2 in ingress_sbox)" load_balancers_programmed ||
  broken "the load balancers were not programmed"
# Idle: no file of a removed sandbox under /run/docker/netns (a failed attempt at the container client leaves one:
# Docker unmounts its namespace at once and deletes the file at its next clean-up, within about two minutes), so
# that the namespaces captured are the ones the checks find.
mounted_namespaces() { local f; for f in /run/docker/netns/*; do [ "$(stat -f -c %T "$f")" != nsfs ] || basename "$f"; done; }
no_removed_sandbox() { [ "$(ls /run/docker/netns | wc -l)" = "$(mounted_namespaces | wc -l)" ]; }
wait_for 200 "every file under /run/docker/netns a mounted namespace (Docker's clean-up of removed sandboxes)" \
  no_removed_sandbox || broken "files of removed sandboxes stay under /run/docker/netns: $(ls /run/docker/netns | tr '\n' ' ')"
phase program
log "swarm up: 3 services, 7 tasks, 1 container"

# Docker's view, where each container's namespace is, and what the classic tools print in every namespace Docker
# made and the host ("host"): ns/NAME/{ipvsadm-Ln,ip-o-addr,iptables-S-TABLE}, which docker.sh compares swarmlb's
# output with (the node is idle now: nothing changes them). Every call costs about a second under emulation: one
# `docker inspect` for all containers, and no table that swarmlb does not read (security).
docker network inspect -v ingress > "$out/network-ingress.json"
docker network inspect -v my-network ingress > "$out/networks.json"
docker inspect -f '{{.Name}} {{printf "%.12s" .Id}} {{.NetworkSettings.SandboxKey}} {{with index .NetworkSettings.Networks "my-network"}}{{.IPAddress}}{{end}}' \
  $(docker ps -q) | sed 's|^/||' | sort > "$out/containers.txt"
mounted_namespaces > "$out/netns.txt"
for ns in host $(cat "$out/netns.txt"); do
  d=$out/ns/$ns; mkdir -p "$d"
  run=(); [ "$ns" = host ] || run=(nsenter --net="/run/docker/netns/$ns")
  "${run[@]}" ipvsadm -Ln > "$d/ipvsadm-Ln" 2>&1
  "${run[@]}" ip -o addr > "$d/ip-o-addr" 2>&1
  for t in filter nat mangle raw; do "${run[@]}" iptables -S -t $t > "$d/iptables-S-$t" 2>&1; done
done
log "captured Docker's view and $(wc -l < "$out/netns.txt") namespaces in $out"
phase capture

# Every docker*.sh suite against the live node, each with its result line, then the total over them; docker.sh
# first, while the namespaces are as captured.
passed=0 failed=0 skipped=0
for name in docker.sh $(cd "$root/Tests/integration" && ls docker*.sh | grep -v '^docker\.sh$'); do
  DOCKER_NODE=$out BACKEND=$backend "$root/Tests/integration/suite.sh" "$name" 2>&1 | tee "$out/suite-$name.log"
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' "$out/suite-$name.log" | tail -1)
  if [ -z "$line" ]; then failed=$((failed + 1)); echo "-- $name: no result line"
  else read -r p _ f _ s _ <<<"$line"; passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s)); fi
  phase "checks:$name"
done
echo "docker node: $((SECONDS - start)) s in the VM; phases (s): $(tr '\n' ' ' < "$out/phases.txt")"
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed = 0 ]
