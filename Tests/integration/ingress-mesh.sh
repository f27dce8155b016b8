# The routing mesh end to end, in the VM (IPVS): a node programmed only with swarmlb on the backend under
# test (BACKEND=legacy|nft). An outside client reaches node:8080, which the node DNATs to the ingress
# sandbox over docker_gwbridge; the sandbox balances it with IPVS over the ingress bridge to two tasks,
# each redirecting 8080 to its HTTP server on port 80. Lean tests: every swarmlb call costs ~1.3 s here.

require_backend
require_ipvs

# mesh: namespaces $node (the host: 192.168.99.1 toward $client, docker_gwbridge 172.18.0.1/16, FORWARD
# policy DROP as on a Docker host), $client (192.168.99.2), $sbox (eth1 172.18.0.2/16 on docker_gwbridge,
# eth0 10.255.0.2/24 on the ingress bridge), $t1 and $t2 (10.255.0.4 and .5 serving HTTP on port 80); the
# ingress bridge lives in $ov, as Docker's overlay namespace holds br0. Nothing is programmed yet.
mesh() {
  node=$(new_ns node); client=$(new_ns client); sbox=$(new_ns sbox); ov=$(new_ns ov); t1=$(new_ns t1); t2=$(new_ns t2)
  local ns
  for ns in "$node" "$client" "$sbox" "$t1" "$t2"; do ip -n "$ns" link set lo up; done
  veth_pair "$node" eth0 "$client" eth0
  ip -n "$node" addr add 192.168.99.1/24 dev eth0; ip -n "$client" addr add 192.168.99.2/24 dev eth0
  ip -n "$node" link add docker_gwbridge type bridge; ip -n "$node" addr add 172.18.0.1/16 dev docker_gwbridge
  ip -n "$node" link set docker_gwbridge up
  veth_pair "$node" veth-sbox "$sbox" eth1; ip -n "$node" link set veth-sbox master docker_gwbridge
  ip -n "$sbox" addr add 172.18.0.2/16 dev eth1; ip -n "$sbox" route add default via 172.18.0.1
  ip -n "$ov" link add br0 type bridge; ip -n "$ov" link set br0 up
  veth_pair "$ov" v-sbox "$sbox" eth0; ip -n "$ov" link set v-sbox master br0; ip -n "$sbox" addr add 10.255.0.2/24 dev eth0
  local i=4 t
  for t in "$t1" "$t2"; do
    veth_pair "$ov" "v-t$i" "$t" eth0; ip -n "$ov" link set "v-t$i" master br0; ip -n "$t" addr add "10.255.0.$i/24" dev eth0
    ip netns exec "$t" python3 "$ROOT/Tests/integration/backend.py" "10.255.0.$i" 80 &
    i=$((i + 1))
  done
  nsx "$node" "$IPT" -P FORWARD DROP
}

# snapshot NS: the rules, addresses and IPVS table (sysctls stay as Docker leaves them: not compared).
snapshot() { firewall "$1"; ip -n "$1" -o addr show | grep -v ' inet6 fe80::'; nsx "$1" ipvsadm -Ln; }

