# The overlay plane in `inspect`: a namespace holding a vxlan device shows its network (VNI, port, flags,
# MTUs, endpoints, peers), and each broken part of a hand-built overlay is one problem line, exit 3.
# No firewall: run once.

# overlay_node: builds, in globals, a node ($node: underlay 192.168.99.1 on ul0, toward $far holding the
# other nodes' 192.168.99.2 and .3), its overlay namespace ($ov: Docker's br0, vxlan0 and a veth port to
# the container $c, 10.0.0.2) and, as Docker's peerAdd does, the peers 10.0.0.7 on node .2 and 10.0.0.8 on .3;
# $file: the network's services file, each task with its node.
overlay_node() {
  node=$(new_ns node); ov=$(new_ns ov); c=$(new_ns c); far=$(new_ns far)
  ip link add ul0 netns "$node" type veth peer name ul0 netns "$far"
  ip -n "$node" link set ul0 up; ip -n "$far" link set ul0 up
  ip -n "$node" addr add 192.168.99.1/24 dev ul0
  ip -n "$far" addr add 192.168.99.2/24 dev ul0; ip -n "$far" addr add 192.168.99.3/24 dev ul0
  docker_overlay "$ov" "$c"
  peer_add 10.0.0.7 02:42:0a:00:00:07 192.168.99.2
  peer_add 10.0.0.8 02:42:0a:00:00:08 192.168.99.3
  file=/tmp/$PREFIX.services.yaml
  cat >"$file" <<'YAML'
network: my-net
subnet: 10.0.0.0/24
services:
  - name: my-db
    endpoint_mode: dnsrr
    tasks:
      - {name: my-db.1.a, ip: 10.0.0.2, node: 192.168.99.1}
      - {name: my-db.2.b, ip: 10.0.0.7, node: 192.168.99.2}
      - {name: my-db.3.c, ip: 10.0.0.8, node: 192.168.99.3}
YAML
}

# peer_add IP MAC VTEP: the two entries Docker's overlay driver programs for a task on another node.
peer_add() {
  ip -n "$ov" neigh add "$1" lladdr "$2" dev vxlan0 nud permanent
  bridge -n "$ov" fdb add "$2" dev vxlan0 dst "$3" self permanent
}

# expect_from_node CODE: `swarmlb -n $ov inspect --expect $file` run on the node (its addresses say which tasks are local).
expect_from_node() { expect_exit "$1" ip netns exec "$node" "$SWARMLB" -n "$ov" inspect --expect "$file"; }

# inspect_all ARGS...: `swarmlb inspect --all` run on the node, seeing under /run/netns only this test's
# namespaces (other programs' namespaces on this machine are none of its business).
inspect_all() {
  unshare -m bash -c '
    set -e
    mount --make-rprivate /
    keep=$(mktemp -d); mount --rbind /run/netns "$keep"
    mount -t tmpfs none /run/netns
    for n in $(ls "$keep" | grep "^$1-"); do touch "/run/netns/$n"; mount --bind "$keep/$n" "/run/netns/$n"; done
    [ ! -d /run/docker/netns ] || mount -t tmpfs none /run/docker/netns
    shift; node=$1; shift
    exec ip netns exec "$node" "$@"' - "$PREFIX" "$node" "$SWARMLB" inspect --all "$@"
}

test_overlay_namespace_shows_its_network() {
  overlay_node
  expect_exit 0 "$SWARMLB" -n "$ov" inspect
  assert_contains "$OUT" "$(printf 'OVERLAY  VNI   PORT  FLAGS                        MTU   BRIDGE  BRIDGE MTU\nvxlan0   4097  4789  proxy,l2miss,l3miss,learning  1450  br0     1450')"
  assert_contains "$OUT" "$(printf 'ENDPOINT  MTU   LEADS TO\nveth0     1450  /run/netns/%s' "$c")"
  assert_contains "$OUT" "$(printf 'PEER      MAC                VTEP\n10.0.0.7  02:42:0a:00:00:07  192.168.99.2\n10.0.0.8  02:42:0a:00:00:08  192.168.99.3')"
  assert_contains "$OUT" "no problems found"
  json=$("$SWARMLB" -n "$ov" inspect --json)
  schema_check report <<<"$json"
  "$(json_python)" -c '
import json, sys
r = json.load(sys.stdin)
assert r["role"] == "overlay", r["role"]
[o] = r["overlays"]
assert (o["device"], o["vni"], o["port"], o["proxy"], o["l2miss"], o["l3miss"], o["learning"], o["mtu"], o["bridge"], o["bridge_mtu"]) == \
  ("vxlan0", 4097, 4789, True, True, True, True, 1450, "br0", 1450), o
assert [(e["device"], e["mtu"], e["namespace"]) for e in o["endpoints"]] == [("veth0", 1450, "/run/netns/" + sys.argv[1])], o["endpoints"]
assert o["peers"] == [{"address": "10.0.0.7", "mac": "02:42:0a:00:00:07", "vtep": "192.168.99.2"},
                      {"address": "10.0.0.8", "mac": "02:42:0a:00:00:08", "vtep": "192.168.99.3"}], o["peers"]
' "$c" <<<"$json" || fail "inspect --json: wrong overlay fields"
}

