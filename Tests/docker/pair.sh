#!/bin/bash
# Tests/docker/pair.sh BACKEND IMAGE DIR -- runs INSIDE each of the two test VMs Tests/vm/pair boots (Tests/docker/run's
# "SUITE:pair" target; SWARMLB_VM_NODE is 1 or 2): makes them a two-node Docker swarm across their eth0
# (192.168.99.N; node 1 inits and manages, node 2 joins as a worker) with an attachable overlay network my-network
# (10.0.0.0/24) and three global services on it, one task per node each: a VIP service my-web, a dnsrr service my-rr
# and my-pub publishing 8080 (ingress). Each task's busybox httpd serves its node's hostname. Then each node runs
# Tests/integration/swarm-pair.sh against itself and ends with its line "N passed, N failed, N skipped".
# The nodes meet through files in DIR (the working directory, which both guests share; Tests/docker/run empties it
# first): node 1's join token, and barriers (converged, node2-checked, node1-done), each awaited with a timeout, and
# abort.N when node N gives up, so that a dead node fails its peer in bounded time. Node N's logs, Docker's view and
# phases stay in DIR/nodeN. Each phase prints its seconds ("docker node: phase ...").
set -uo pipefail
[ $# -eq 3 ] || { echo "usage: Tests/docker/pair.sh nft|legacy IMAGE.tar DIR" >&2; exit 2; }
backend=$1 image=$2 pair=$3 node=${SWARMLB_VM_NODE:-}
[ "${SWARMLB_IN_VM:-}" = 1 ] && [[ $node =~ ^[12]$ ]] ||
  { echo "pair.sh runs inside the two test VMs of Tests/vm/pair (Tests/docker/run sid:pair)" >&2; exit 2; }
root=$(cd "$(dirname "$0")/../.." && pwd)
other=$((3 - node)) out=$pair/node$node
rm -rf "$out"; mkdir -p "$out"
hostname "swarmlb-node$node"
dev=eth0 addr=192.168.99.$node abort_file=$pair/abort.$node
. "$root/Tests/docker/dockerd.sh"
# barrier NAME SECONDS: waits for the file DIR/NAME; fails the run when the other node gave up or after SECONDS.
barrier() {
  local until=$((SECONDS + $2))
  until [ -e "$pair/$1" ]; do
    [ ! -e "$pair/abort.$other" ] || broken "node $other gave up while node $node waited for $1"
    [ $SECONDS -lt $until ] || broken "after $2 s, node $other never wrote $1"
    sleep 2
  done
}

docker import "$image" local/bb:latest > /dev/null || broken "docker import $image"
both_ready() { [ "$(docker node ls --format '{{.Hostname}} {{.Status}}' | sort | tr '\n' ' ')" = "swarmlb-node1 Ready swarmlb-node2 Ready " ]; }
if [ "$node" = 1 ]; then
  # A long heartbeat: under emulation on a busy machine the 5 s default misses, the node goes down and its tasks move.
  docker swarm init --advertise-addr "$addr" --default-addr-pool 10.255.0.0/16 --dispatcher-heartbeat 120s > /dev/null ||
    broken "docker swarm init"
  docker swarm join-token -q worker > "$pair/join-token.tmp" && mv "$pair/join-token.tmp" "$pair/join-token" ||
    broken "docker swarm join-token"
  wait_for 600 "docker node ls: swarmlb-node1 and swarmlb-node2 Ready" both_ready || broken "node 2 never joined"
  docker node ls
  phase swarm
  docker network create -d overlay --attachable --subnet 10.0.0.0/24 my-network > /dev/null || broken "docker network create"
  httpd='hostname > /www/index.html; exec httpd -f -p 80 -h /www'
  service() {
    docker service create --detach --no-resolve-image --mode global --hostname '{{.Node.Hostname}}' "$@" local/bb:latest \
      sh -c "$httpd" > /dev/null || echo "$*" >> "$out/failed-creates"
  }
  # Each CLI call costs seconds under emulation: the three are made at once.
  service --name my-web --network name=my-network,alias=web & creates=$!
  service --name my-rr --network my-network --endpoint-mode dnsrr & creates="$creates $!"
  service --name my-pub --network my-network -p 8080:80 & creates="$creates $!"
  wait $creates  # (not every job: dockerd, containerd and the upstream resolver run in the background too)
  [ ! -s "$out/failed-creates" ] || broken "could not create: $(cat "$out/failed-creates")"
  phase create
  await_services "$(printf 'my-pub 2/2\nmy-rr 2/2\nmy-web 2/2')"
  phase converge
else
  barrier join-token 900
  docker swarm join --advertise-addr "$addr" --token "$(cat "$pair/join-token")" 192.168.99.1:2377 > /dev/null ||
    broken "docker swarm join"
  phase swarm
fi
# Converged here: Docker's view of my-network on this node holds the 6 tasks, 3 on each node, and both peers.
network_complete() {
  docker network inspect -v my-network > "$out/network-my-network.json" 2> /dev/null && python3 -c '
import json, sys
net = json.load(open(sys.argv[1]))[0]
services = net.get("Services") or {}
tasks = sorted(t["Info"]["Host IP"] for s in services.values() for t in s.get("Tasks") or [])
sys.exit(tasks != ["192.168.99.1"] * 3 + ["192.168.99.2"] * 3 or len(net.get("Peers") or []) != 2)' "$out/network-my-network.json"
}
wait_for 600 "docker network inspect -v my-network holds 3 tasks on each node and both peers" network_complete ||
  broken "Docker's view of my-network is incomplete ($out/network-my-network.json)"
docker network inspect -v ingress > "$out/network-ingress.json" || broken "docker network inspect -v ingress"
phase program
if [ "$node" = 1 ]; then touch "$pair/converged"; else barrier converged 600; fi
log "swarm up: 2 nodes, 3 global services"

DOCKER_NODE=$out PAIR=$pair BACKEND=$backend "$root/Tests/integration/suite.sh" swarm-pair.sh 2>&1 | tee "$out/suite.log"
phase checks
if [ "$node" = 2 ]; then
  touch "$pair/node2-checked"
  # Node 1 still reaches this node's published port and drains it: node 2 stays up until node 1 is done.
  barrier node1-done 1200
else
  touch "$pair/node1-done"
fi
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' "$out/suite.log" | tail -1)
echo "docker node: $((SECONDS - start)) s in the VM; phases (s): $(tr '\n' ' ' < "$out/phases.txt")"
[ -n "$line" ] || broken "swarm-pair.sh printed no result line"
echo "$line"
read -r _ _ failed _ <<<"$line"
[ "$failed" = 0 ]
