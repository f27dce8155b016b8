# Kernel tests of the overlay commands (overlay create/attach/peer: bridge, vxlan, veth, neighbour and FDB entries);
# inspect's view of an overlay is overlay.sh. On the host, which has no IPVS; once, as no firewall is touched. Nodes are namespaces joined by a switch namespace
# (scripts/demo-cluster, built with swarmlb alone).

# fdb NS: vxlan0's own entries toward other nodes, as `bridge fdb show` lists them (the link-netnsid, which
# names the underlay as seen from NS, left out).
fdb() { bridge -n "$1" fdb show dev vxlan0 | grep ' dst ' | sed 's/ link-netnsid [0-9]*//'; }

# devices NS: `ip -o link show`, without br0's carrier, which comes a moment after its first port forwards.
devices() { ip -n "$1" -o link show | sed -E 's/NO-CARRIER,//; s/ state [A-Z]+//'; }

cluster() { "$ROOT/scripts/demo-cluster" up "$PREFIX" "${1:-2}"; }

# links NS: what `ip -d link` says of the overlay's devices, without what differs from one device to the
# next (index, MAC, the peer's ifindex, the link-netns id, counters of the bridge's timers) or comes a
# moment later by itself (br0's carrier, once a port forwards).
links() {
  ip -n "$1" -d -o link show | sed -E 's/^[0-9]+: //; s/NO-CARRIER,//; s/@[^:]+:/:/; s/link\/ether [0-9a-f:]+ brd [0-9a-f:]+ //; s/ link-netns(id)? [^ ]+//; s/ (addrgenmode|numtxqueues|numrxqueues|gso_max_size|gso_max_segs|tso_max_size|tso_max_segs|gro_max_size|gso_ipv4_max_size|gro_ipv4_max_size|parentbus|parentdev) [^ ]+//g; s/ (link-netnsid|bridge_id|designated_root|root_id|root_port|root_path_cost|hello_timer|tcn_timer|topology_change_timer|gc_timer|no_linklocal_learn|mcast_[a-z_]+|vlan_[a-z_]+|nf_call_[a-z]+|[a-z_]*port_id|port_no|designated_[a-z_]+|forward_delay_timer|hold_timer|message_age_timer|config_pending|state|priority|cost|hairpin|guard|root_block|fastleave|learning|flood|proxy_arp[a-z_]*|mcast[a-z_]*|neigh_suppress|neigh_vlan_suppress|isolated|locked|mab|bcast_flood|mcast_flood|group_fwd_mask[a-z_]*|backup_port|backup_nhid|topology_change[a-z_]*|hello_time|ageing_time|max_age|stp_state|forward_delay|vlan_filtering|vlan_protocol|vlan_default_pvid|vlan_stats_[a-z]+|multicast_[a-z_]+|group_address|ageing|txqueuelen|allmulti|minmtu|maxmtu|promiscuity) +[^ ]+//g; s/ +\\/ \\/g' | sort
}

test_overlay_tasks_on_two_nodes_reach_each_other_across_vxlan() {
  cluster 2
  nsx "$PREFIX-task1" busybox ping -c 1 -W 3 10.0.0.12 >/dev/null || fail "task1 cannot ping task2 across vxlan"
  nsx "$PREFIX-task2" busybox ping -c 1 -W 3 10.0.0.11 >/dev/null || fail "task2 cannot ping task1 across vxlan"
  nsx "$PREFIX-task2" timeout 10 python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("10.0.0.12", 8080)); s.listen(1)
c, peer = s.accept(); c.sendall(("task2 saw " + peer[0] + "\n").encode()); c.close()' &
  sleep 0.5
  answer=$(nsx "$PREFIX-task1" timeout 5 python3 -c '
import socket
s = socket.create_connection(("10.0.0.12", 8080), timeout=4); print(s.recv(100).decode(), end="")')
  wait
  assert_eq "task2 saw 10.0.0.11" "$answer" "TCP answer across vxlan"
  # The packets went through the tunnel: the underlay saw VXLAN's UDP port, nothing learned from the wire.
  assert_contains "$(ip -n "$PREFIX-node2" -s link show eth0)" "RX:"
  assert_eq "10.0.0.12 lladdr 02:42:0a:00:00:0c PERMANENT" "$(ip -n "$PREFIX-ov1" neigh show dev vxlan0 | sed 's/ *$//')" "neighbours of node 1"
  assert_eq "02:42:0a:00:00:0c dst 192.168.99.2 self permanent" "$(fdb "$PREFIX-ov1")" "fdb of node 1"
}

