# A service balanced across nodes: the overlay plane of scripts/demo-cluster (two nodes, built with
# swarmlb) with a client container on node 1 holding the service's VIP, mark, IPVS service and SNAT
# (the per-container model). Needs IPVS: runs in the VM, once per iptables backend.

require_backend
require_ipvs

# serve NS NAME: answers every TCP connection to port 8080 with NAME, in the background; returns once
# it listens (python starts slowly under emulation).
serve() {
  nsx "$1" python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("0.0.0.0", 8080)); s.listen(8)
while True:
    c, _ = s.accept(); c.sendall(sys.argv[1].encode()); c.close()' "$2" &
  for _ in $(seq 120); do nsx "$1" ss -ltn | grep -q ':8080 ' && return; sleep 0.5; done
  fail "$2 does not listen on 8080"
}

# client_on_node1: the demo cluster and a client container on node 1 that node 2 knows as a peer.
client_on_node1() {
  "$ROOT/scripts/demo-cluster" up "$PREFIX" 2
  client=$(new_ns client)
  "$SWARMLB" -n "$PREFIX-ov1" overlay attach --container "$client" --ip 10.0.0.21/24 >/dev/null
  # Node 2 learns where the client is, as Docker's peerAdd tells every node of a new endpoint.
  "$SWARMLB" -n "$PREFIX-ov2" overlay peer add 10.0.0.21 02:42:0a:00:00:15 192.168.99.1 >/dev/null
  ip -n "$client" link set lo up
  nsx "$client" busybox ping -c 1 -W 5 10.0.0.12 >/dev/null || fail "the client cannot ping task2 on node 2"
  serve "$PREFIX-task1" task1
  serve "$PREFIX-task2" task2
}

# four_answers: four connections from the client to the VIP, the answers sorted.
four_answers() {
  local answers="" i
  for i in 1 2 3 4; do
    answers+="$(nsx "$client" timeout 20 python3 -c '
import socket
s = socket.create_connection(("10.0.0.2", 8080), timeout=15); print(s.recv(100).decode())')" || fail "connection $i to the VIP failed"
    answers+=$'\n'
  done
  sort <<<"${answers%$'\n'}"
}

test_a_client_on_node_1_reaches_a_vip_whose_tasks_are_on_both_nodes() {
  client_on_node1
  "$SWARMLB" -n "$client" service add web --vip 10.0.0.2 --fwm 0x101 --dev eth0 --real 10.0.0.11 10.0.0.12 \
    --snat 10.0.0.0/24 --to-source 10.0.0.21 >/dev/null
  assert_eq "task1
task1
task2
task2" "$(four_answers)" "answers through the VIP (round robin over both nodes)"
}

test_apply_programs_the_peers_of_tasks_on_other_nodes() {
  client_on_node1
  "$SWARMLB" -n "$PREFIX-ov1" overlay peer del 10.0.0.12 02:42:0a:00:00:0c 192.168.99.2 >/dev/null
  cat >"/tmp/$PREFIX.services.yaml" <<'YAML'
network: ov
subnet: 10.0.0.0/24
services:
  - name: web
    vip: 10.0.0.2
    fwmark: 0x101
    tasks:
      - {name: web.1, ip: 10.0.0.11, node: 192.168.99.1}
      - {name: web.2, ip: 10.0.0.12, node: 192.168.99.2}
YAML
  # Started in node 1's namespace: this node is the task node among its addresses (192.168.99.1).
  expect_exit 0 ip netns exec "$PREFIX-node1" "$SWARMLB" -n "$client" apply --config "/tmp/$PREFIX.services.yaml" --dev eth0 \
    --chain OUTPUT --overlay "$PREFIX-ov1"
  assert_contains "$OUT" "nsenter --net=/run/netns/$PREFIX-ov1 ip neigh add 10.0.0.12 lladdr 02:42:0a:00:00:0c dev vxlan0 nud permanent"
  assert_contains "$OUT" "nsenter --net=/run/netns/$PREFIX-ov1 bridge fdb add 02:42:0a:00:00:0c dev vxlan0 dst 192.168.99.2 self permanent"
  assert_not_contains "$OUT" "10.0.0.11 lladdr"
  assert_eq "task1
task1
task2
task2" "$(four_answers)" "answers through the VIP apply made"
  expect_exit 0 "$SWARMLB" -n "$client" apply --config "/tmp/$PREFIX.services.yaml" --dev eth0 --chain OUTPUT \
    --overlay "$PREFIX-ov1" --node 192.168.99.1 --check
  assert_eq "" "$OUT" "a second apply"
}
