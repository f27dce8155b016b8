# The iproute2 views (inspect link, route, neigh, fdb) against ip and bridge themselves (iproute2 6.1 on
# the host), byte for byte, in namespaces holding what Docker's overlay plane holds. No firewall: run once.

# overlay_rig: prints the name of a namespace built as Docker's overlay namespace (br0 with the gateway,
# vxlan0 with Docker's settings, a veth port to a container), with an underlay link, routes of several
# kinds and tables, neighbours and forwarding entries of every kind views print; the container's is $1-c.
overlay_rig() {
  set -e  # a command substitution does not inherit errexit: a step that fails ends the rig
  local ns c u
  ns=$(new_ns ov); c=$(new_ns ov-c); u=$(new_ns ov-u)
  ip -n "$ns" link set lo up
  docker_overlay "$ns" "$c"
  ip -n "$c" route add default via 10.0.0.1
  # The underlay toward another node, a veth pair in the namespace itself (one end down: M-DOWN), a learning vxlan.
  ip link add ul0 netns "$ns" type veth peer name ul0 netns "$u"
  ip -n "$ns" link set ul0 up; ip -n "$u" link set ul0 up
  ip -n "$ns" addr add 192.168.99.1/24 dev ul0
  ip -n "$ns" addr add fd00:99::1/64 dev ul0 nodad
  ip -n "$u" addr add 192.168.99.2/24 dev ul0
  ip -n "$ns" link add pa type veth peer name pb
  ip -n "$ns" link set pa up
  ip -n "$ns" link add vxlan1 type vxlan id 4200 remote 192.168.99.2 local 192.168.99.1 dstport 4789 dev ul0 ttl 64 ageing 0 nolearning tos 1 udp6zerocsumtx
  if ip -n "$ns" link add dummy0 type dummy 2>/dev/null; then ip -n "$ns" link set dummy0 up; fi
  ip -n "$ns" route add 10.1.0.0/16 via 192.168.99.2
  ip -n "$ns" route add 10.2.0.0/16 via 192.168.99.2 metric 100 mtu lock 1400 advmss 1360
  ip -n "$ns" route add blackhole 10.3.0.0/16
  ip -n "$ns" route add unreachable 10.4.0.0/16
  ip -n "$ns" route add 10.5.0.0/16 dev ul0 scope link src 192.168.99.1 proto static
  ip -n "$ns" route add 10.6.0.0/16 via 192.168.99.2 table 100
  ip -n "$ns" route add default via 192.168.99.2 table 100
  ip -n "$ns" route add fd00:5::/64 via fd00:99::2 metric 10
  ip -n "$ns" neigh add 10.0.0.7 lladdr 02:42:0a:00:00:07 dev vxlan0 nud permanent
  ip -n "$ns" neigh add 10.0.0.8 lladdr 02:42:0a:00:00:08 dev vxlan0 nud permanent
  ip -n "$ns" neigh add 192.168.99.3 lladdr 02:42:c0:a8:63:03 dev ul0 nud stale
  ip -n "$ns" neigh add 192.168.99.4 lladdr 02:42:c0:a8:63:04 dev ul0 nud reachable
  ip -n "$ns" neigh add 192.168.99.5 lladdr 02:42:c0:a8:63:05 dev ul0 nud noarp
  ip -n "$ns" neigh add fd00:99::7 lladdr 02:42:0a:00:00:07 dev ul0 nud permanent router
  ip -n "$ns" neigh add 192.168.99.6 lladdr 02:42:c0:a8:63:06 dev ul0 nud permanent extern_learn
  bridge -n "$ns" fdb add 02:42:0a:00:00:07 dev vxlan0 dst 192.168.99.2 self permanent
  bridge -n "$ns" fdb add 02:42:0a:00:00:08 dev vxlan0 dst 192.168.99.3 self permanent
  bridge -n "$ns" fdb append 00:00:00:00:00:00 dev vxlan0 dst 192.168.99.2 port 4790 vni 4098 self permanent
  bridge -n "$ns" fdb add 02:42:0a:00:00:09 dev veth0 master static
  bridge -n "$ns" fdb add 02:42:0a:00:00:0a dev veth0 master extern_learn
  bridge -n "$ns" fdb add 02:42:0a:00:00:0b dev veth0 master static sticky
  bridge -n "$ns" fdb add 02:42:0a:00:00:0c dev vxlan1 dst 192.168.99.2 via ul0 self permanent
  echo "$ns"
}