test_overlay_state_is_what_dockers_recipe_makes() {
  node=$(new_ns node); ov=$(new_ns ov); task=$(new_ns task)
  ip netns exec "$node" "$SWARMLB" -n "$ov" overlay create --vni 4097 --subnet 10.0.0.0/24 --gateway 10.0.0.1 >/dev/null
  "$SWARMLB" -n "$ov" overlay attach --container "$task" --ip 10.0.0.5/24 >/dev/null
  "$SWARMLB" -n "$ov" overlay peer add 10.0.0.7 02:42:0a:00:00:07 192.168.99.2 >/dev/null
  # The same with the classic tools, as Docker's overlay driver does it (vxlan0 made in the host, moved).
  dnode=$(new_ns dnode); dov=$(new_ns dov); dtask=$(new_ns dtask)
  ip netns exec "$dov" ip link add br0 type bridge
  ip netns exec "$dov" ip addr add 10.0.0.1/24 dev br0
  ip netns exec "$dnode" ip link add vxlan0 mtu 1450 type vxlan id 4097 dstport 4789 proxy l2miss l3miss ttl auto learning
  ip -n "$dnode" link set vxlan0 netns "$dov"
  ip -n "$dov" link set vxlan0 master br0
  ip -n "$dov" link set vxlan0 up
  ip -n "$dov" link set br0 up
  ip -n "$dov" link add veth0a000005 mtu 1450 type veth peer name eth0 address 02:42:0a:00:00:05 mtu 1450 netns "$dtask"
  ip -n "$dtask" addr add 10.0.0.5/24 dev eth0
  ip -n "$dtask" link set eth0 up
  ip -n "$dov" link set veth0a000005 master br0
  ip -n "$dov" link set veth0a000005 up
  ip -n "$dov" neigh add 10.0.0.7 lladdr 02:42:0a:00:00:07 dev vxlan0 nud permanent
  bridge -n "$dov" fdb add 02:42:0a:00:00:07 dev vxlan0 dst 192.168.99.2 self permanent
  assert_eq "$(links "$dov")" "$(links "$ov")" "ip -d link in the overlay namespace"
  assert_contains "$(links "$ov")" "vxlan id 4097 srcport 0 0 dstport 4789 proxy l2miss l3miss ttl auto"
  assert_contains "$(links "$ov")" "mtu 1450"
  assert_eq "$(links "$dtask")" "$(links "$task")" "ip -d link in the container"
  assert_contains "$(ip -n "$task" link show eth0)" "link/ether 02:42:0a:00:00:05"
  assert_eq "$(ip -n "$dov" -o addr show dev br0 | grep -v inet6)" "$(ip -n "$ov" -o addr show dev br0 | grep -v inet6)" "br0's address"
  assert_eq "$(ip -n "$dtask" -o -4 addr show)" "$(ip -n "$task" -o -4 addr show)" "the container's addresses"
  assert_eq "$(ip -n "$dtask" route show)" "$(ip -n "$task" route show)" "the container's routes"
  assert_eq "$(ip -n "$dov" neigh show)" "$(ip -n "$ov" neigh show)" "neighbours"
  assert_eq "$(fdb "$dov")" "$(fdb "$ov")" "fdb"
  # vxlan0's tunnel is the node's: its UDP socket listens there, not in the overlay namespace.
  assert_contains "$(ip netns exec "$node" ss -lun)" ":4789"
  assert_not_contains "$(ip netns exec "$ov" ss -lun)" ":4789"
}