test_overlay_peer_incomplete_names_each_half_missing() {
  overlay_node
  bridge -n "$ov" fdb del 02:42:0a:00:00:07 dev vxlan0 dst 192.168.99.2 self
  ip -n "$ov" neigh del 10.0.0.8 dev vxlan0
  expect_exit 3 "$SWARMLB" -n "$ov" inspect
  assert_contains "$OUT" "overlay vxlan0 (VNI 4097): peer 10.0.0.7 (02:42:0a:00:00:07) has a neighbour entry but no FDB entry, so no node: its traffic is dropped"
  assert_contains "$OUT" "overlay vxlan0 (VNI 4097): FDB entry 02:42:0a:00:00:08 -> node 192.168.99.3 has no neighbour entry: no address of the network reaches it"
  expect_exit 3 "$SWARMLB" -n "$ov" inspect --json
  [ "$("$(json_python)" -c 'import json,sys; print(" ".join(p["kind"] for p in json.load(sys.stdin)["problems"]))' <<<"$OUT")" == "overlay_peer_incomplete overlay_peer_incomplete" ] ||
    fail "problem kinds: $OUT"
}

test_overlay_matches_the_expected_tasks() {
  overlay_node
  expect_from_node 0
  assert_contains "$OUT" "no problems found"
  # Docker's own JSON says the same (Info."Host IP" per task).
  sed -e 's/"Host IP": "192.168.99.1"/"Host IP": "192.168.99.2"/' "$ROOT/Tests/SwarmLBServicesTests/Fixtures/docker-network-inspect.json" |
    python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)[:1]))' >/tmp/$PREFIX.docker.json  # its first network
  expect_exit 3 ip netns exec "$node" "$SWARMLB" -n "$ov" inspect --expect /tmp/$PREFIX.docker.json
  assert_contains "$OUT" "on node 192.168.99.2 has no neighbour or FDB entry here"
}

test_overlay_peer_missing_wrong_vtep_and_stale() {
  overlay_node
  # A task on node .2 without entries; 10.0.0.8's FDB entry pointing at node .2; entries for an address no task holds.
  sed -i 's/^      - {name: my-db.3.c.*/&\n      - {name: my-db.4.d, ip: 10.0.0.9, node: 192.168.99.2}/' "$file"
  bridge -n "$ov" fdb replace 02:42:0a:00:00:08 dev vxlan0 dst 192.168.99.2 self permanent
  peer_add 10.0.0.20 02:42:0a:00:00:14 192.168.99.3
  expect_from_node 3
  assert_contains "$OUT" "overlay my-net (vxlan0, VNI 4097): task my-db.4.d 10.0.0.9 on node 192.168.99.2 has no neighbour or FDB entry here: it is unreachable from this node"
  assert_contains "$OUT" "overlay my-net (vxlan0, VNI 4097): task my-db.3.c 10.0.0.8 runs on node 192.168.99.3 but its FDB entry (02:42:0a:00:00:08) sends to node 192.168.99.2"
  assert_contains "$OUT" "overlay my-net (vxlan0, VNI 4097): entries for 10.0.0.20 (02:42:0a:00:00:14, node 192.168.99.3) but no task of the network holds it"
  assert_eq 3 "$(grep -c '^  overlay ' <<<"$OUT")" "problem lines"
  expect_exit 3 ip netns exec "$node" "$SWARMLB" -n "$ov" --json inspect --expect "$file"
  kinds=$("$(json_python)" -c 'import json,sys; print(" ".join(sorted(p["kind"] for p in json.load(sys.stdin)["problems"])))' <<<"$OUT")
  assert_eq "overlay_peer_missing overlay_peer_stale overlay_peer_wrong_vtep" "$kinds" "problem kinds"
}

test_overlay_underlay_mtu_and_unreachable_vtep() {
  overlay_node
  expect_exit 0 inspect_all
  ip -n "$node" link set ul0 mtu 1400
  expect_exit 3 inspect_all
  assert_contains "$OUT" "overlay vxlan0 (VNI 4097): MTU 1450 plus VXLAN's 50 exceeds MTU 1400 of ul0 toward node 192.168.99.2: large packets to its tasks are dropped"
  assert_contains "$OUT" "toward node 192.168.99.3"
  ip -n "$node" link set ul0 mtu 1500
  ip -n "$node" route add blackhole 192.168.99.3/32
  expect_exit 3 inspect_all --json
  schema_check reports <<<"$OUT"
  assert_contains "$OUT" "overlay vxlan0 (VNI 4097): no route from the host to node 192.168.99.3 (the VTEP of peer 10.0.0.8)"
  assert_not_contains "$OUT" "node 192.168.99.2 (the VTEP"
}