# same_as WHAT OURS THEIRS: the two outputs are the same bytes.
same_as() {
  local ours theirs try
  # The dot keeps trailing newlines and blanks in the comparison. The kernel may change between the
  # two reads (an IPv6 link-local route or a neighbour's state arriving under load): read both again,
  # up to three times, before calling them different.
  for try in 1 2 3; do
    ours=$($2; echo .); theirs=$($3; echo .)
    [ "$ours" != "$theirs" ] || break
    sleep 1
  done
  [ "$ours" == "$theirs" ] || { diff <(printf '%s' "$theirs") <(printf '%s' "$ours") >&2; fail "$1 differs from the classic tool (< classic, > swarmlb)"; }
  [ "${#ours}" -gt 1 ] || fail "$1: nothing listed"
}

# Bridge timers tick between two reads: their values are masked, their place and width kept.
untimed() { "$@" | sed -E 's/(_timer) +[0-9]+\.[0-9]+ /\1 T.TT /g'; }

test_link_listing_is_ip_link_show() {
  ns=$(overlay_rig)
  same_as "inspect link" "$SWARMLB -n $ns inspect link" "ip -n $ns -o link show"
  same_as "inspect link (container)" "$SWARMLB -n $PREFIX-ov-c inspect link" "ip -n $PREFIX-ov-c -o link show"
  assert_contains "$("$SWARMLB" -n "$ns" inspect link)" "veth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue master br0 state UP"
  assert_contains "$("$SWARMLB" -n "$ns" inspect link)" "link-netns $PREFIX-ov-c"
  assert_contains "$("$SWARMLB" -n "$ns" inspect link)" "pa@pb: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN>"
}

test_link_details_are_ip_d_link_show() {
  ns=$(overlay_rig)
  same_as "inspect link --details" "untimed $SWARMLB -n $ns inspect link --details" "untimed ip -n $ns -d -o link show"
  same_as "inspect link -d (container)" "untimed $SWARMLB -n $PREFIX-ov-c inspect link -d" "untimed ip -n $PREFIX-ov-c -d -o link show"
  out=$("$SWARMLB" -n "$ns" inspect link -d)
  assert_contains "$out" "vxlan id 4097 srcport 0 0 dstport 4789 proxy l2miss l3miss ttl auto ageing 300 udpcsum noudp6zerocsumtx noudp6zerocsumrx"
  assert_contains "$out" "vxlan id 4200 remote 192.168.99.2 local 192.168.99.1 dev ul0 srcport 0 0 dstport 4789 nolearning tos inherit ttl 64 ageing 300 udpcsum udp6zerocsumtx noudp6zerocsumrx"
  assert_contains "$out" "bridge_slave state "
  assert_contains "$out" "bridge forward_delay 1500 hello_time 200 max_age 2000 ageing_time 30000 stp_state 0 priority 32768"
}

test_route_listing_is_ip_route_show() {
  ns=$(overlay_rig)
  same_as "inspect route" "$SWARMLB -n $ns inspect route" "ip -n $ns route show"
  same_as "inspect route --table all" "$SWARMLB -n $ns inspect route --table all" "ip -n $ns route show table all"
  same_as "inspect route (container)" "$SWARMLB -n $PREFIX-ov-c inspect route" "ip -n $PREFIX-ov-c route show"
  assert_contains "$("$SWARMLB" -n "$ns" inspect route)" "10.2.0.0/16 via 192.168.99.2 dev ul0 metric 100 mtu lock 1400 advmss 1360"
  assert_contains "$("$SWARMLB" -n "$ns" inspect route --table all)" "default via 192.168.99.2 dev ul0 table 100"
}