test_overlay_dry_run_prints_the_classic_commands_and_changes_nothing() {
  node=$(new_ns node); ov=$(new_ns ov); task=$(new_ns task)
  before=$(links "$ov")
  expect_exit 0 ip netns exec "$node" "$SWARMLB" -n "$ov" overlay create --vni 4097 --subnet 10.0.0.0/24 --gateway 10.0.0.1 --dry-run
  assert_eq "ip link add br0 type bridge
ip addr add 10.0.0.1/24 dev br0
nsenter --net=/run/netns/$node ip link add vxlan0 mtu 1450 netns /run/netns/$ov type vxlan id 4097 dstport 4789 proxy l2miss l3miss
ip link set vxlan0 master br0
ip link set vxlan0 up
ip link set br0 up" "$OUT"
  assert_eq "$before" "$(links "$ov")" "links after --dry-run"
  # The lines are a script: run in the overlay namespace, they build what swarmlb builds.
  replay "$ov" "$OUT"
  ov2=$(new_ns ov2)
  ip netns exec "$node" "$SWARMLB" -n "$ov2" overlay create --vni 4098 --subnet 10.0.0.0/24 --gateway 10.0.0.1 >/dev/null
  assert_eq "$(links "$ov" | sed 's/id 4097/id 4098/')" "$(links "$ov2")" "replayed --dry-run against swarmlb's"
  expect_exit 0 "$SWARMLB" -n "$ov" overlay attach --container "$task" --ip 10.0.0.5/24 --dry-run
  assert_eq "ip link add veth0a000005 mtu 1450 type veth peer name eth0 address 02:42:0a:00:00:05 mtu 1450 netns /run/netns/$task
nsenter --net=/run/netns/$task ip addr add 10.0.0.5/24 dev eth0
nsenter --net=/run/netns/$task ip link set eth0 up
ip link set veth0a000005 master br0
ip link set veth0a000005 up" "$OUT"
  assert_eq "" "$(ip -n "$task" -o link show | grep -v ': lo:')" "the container after --dry-run"
  expect_exit 0 "$SWARMLB" -n "$ov" overlay peer add 10.0.0.7 02:42:0a:00:00:07 192.168.99.2 --dry-run
  assert_eq "ip neigh add 10.0.0.7 lladdr 02:42:0a:00:00:07 dev vxlan0 nud permanent
bridge fdb add 02:42:0a:00:00:07 dev vxlan0 dst 192.168.99.2 self permanent" "$OUT"
  assert_eq "" "$(ip -n "$ov" neigh show dev vxlan0)" "neighbours after --dry-run"
}

test_overlay_commands_are_idempotent() {
  cluster 2
  before="$(links "$PREFIX-ov1")$(links "$PREFIX-task1")$(ip -n "$PREFIX-ov1" neigh show)$(bridge -n "$PREFIX-ov1" fdb show)"
  expect_exit 0 ip netns exec "$PREFIX-node1" "$SWARMLB" -n "$PREFIX-ov1" overlay create --vni 4097 --subnet 10.0.0.0/24 --gateway 10.0.0.1
  assert_contains "$OUT" "# already present: nsenter --net=/run/netns/$PREFIX-node1 ip link add vxlan0"
  [ "$(grep -vc '^# already present: ' <<<"$OUT")" = 0 ] || fail "a repeated create changed something: $OUT"
  expect_exit 0 "$SWARMLB" -n "$PREFIX-ov1" overlay attach --container "$PREFIX-task1" --ip 10.0.0.11/24
  [ "$(grep -vc '^# already present: ' <<<"$OUT")" = 0 ] || fail "a repeated attach changed something: $OUT"
  expect_exit 0 "$SWARMLB" -n "$PREFIX-ov1" overlay peer add 10.0.0.12 02:42:0a:00:00:0c 192.168.99.2 --json
  assert_contains "$OUT" '"changes" : ['
  assert_contains "$OUT" '"bridge fdb add 02:42:0a:00:00:0c dev vxlan0 dst 192.168.99.2 self permanent"'
  assert_eq 0 "$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["changes"]))' <<<"$OUT")" "changes of a repeated peer add"
  assert_eq "$before" "$(links "$PREFIX-ov1")$(links "$PREFIX-task1")$(ip -n "$PREFIX-ov1" neigh show)$(bridge -n "$PREFIX-ov1" fdb show)"
  # Another device of the name is refused, not taken for the one asked for.
  expect_exit 1 ip netns exec "$PREFIX-node1" "$SWARMLB" -n "$PREFIX-ov1" overlay create --vni 4099 --subnet 10.0.0.0/24 --gateway 10.0.0.1
  assert_contains "$ERR" "vxlan0 exists with VXLAN id 4097, not 4099"
  one_line "$ERR"
}