test_ingress_mesh_end_to_end() {
  mesh
  before_node=$(snapshot "$node"); before_sbox=$(snapshot "$sbox"); before_t1=$(snapshot "$t1")
  expect_exit 0 "$SWARMLB" -n "$node" ingress publish tcp/8080 --to 172.18.0.2
  expect_exit 0 "$SWARMLB" -n "$sbox" ingress balance tcp/8080 --fwm 0x102 --vip 10.255.0.6 --dev eth0 \
    --real 10.255.0.4 10.255.0.5 --snat 10.255.0.0/24 --to-source 10.255.0.2
  expect_exit 0 "$SWARMLB" -n "$t1" ingress redirect tcp/8080:80 --ip 10.255.0.4
  expect_exit 0 "$SWARMLB" -n "$t2" ingress redirect tcp/8080:80 --ip 10.255.0.5

  # the rules read back as Docker writes them
  assert_eq "-A PREROUTING -p tcp -m tcp --dport 8080 -j MARK --set-xmark 0x102/0xffffffff
-A INPUT -d 10.255.0.6/32 -j MARK --set-xmark 0x102/0xffffffff" "$(nsx "$sbox" "$IPT" -t mangle -S | grep -- '^-A')" "sandbox mangle"
  assert_eq "-A POSTROUTING -d 10.255.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.255.0.2" \
    "$(nsx "$sbox" "$IPT" -t nat -S | grep -- '^-A')" "sandbox nat"
  assert_eq "FWM 258 rr
-> 10.255.0.4:0 Masq 1 0 0
-> 10.255.0.5:0 Masq 1 0 0" "$(nsx "$sbox" ipvsadm -Ln | tail -3 | awk '{$1 = $1; print}')" "sandbox ipvsadm -Ln"
  assert_eq "1 0 1 1 1" "$(nsx "$sbox" cat /proc/sys/net/ipv4/vs/conntrack /proc/sys/net/ipv4/vs/conn_reuse_mode \
    /proc/sys/net/ipv4/vs/expire_nodest_conn /proc/sys/net/ipv4/vs/expire_quiescent_template /proc/sys/net/ipv4/ip_forward | xargs)" "sandbox sysctls"
  assert_contains "$(ip -n "$sbox" -o addr show dev eth0)" "inet 10.255.0.6/32 scope global eth0"
  assert_contains "$(nsx "$node" "$IPT" -t nat -S)" "-A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080"
  assert_contains "$(nsx "$t1" "$IPT" -t nat -S)" "-A PREROUTING -d 10.255.0.4/32 -p tcp -m tcp --dport 8080 -j REDIRECT --to-ports 80"

  # the outside client reaches both tasks, round robin; the node itself through 127.0.0.1
  local i answers=""
  for i in 1 2 3 4; do answers+=$(nsx "$client" curl -s -m 5 http://192.168.99.1:8080/ | grep -o 'backend=[0-9.]*')$'\n'; done
  assert_eq "2 backend=10.255.0.4
2 backend=10.255.0.5" "$(grep . <<<"$answers" | sort | uniq -c | awk '{print $1, $2}')" "the client's four answers"
  assert_eq 4 "$(grep -c . <<<"$answers")" "answers to the client"
  assert_contains "$(nsx "$node" curl -s -m 5 http://127.0.0.1:8080/)" "client=10.255.0.2"

  # inspect --all from the node (the host): the port followed to the sandbox, no problem
  expect_exit 0 ip netns exec "$node" "$SWARMLB" inspect --all
  assert_contains "$(tr -s ' ' <<<"$OUT")" "tcp/8080 172.18.0.2:8080 /run/netns/$sbox 0x102 (258) rr 10.255.0.4:0 10.255.0.5:0"
  ip netns exec "$node" "$SWARMLB" inspect --all --json | schema_check reports
  # one link broken by hand: the sandbox's port mark
  nsx "$sbox" "$IPT" -t mangle -D PREROUTING -p tcp -m tcp --dport 8080 -j MARK --set-xmark 0x102/0xffffffff
  expect_exit 3 ip netns exec "$node" "$SWARMLB" inspect --all
  assert_contains "$OUT" "published port tcp/8080 reaches /run/netns/$sbox at 172.18.0.2, where no mangle rule marks tcp/8080"
  nsx "$sbox" "$IPT" -t mangle -I PREROUTING -p tcp -m tcp --dport 8080 -j MARK --set-xmark 0x102/0xffffffff

  # taken down again: each namespace as before publish
  expect_exit 0 "$SWARMLB" -n "$t1" ingress unredirect tcp/8080:80 --ip 10.255.0.4
  expect_exit 0 "$SWARMLB" -n "$sbox" ingress unbalance tcp/8080 --fwm 0x102 --vip 10.255.0.6 --dev eth0 --snat 10.255.0.0/24 --to-source 10.255.0.2
  expect_exit 0 "$SWARMLB" -n "$node" ingress unpublish tcp/8080 --to 172.18.0.2
  assert_eq "$before_node" "$(snapshot "$node")" "the node after unpublish"
  assert_eq "$before_sbox" "$(snapshot "$sbox")" "the sandbox after unbalance"
  assert_eq "$before_t1" "$(snapshot "$t1")" "the task after unredirect"
}

# A task on another node: the sandbox balances to 10.255.0.4 (a local task) and 10.255.0.7, which no namespace
# here holds; the ingress network's overlay namespace $ov (br0 10.255.0.1/16 and vxlan0, VNI 4096, as Docker's
# 1-<id>) has the peer entries Docker's overlay driver writes for it: inspect --all names its node ($far, the
# other nodes' side of the underlay: 192.168.99.2).
test_ingress_mesh_names_the_node_of_a_task_on_another_node() {
  node=$(new_ns node); sbox=$(new_ns sbox); ov=$(new_ns ov); t1=$(new_ns t1); far=$(new_ns far)
  veth_pair "$node" ul0 "$far" ul0; ip -n "$node" addr add 192.168.99.1/24 dev ul0; ip -n "$far" addr add 192.168.99.2/24 dev ul0
  ip -n "$node" link add docker_gwbridge type bridge; ip -n "$node" addr add 172.18.0.1/16 dev docker_gwbridge
  ip -n "$node" link set docker_gwbridge up
  veth_pair "$node" veth-sbox "$sbox" eth1; ip -n "$node" link set veth-sbox master docker_gwbridge
  ip -n "$sbox" addr add 172.18.0.2/16 dev eth1
  ip -n "$ov" link add br0 type bridge; ip -n "$ov" addr add 10.255.0.1/16 dev br0; ip -n "$ov" link set br0 mtu 1450 up
  ip -n "$ov" link add vxlan0 type vxlan id 4096 dstport 4789 proxy l2miss l3miss
  ip -n "$ov" link set vxlan0 mtu 1450 master br0 up
  veth_pair "$ov" v-sbox "$sbox" eth0; ip -n "$ov" link set v-sbox master br0; ip -n "$sbox" addr add 10.255.0.2/16 dev eth0
  veth_pair "$ov" v-t1 "$t1" eth0; ip -n "$ov" link set v-t1 master br0; ip -n "$t1" addr add 10.255.0.4/16 dev eth0
  ip -n "$ov" neigh add 10.255.0.7 lladdr 02:42:0a:ff:00:07 dev vxlan0 nud permanent
  bridge -n "$ov" fdb add 02:42:0a:ff:00:07 dev vxlan0 dst 192.168.99.2 self permanent
  expect_exit 0 "$SWARMLB" -n "$node" ingress publish tcp/8080 --to 172.18.0.2
  expect_exit 0 "$SWARMLB" -n "$sbox" ingress balance tcp/8080 --fwm 0x102 --vip 10.255.0.6 --dev eth0 \
    --real 10.255.0.4 10.255.0.7 --snat 10.255.0.0/16 --to-source 10.255.0.2

  expect_exit 0 ip netns exec "$node" "$SWARMLB" inspect --all
  assert_contains "$(tr -s ' ' <<<"$OUT")" "tcp/8080 172.18.0.2:8080 /run/netns/$sbox 0x102 (258) rr 10.255.0.4:0 10.255.0.7:0"
  assert_contains "$OUT" "tcp/8080: real server 10.255.0.7 is on node 192.168.99.2 (through overlay /run/netns/$ov, VNI 4096)"
  local json; json=$(ip netns exec "$node" "$SWARMLB" inspect --all --json)
  schema_check reports <<<"$json"
  "$(json_python)" -c '
import json, sys
[route] = [r for report in json.load(sys.stdin) for r in report.get("ingress", [])]
assert route["remote_reals"] == [{"address": "10.255.0.7", "node": "192.168.99.2", "overlay": "/run/netns/" + sys.argv[1],
                                  "device": "vxlan0", "vni": 4096}], route
' "$ov" <<<"$json" || fail "inspect --all --json: the remote real server"

  # the peer's entries gone (the task left that node): nothing leads to 10.255.0.7 any more
  ip -n "$ov" neigh del 10.255.0.7 dev vxlan0
  bridge -n "$ov" fdb del 02:42:0a:ff:00:07 dev vxlan0 dst 192.168.99.2 self
  expect_exit 3 ip netns exec "$node" "$SWARMLB" inspect --all
  assert_contains "$OUT" "published port tcp/8080 is balanced in /run/netns/$sbox to 10.255.0.7, which no namespace holds and no overlay peer leads to"
  assert_not_contains "$OUT" "is on node"
}