test_neigh_listing_is_ip_neigh_show() {
  ns=$(overlay_rig)
  same_as "inspect neigh" "$SWARMLB -n $ns inspect neigh" "ip -n $ns neigh show"
  out=$("$SWARMLB" -n "$ns" inspect neigh)
  assert_contains "$out" "10.0.0.7 dev vxlan0 lladdr 02:42:0a:00:00:07 PERMANENT "
  assert_contains "$out" "fd00:99::7 dev ul0 lladdr 02:42:0a:00:00:07 router PERMANENT "
  assert_not_contains "$out" "192.168.99.5"  # NOARP alone: ip neigh show leaves it out
}

test_fdb_listing_is_bridge_fdb_show() {
  ns=$(overlay_rig)
  same_as "inspect fdb" "$SWARMLB -n $ns inspect fdb" "bridge -n $ns fdb show"
  out=$("$SWARMLB" -n "$ns" inspect fdb)
  assert_contains "$out" "02:42:0a:00:00:07 dev vxlan0 dst 192.168.99.2 self permanent"
  assert_contains "$out" "00:00:00:00:00:00 dev vxlan0 dst 192.168.99.2 port 4790 vni 4098 self permanent"
  assert_contains "$out" "02:42:0a:00:00:0a dev veth0 extern_learn master br0 "
  assert_contains "$out" "02:42:0a:00:00:0b dev veth0 sticky master br0 static"
  assert_contains "$out" "02:42:0a:00:00:0c dev vxlan1 dst 192.168.99.2 via ul0 self permanent"
}

test_views_of_the_host_namespace_are_the_classic_tools() {
  same_as "inspect link (host)" "$SWARMLB inspect link" "ip -o link show"
  same_as "inspect route (host)" "$SWARMLB inspect route" "ip route show"
  same_as "inspect route --table all (host)" "$SWARMLB inspect route --table all" "ip route show table all"
  same_as "inspect fdb (host)" "$SWARMLB inspect fdb" "bridge fdb show"
  # The host's neighbours change state on their own: compared as addresses and devices only.
  same_as "inspect neigh (host)" "eval $SWARMLB inspect neigh | cut -d' ' -f1-3 | sort" "eval ip neigh show | cut -d' ' -f1-3 | sort"
}

test_views_json_follow_the_schema() {
  ns=$(overlay_rig)
  "$SWARMLB" -n "$ns" inspect link --json | schema_check links
  "$SWARMLB" -n "$ns" inspect route --table all --json | schema_check routes
  "$SWARMLB" -n "$ns" inspect neigh --json | schema_check neighbours
  "$SWARMLB" -n "$ns" inspect fdb --json | schema_check fdb
  json=$("$SWARMLB" -n "$ns" inspect link --json)
  "$(json_python)" -c '
import json, sys
links = {l["name"]: l for l in json.load(sys.stdin)}
v = links["vxlan0"]
assert v["kind"] == "vxlan" and v["master"] == "br0" and v["mtu"] == 1450, v
s = v["kind_settings"]
assert (s["id"], s["port"], s["proxy"], s["l2miss"], s["l3miss"], s["learning"]) == (4097, 4789, True, True, True, True), s
assert links["veth0"]["slave_kind"] == "bridge" and links["veth0"]["link_netns"].endswith("-ov-c"), links["veth0"]
' <<<"$json" || fail "inspect link --json: wrong fields"
  json=$("$SWARMLB" -n "$ns" inspect fdb --json)
  "$(json_python)" -c '
import json, sys
e = [f for f in json.load(sys.stdin) if f.get("mac") == "02:42:0a:00:00:07"]
assert e == [{"mac": "02:42:0a:00:00:07", "device": "vxlan0", "destination": "192.168.99.2", "flags": ["self"], "state": "permanent"}], e
' <<<"$json" || fail "inspect fdb --json: wrong fields"
}

test_views_refuse_bad_input_in_one_line() {
  expect_exit 2 "$SWARMLB" inspect route --table main2
  expect_exit 1 "$SWARMLB" -n "$PREFIX-none" inspect link
  one_line "$ERR"
}