test_overlay_create_rolls_back_when_a_step_fails() {
  node=$(new_ns node); ov1=$(new_ns ov1); ov2=$(new_ns ov2)
  ip netns exec "$node" "$SWARMLB" -n "$ov1" overlay create --vni 4097 --subnet 10.0.0.0/24 --gateway 10.0.0.1 >/dev/null
  before=$(ip -n "$ov2" -d -o link show)
  # One node's tunnels cannot share a VNI and port: vxlan0 fails after br0 and its address were made.
  expect_exit 1 ip netns exec "$node" "$SWARMLB" -n "$ov2" overlay create --vni 4097 --subnet 10.0.1.0/24 --gateway 10.0.1.1
  assert_contains "$ERR" "creating device vxlan0"
  assert_contains "$ERR" "earlier steps rolled back, namespace unchanged"
  one_line "$ERR"
  assert_eq "$before" "$(ip -n "$ov2" -d -o link show)" "the second overlay namespace after a failed create"
}

test_overlay_attach_rolls_back_when_a_step_fails() {
  node=$(new_ns node); ov=$(new_ns ov); task=$(new_ns task)
  ip netns exec "$node" "$SWARMLB" -n "$ov" overlay create --vni 4097 --subnet 10.0.0.0/24 --gateway 10.0.0.1 >/dev/null
  before="$(devices "$ov")$(devices "$task")"
  # No bridge of that name: the veth pair and the container's address were made, then taken back.
  expect_exit 1 "$SWARMLB" -n "$ov" overlay attach --container "$task" --ip 10.0.0.5/24 --bridge br9
  assert_contains "$ERR" "br9"
  assert_contains "$ERR" "earlier steps rolled back, namespace unchanged"
  assert_eq "$before" "$(devices "$ov")$(devices "$task")" "both namespaces after a failed attach"
}

test_overlay_peer_del_and_stale_entries() {
  cluster 2
  ov=$PREFIX-ov1
  # A stale entry (the task moved to another node) is replaced, and says so.
  expect_exit 0 "$SWARMLB" -n "$ov" overlay peer add 10.0.0.12 02:42:0a:00:00:0c 192.168.99.3
  assert_eq "# already present: ip neigh add 10.0.0.12 lladdr 02:42:0a:00:00:0c dev vxlan0 nud permanent
bridge fdb replace 02:42:0a:00:00:0c dev vxlan0 dst 192.168.99.3 self permanent" "$OUT"
  assert_eq "02:42:0a:00:00:0c dst 192.168.99.3 self permanent" "$(fdb "$ov")"
  # A delete naming another VTEP than the entry's removes nothing.
  expect_exit 1 "$SWARMLB" -n "$ov" overlay peer del 10.0.0.12 02:42:0a:00:00:0c 192.168.99.2
  assert_contains "$ERR" "goes to 192.168.99.3, not 192.168.99.2: nothing removed"
  assert_eq "02:42:0a:00:00:0c dst 192.168.99.3 self permanent" "$(fdb "$ov")"
  expect_exit 0 "$SWARMLB" -n "$ov" overlay peer del 10.0.0.12 02:42:0a:00:00:0c 192.168.99.3
  assert_eq "bridge fdb del 02:42:0a:00:00:0c dev vxlan0 dst 192.168.99.3 self
ip neigh del 10.0.0.12 dev vxlan0" "$OUT"
  assert_eq "" "$(ip -n "$ov" neigh show dev vxlan0)$(fdb "$ov")" "entries after del"
  expect_exit 1 "$SWARMLB" -n "$ov" overlay peer del 10.0.0.12 02:42:0a:00:00:0c 192.168.99.3
  assert_contains "$ERR" "nothing to delete: no fdb entry 02:42:0a:00:00:0c dst 192.168.99.3 on vxlan0; no neighbour entry for 10.0.0.12 on vxlan0"
  expect_exit 0 "$SWARMLB" -n "$ov" overlay peer del 10.0.0.12 02:42:0a:00:00:0c 192.168.99.3 --if-exists
  nsx "$PREFIX-task1" busybox ping -c 1 -W 1 10.0.0.12 >/dev/null 2>&1 && fail "task2 still reached without its peer entries"
  true
}

test_overlay_bad_input_is_a_usage_error() {
  ov=$(new_ns ov)
  expect_exit 2 "$SWARMLB" -n "$ov" overlay create --vni 0 --subnet 10.0.0.0/24 --gateway 10.0.0.1
  one_line "$ERR"
  expect_exit 2 "$SWARMLB" -n "$ov" overlay create --vni 4097 --subnet 10.0.0.0/24 --gateway 10.0.1.1
  assert_contains "$ERR" "not in 10.0.0.0/24"
  expect_exit 2 "$SWARMLB" -n "$ov" overlay peer add 10.0.0.7 02:42:0a:00:00 192.168.99.2
  expect_exit 2 "$SWARMLB" -n "$ov" overlay attach --container "$ov" --ip 10.0.0.5
  assert_eq "" "$(ip -n "$ov" -o link show | grep -v ': lo:')" "namespace after bad input"
}

# The two halves of the overlay agree: what `overlay create/attach/peer` builds, `inspect` reads back as
# the overlay network with its peers and no problem; a peer `overlay peer` takes away or points at
# another node is the problem `inspect --expect` names.
test_overlay_built_by_swarmlb_is_what_inspect_expects() {
  cluster 2
  ov=$PREFIX-ov1
  cat >/tmp/$PREFIX.services.yaml <<'YAML'
network: my-net
subnet: 10.0.0.0/24
services:
  - name: my-db
    endpoint_mode: dnsrr
    tasks:
      - {name: my-db.1.a, ip: 10.0.0.11, node: 192.168.99.1}
      - {name: my-db.2.b, ip: 10.0.0.12, node: 192.168.99.2}
YAML
  expect_exit 0 ip netns exec "$PREFIX-node1" "$SWARMLB" -n "$ov" inspect --expect /tmp/$PREFIX.services.yaml
  assert_contains "$OUT" "$(printf 'PEER       MAC                VTEP\n10.0.0.12  02:42:0a:00:00:0c  192.168.99.2')"
  assert_contains "$OUT" "no problems found"
  expect_exit 0 "$SWARMLB" -n "$ov" overlay peer add 10.0.0.12 02:42:0a:00:00:0c 192.168.99.3
  expect_exit 3 ip netns exec "$PREFIX-node1" "$SWARMLB" -n "$ov" inspect --expect /tmp/$PREFIX.services.yaml
  assert_contains "$OUT" "task my-db.2.b 10.0.0.12 runs on node 192.168.99.2 but its FDB entry (02:42:0a:00:00:0c) sends to node 192.168.99.3"
  expect_exit 0 "$SWARMLB" -n "$ov" overlay peer del 10.0.0.12 02:42:0a:00:00:0c 192.168.99.3
  expect_exit 3 ip netns exec "$PREFIX-node1" "$SWARMLB" -n "$ov" inspect --expect /tmp/$PREFIX.services.yaml
  assert_contains "$OUT" "task my-db.2.b 10.0.0.12 on node 192.168.99.2 has no neighbour or FDB entry here"
}

# apply --overlay from a load-balancer namespace (lb: eth0 without an address of the subnet, so no SNAT, and
# marks in OUTPUT, so none of IPVS's sysctls: the host has no IPVS) over the two-node cluster, whose ov1
# already holds task2's entries (10.0.0.12).
# peers OV: vxlan0's neighbours (one the kernel learnt as LEARNT, whatever its NUD state by now) and own FDB
# entries, sorted: the dump is in hash order. services TASK@NODE...: one dnsrr service, 10.0.0.TASK on 192.168.99.NODE.
apply_cluster() { cluster 2; lb=$(new_ns lb); with_eth0 "$lb" 192.168.0.2/24; ov=$PREFIX-ov1; }
peers() { { ip -n "$1" neigh show dev vxlan0 | sed -E 's/ *$//; s/ (REACHABLE|STALE|DELAY|PROBE)$/ LEARNT/'; fdb "$1"; } | LC_ALL=C sort; }
apply_peers() {
  "$SWARMLB" -n "$PREFIX-lb" apply --config "/tmp/$PREFIX.services.yaml" --dev eth0 --chain OUTPUT --overlay "$PREFIX-ov1" \
    --node 192.168.99.1 "$@"
}
services() {
  printf 'network: my-net\nsubnet: 10.0.0.0/24\nservices:\n  - name: my-db\n    endpoint_mode: dnsrr\n    tasks:\n' \
    >"/tmp/$PREFIX.services.yaml"
  for t in "$@"; do printf '      - {name: my-db.%s, ip: 10.0.0.%s, node: 192.168.99.%s}\n' "${t%@*}" "${t%@*}" "${t#*@}"; done \
    >>"/tmp/$PREFIX.services.yaml"
}

test_overlay_apply_prune_removes_the_peers_of_tasks_that_left() {
  apply_cluster
  services 11@1 12@2 13@2 14@3
  expect_exit 0 apply_peers
  assert_eq "nsenter --net=/run/netns/$ov ip neigh add 10.0.0.13 lladdr 02:42:0a:00:00:0d dev vxlan0 nud permanent
nsenter --net=/run/netns/$ov bridge fdb add 02:42:0a:00:00:0d dev vxlan0 dst 192.168.99.2 self permanent
nsenter --net=/run/netns/$ov ip neigh add 10.0.0.14 lladdr 02:42:0a:00:00:0e dev vxlan0 nud permanent
nsenter --net=/run/netns/$ov bridge fdb add 02:42:0a:00:00:0e dev vxlan0 dst 192.168.99.3 self permanent" "$OUT"
  # A neighbour the kernel learnt (not permanent) and a permanent one outside the subnet are not apply's.
  ip -n "$ov" neigh add 10.0.0.30 lladdr 02:42:0a:00:00:1e dev vxlan0 nud reachable
  ip -n "$ov" neigh add 10.1.0.5 lladdr 02:42:0a:01:00:05 dev vxlan0 nud permanent
  all=$(peers "$ov")
  # Tasks 13 and 14 leave the network: without --prune their entries stay.
  services 11@1 12@2
  expect_exit 0 apply_peers
  assert_eq "" "$OUT" "apply without --prune"
  assert_eq "$all" "$(peers "$ov")" "entries after apply without --prune"
  expect_exit 3 apply_peers --prune --check
  expect_exit 0 apply_peers --prune --dry-run
  assert_eq "$all" "$(peers "$ov")" "entries after --dry-run"
  stale="nsenter --net=/run/netns/$ov bridge fdb del 02:42:0a:00:00:0d dev vxlan0 dst 192.168.99.2 self
nsenter --net=/run/netns/$ov ip neigh del 10.0.0.13 dev vxlan0
nsenter --net=/run/netns/$ov bridge fdb del 02:42:0a:00:00:0e dev vxlan0 dst 192.168.99.3 self
nsenter --net=/run/netns/$ov ip neigh del 10.0.0.14 dev vxlan0"
  assert_eq "$stale" "$OUT" "the plan of --prune"
  expect_exit 0 apply_peers --prune
  assert_eq "$stale" "$OUT" "apply --prune"
  assert_eq "02:42:0a:00:00:0c dst 192.168.99.2 self permanent
10.0.0.12 lladdr 02:42:0a:00:00:0c PERMANENT
10.0.0.30 lladdr 02:42:0a:00:00:1e LEARNT
10.1.0.5 lladdr 02:42:0a:01:00:05 PERMANENT" "$(peers "$ov")" "entries after apply --prune"
  expect_exit 0 apply_peers --prune --check
  assert_eq "" "$OUT" "a second apply --prune"
  nsx "$PREFIX-task1" busybox ping -c 1 -W 3 10.0.0.12 >/dev/null || fail "task1 no longer reaches task2"
}

# strace holds each netlink send (sendto, and libnl's sendmsg) a tenth of a second, so that SIGINT lands after
# the first stale entry went.
test_overlay_apply_prune_rolled_back_by_sigint_leaves_the_entries_as_they_were() {
  apply_cluster
  services 11@1 12@2 13@2 14@3
  expect_exit 0 apply_peers
  before=$(peers "$ov")
  services 11@1 12@2 15@3
  env --default-signal=INT strace -o /dev/null -e trace=sendto,sendmsg -e inject=sendto,sendmsg:delay_exit=100000 \
    "$SWARMLB" -n "$lb" apply --config "/tmp/$PREFIX.services.yaml" --dev eth0 --chain OUTPUT --overlay "$ov" --node 192.168.99.1 \
    --prune >/tmp/$PREFIX.out 2>/tmp/$PREFIX.err & tracer=$!
  for i in $(seq 1 500); do ip -n "$ov" neigh show 10.0.0.13 dev vxlan0 | grep -q . || break; sleep 0.02; done
  ip -n "$ov" neigh show 10.0.0.13 dev vxlan0 | grep -q . && fail "10.0.0.13's entry never went: $(cat /tmp/$PREFIX.err)"
  kill -INT "$(ps -o pid= --ppid $tracer)"
  rc=0; wait $tracer || rc=$?
  assert_eq 130 "$rc" "exit status"
  assert_eq "swarmlb: interrupted by SIGINT; earlier steps rolled back, namespace unchanged" "$(cat /tmp/$PREFIX.err)"
  assert_eq "$before" "$(peers "$ov")" "entries after the rollback"
}

# Docker's own view as apply's file: `docker network inspect -v` of Docker 28.5 (the real-Docker test's
# capture, every task on 192.168.99.1) with my-web's tasks moved to node 2 by their Info."Host IP".
test_overlay_apply_takes_dockers_network_inspect() {
  apply_cluster
  python3 - "$ROOT/Tests/SwarmLBServicesTests/Fixtures/docker28-network-inspect.json" >"/tmp/$PREFIX.docker.json" <<'PY'
import json, sys
net = json.load(open(sys.argv[1]))
for name, s in net[0]["Services"].items():
    if name:
        s["VIP"] = "<nil>"  # the host has no IPVS: every service as dnsrr, so apply makes peers only
for t in net[0]["Services"]["my-web"]["Tasks"]:
    t["Info"]["Host IP"] = "192.168.99.2"
json.dump(net, sys.stdout, indent=4)
PY
  expect_exit 0 ip netns exec "$PREFIX-node1" "$SWARMLB" -n "$lb" apply --config "/tmp/$PREFIX.docker.json" --dev eth0 --chain OUTPUT \
    --overlay "$ov" --prune
  assert_eq "nsenter --net=/run/netns/$ov ip neigh add 10.0.0.3 lladdr 02:42:0a:00:00:03 dev vxlan0 nud permanent
nsenter --net=/run/netns/$ov bridge fdb add 02:42:0a:00:00:03 dev vxlan0 dst 192.168.99.2 self permanent
nsenter --net=/run/netns/$ov ip neigh add 10.0.0.4 lladdr 02:42:0a:00:00:04 dev vxlan0 nud permanent
nsenter --net=/run/netns/$ov bridge fdb add 02:42:0a:00:00:04 dev vxlan0 dst 192.168.99.2 self permanent
nsenter --net=/run/netns/$ov ip neigh add 10.0.0.5 lladdr 02:42:0a:00:00:05 dev vxlan0 nud permanent
nsenter --net=/run/netns/$ov bridge fdb add 02:42:0a:00:00:05 dev vxlan0 dst 192.168.99.2 self permanent
nsenter --net=/run/netns/$ov bridge fdb del 02:42:0a:00:00:0c dev vxlan0 dst 192.168.99.2 self
nsenter --net=/run/netns/$ov ip neigh del 10.0.0.12 dev vxlan0" "$OUT"
  # inspect --expect reads the same file with the same reader and finds the peers as apply made them.
  expect_exit 0 ip netns exec "$PREFIX-node1" "$SWARMLB" -n "$ov" inspect --expect "/tmp/$PREFIX.docker.json"
  assert_contains "$OUT" "no problems found"
}

# many_peers FILE: a services file of 1,000 tasks on nodes 192.168.99.2-5 and 4 on this node (192.168.99.1),
# one dnsrr service (its load balancer needs no IPVS); the entries `apply --overlay` must make go to
# $FILE.neigh and $FILE.fdb as `ip neigh show` and `bridge fdb show` print them, sorted.
many_peers() {
  local i ip mac
  { echo "network: many"; echo "subnet: 10.0.0.0/16"; echo "services:"
    echo "  - name: peers"; echo "    endpoint_mode: dnsrr"; echo "    tasks:"
    for i in $(seq 0 1003); do
      echo "      - {name: peers.$i, ip: 10.0.$((1 + i / 250)).$((1 + i % 250)), node: 192.168.99.$((i < 1000 ? 2 + i % 4 : 1))}"
    done; } > "$1"
  for i in $(seq 0 999); do
    ip=10.0.$((1 + i / 250)).$((1 + i % 250)); mac=$(printf '02:42:0a:00:%02x:%02x' $((1 + i / 250)) $((1 + i % 250)))
    echo "$ip lladdr $mac PERMANENT" >&3
    echo "$mac dst 192.168.99.$((2 + i % 4)) self permanent" >&4
  done 3> >(sort > "$1.neigh") 4> >(sort > "$1.fdb")
  wait
}
peer_entries() { ip -n "$1" neigh show dev vxlan0 | sed 's/ *$//' | sort; }
peer_fdb() { fdb "$1" | sort; }

test_overlay_thousand_peers_land_exactly_in_few_sends_and_again_change_nothing() {
  node=$(new_ns node); ov=$(new_ns ov); file=/tmp/$PREFIX-peers.yaml
  ip netns exec "$node" "$SWARMLB" -n "$ov" overlay create --vni 4097 --subnet 10.0.0.0/16 --gateway 10.0.0.1 >/dev/null
  many_peers "$file"
  # Pipelined: the 2,000 entries go out in a handful of netlink sends, not one request per entry.
  expect_exit 0 strace -f -o "$file.trace" -e trace=sendto,sendmsg "$SWARMLB" -n "$ov" apply --config "$file" --dev vxlan0 --chain OUTPUT --overlay "$ov" --node 192.168.99.1
  assert_eq 2000 "$(grep -cE '^nsenter --net=[^ ]+ (ip neigh|bridge fdb) add ' <<<"$OUT")" "entries printed"
  sends=$(grep -c 'send' "$file.trace")
  [ "$sends" -lt 100 ] || fail "$sends netlink sends for 2,000 entries: not pipelined"
  assert_eq "$(cat "$file.neigh")" "$(peer_entries "$ov")" "neighbours of vxlan0"
  assert_eq "$(cat "$file.fdb")" "$(peer_fdb "$ov")" "fdb entries of vxlan0"
  # Again: everything is already there, nothing printed, nothing changed.
  expect_exit 0 "$SWARMLB" -n "$ov" apply --config "$file" --dev vxlan0 --chain OUTPUT --overlay "$ov" --node 192.168.99.1
  assert_eq "" "$OUT" "a repeated apply --overlay"
  assert_eq "$(cat "$file.neigh")$(cat "$file.fdb")" "$(peer_entries "$ov")$(peer_fdb "$ov")" "entries after a repeated apply"
  expect_exit 0 "$SWARMLB" -n "$ov" overlay peer add 10.0.4.250 02:42:0a:00:04:fa 192.168.99.5
  assert_eq "# already present: ip neigh add 10.0.4.250 lladdr 02:42:0a:00:04:fa dev vxlan0 nud permanent
# already present: bridge fdb add 02:42:0a:00:04:fa dev vxlan0 dst 192.168.99.5 self permanent" "$OUT"
}

test_overlay_thousand_peers_roll_back_entirely_when_one_fails_midway() {
  node=$(new_ns node); ov=$(new_ns ov); file=/tmp/$PREFIX-peers.yaml
  ip netns exec "$node" "$SWARMLB" -n "$ov" overlay create --vni 4097 --subnet 10.0.0.0/16 --gateway 10.0.0.1 >/dev/null
  many_peers "$file"
  # Two peers already held as they should be (kept by the rollback), and in the middle of the run an
  # entry without a link-layer address for peer 600's IP, which apply does not count as a peer: its
  # neighbour add is refused (EEXIST) after 1,200 entries were sent, and all of them are taken back.
  ip -n "$ov" neigh add 10.0.1.1 lladdr 02:42:0a:00:01:01 dev vxlan0 nud permanent
  bridge -n "$ov" fdb add 02:42:0a:00:01:01 dev vxlan0 dst 192.168.99.2 self permanent
  ip -n "$ov" neigh add 10.0.3.101 dev vxlan0 nud failed
  before="$(ip -n "$ov" neigh show)$(bridge -n "$ov" fdb show)"
  expect_exit 1 "$SWARMLB" -n "$ov" apply --config "$file" --dev vxlan0 --chain OUTPUT --overlay "$ov" --node 192.168.99.1
  assert_contains "$ERR" "neighbour 10.0.3.101 on vxlan0"
  assert_contains "$ERR" "File exists"
  assert_contains "$ERR" "[while: nsenter --net=/run/netns/$ov ip neigh add 10.0.3.101 lladdr 02:42:0a:00:03:65 dev vxlan0 nud permanent"
  assert_contains "$ERR" "earlier steps rolled back, namespace unchanged"
  one_line "$ERR"
  assert_eq "$before" "$(ip -n "$ov" neigh show)$(bridge -n "$ov" fdb show)" "neighbour and fdb entries after the failed apply"
}
