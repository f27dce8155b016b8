# Kernel tests that need only iptables, addresses and namespaces: run on the host, as root, once per
# backend (BACKEND=legacy|nft).

require_backend

test_vip_add_writes_the_address_and_the_mark_rule() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  expect_exit 0 "$SWARMLB" -n "$ns" vip add 10.0.0.2 --dev eth0 --fwm 0x101
  assert_eq "ip addr add 10.0.0.2/32 dev eth0
$IPT -t mangle -A OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff" "$OUT"
  assert_contains "$(nsx "$ns" "$IPT" -S -t mangle)" "-A OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff"
  # iptables -C compares entry bytes: swarmlb wrote exactly what iptables writes.
  nsx "$ns" "$IPT" -t mangle -C OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff
  assert_contains "$(ip -n "$ns" -o addr show dev eth0)" "inet 10.0.0.2/32 scope global eth0"
}

test_vip_add_twice_changes_nothing() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  "$SWARMLB" -n "$ns" vip add 10.0.0.2 --dev eth0 --fwm 257 >/dev/null
  before=$(state "$ns")
  expect_exit 0 "$SWARMLB" -n "$ns" vip add 10.0.0.2 --dev eth0 --fwm 0x101
  assert_eq "$before" "$(state "$ns")" "state after a repeated add"
  assert_contains "$OUT" "# already present: ip addr add 10.0.0.2/32 dev eth0"
  assert_eq 1 "$(nsx "$ns" "$IPT" -S -t mangle | grep -c MARK)" "mark rules"
}

test_vip_in_the_input_chain_for_a_load_balancer_namespace() {
  ns=$(new_ns lb); with_eth0 "$ns" 10.0.0.9/24
  expect_exit 0 "$SWARMLB" -n "$ns" vip add 10.0.0.6 --dev eth0 --fwm 262 --chain INPUT
  nsx "$ns" "$IPT" -t mangle -C INPUT -d 10.0.0.6/32 -j MARK --set-xmark 0x106/0xffffffff
  expect_exit 0 "$SWARMLB" -n "$ns" vip list
  assert_eq "VIP       MARK         CHAIN  DEVICE
10.0.0.6  0x106 (262)  INPUT  eth0" "$OUT"
}

test_vip_del_removes_both_and_reports_absence() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  before=$(state "$ns")
  "$SWARMLB" -n "$ns" vip add 10.0.0.2 --dev eth0 --fwm 257 >/dev/null
  expect_exit 0 "$SWARMLB" -n "$ns" vip del 10.0.0.2 --dev eth0 --fwm 257
  assert_eq "$before" "$(state "$ns")" "state after add then del"
  expect_exit 1 "$SWARMLB" -n "$ns" vip del 10.0.0.2 --dev eth0 --fwm 257
  one_line "$ERR"; assert_contains "$ERR" "nothing to delete"; assert_contains "$ERR" "--if-exists"
  expect_exit 0 "$SWARMLB" -n "$ns" vip del 10.0.0.2 --dev eth0 --fwm 257 --if-exists
  assert_eq "$before" "$(state "$ns")" "state after deleting what is absent"
}

test_vip_del_finds_the_device_and_mark_itself() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  before=$(state "$ns")
  "$SWARMLB" -n "$ns" vip add 10.0.0.2 --dev eth0 --fwm 0x13d >/dev/null
  expect_exit 0 "$SWARMLB" -n "$ns" vip del 10.0.0.2
  assert_contains "$OUT" "$IPT -t mangle -D OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x13d/0xffffffff"
  assert_eq "$before" "$(state "$ns")"
}

test_partial_delete_without_if_exists_changes_nothing() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  "$SWARMLB" -n "$ns" vip add 10.0.0.2 --dev eth0 --fwm 257 >/dev/null
  nsx "$ns" "$IPT" -t mangle -D OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff
  before=$(state "$ns")
  expect_exit 1 "$SWARMLB" -n "$ns" vip del 10.0.0.2 --dev eth0 --fwm 257
  assert_contains "$ERR" 'no rule "-A OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff" in table mangle'
  assert_eq "$before" "$(state "$ns")" "a refused delete leaves the namespace as it was"
  expect_exit 0 "$SWARMLB" -n "$ns" vip del 10.0.0.2 --dev eth0 --fwm 257 --if-exists
  assert_eq "# not present: $IPT -t mangle -D OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff
ip addr del 10.0.0.2/32 dev eth0" "$OUT" "step order: the mark rule, then the address"
}

test_port_marks_for_the_ingress_namespace() {
  ns=$(new_ns ingress)
  expect_exit 0 "$SWARMLB" -n "$ns" mark add 0x10f --port tcp/8080
  expect_exit 0 "$SWARMLB" -n "$ns" mark add 272 --port udp/53
  nsx "$ns" "$IPT" -t mangle -C PREROUTING -p tcp -m tcp --dport 8080 -j MARK --set-xmark 0x10f/0xffffffff
  nsx "$ns" "$IPT" -t mangle -C PREROUTING -p udp -m udp --dport 53 -j MARK --set-xmark 0x110/0xffffffff
  expect_exit 0 "$SWARMLB" -n "$ns" mark list
  assert_eq "PORT      MARK         CHAIN
tcp/8080  0x10f (271)  PREROUTING
udp/53    0x110 (272)  PREROUTING" "$OUT"
  expect_exit 0 "$SWARMLB" -n "$ns" mark del 0x10f --port tcp/8080
  expect_exit 1 "$SWARMLB" -n "$ns" mark del 0x10f --port tcp/8080
  assert_not_contains "$(nsx "$ns" "$IPT" -S -t mangle)" "8080"
}

# -m sctp as iptables writes it: read back, listed, deleted and written again byte for byte (-C finds
# swarmlb's rule, swarmlb finds iptables').
test_sctp_port_marks_are_read_and_written_as_iptables_does() {
  ns=$(new_ns sctp)
  nsx "$ns" "$IPT" -t mangle -A PREROUTING -p sctp -m sctp --dport 80 -j MARK --set-xmark 0x120/0xffffffff
  nsx "$ns" "$IPT" -t mangle -A PREROUTING -p sctp -m sctp ! --sport 5 --dport 80:90 -j ACCEPT
  expect_exit 0 "$SWARMLB" -n "$ns" inspect iptables -t mangle
  assert_eq "$(nsx "$ns" "$IPT" -t mangle -S)" "$OUT" "inspect iptables -t mangle"
  expect_exit 0 "$SWARMLB" -n "$ns" mark list
  assert_eq "PORT     MARK         CHAIN
sctp/80  0x120 (288)  PREROUTING" "$OUT"
  expect_exit 0 "$SWARMLB" -n "$ns" mark add 0x121 --port sctp/81
  nsx "$ns" "$IPT" -t mangle -C PREROUTING -p sctp -m sctp --dport 81 -j MARK --set-xmark 0x121/0xffffffff
  expect_exit 0 "$SWARMLB" -n "$ns" mark del 0x120 --port sctp/80
  assert_eq "-P PREROUTING ACCEPT
-A PREROUTING -p sctp -m sctp ! --sport 5 --dport 80:90 -j ACCEPT
-A PREROUTING -p sctp -m sctp --dport 81 -j MARK --set-xmark 0x121/0xffffffff" "$(nsx "$ns" "$IPT" -t mangle -S PREROUTING)"
}

test_rules_written_by_iptables_are_read_by_swarmlb() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  nsx "$ns" "$IPT" -t mangle -A OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff
  nsx "$ns" "$IPT" -t mangle -A OUTPUT -d 10.0.0.6/32 -j MARK --set-xmark 0x106/0xffffffff
  nsx "$ns" "$IPT" -t mangle -A PREROUTING -p tcp --dport 8080 -j MARK --set-mark 0x10f
  ip -n "$ns" addr add 10.0.0.2/32 dev eth0
  expect_exit 0 "$SWARMLB" -n "$ns" vip list
  assert_eq "VIP       MARK         CHAIN   DEVICE
10.0.0.2  0x101 (257)  OUTPUT  eth0
10.0.0.6  0x106 (262)  OUTPUT  - (not assigned)" "$OUT"
  expect_exit 0 "$SWARMLB" -n "$ns" mark list
  assert_contains "$OUT" "tcp/8080  0x10f (271)  PREROUTING"
  before=$(state "$ns")
  expect_exit 0 "$SWARMLB" -n "$ns" vip add 10.0.0.2 --dev eth0 --fwm 257
  assert_eq "$before" "$(state "$ns")" "adding what iptables already wrote"
}

test_what_swarmlb_writes_is_what_iptables_writes_for_the_same_commands() {
  a=$(new_ns swarmlb); with_eth0 "$a" 10.0.0.5/24
  b=$(new_ns classic); with_eth0 "$b" 10.0.0.5/24
  script=
  for change in "vip add 10.0.0.2 --dev eth0 --fwm 0x101" "vip add 10.0.0.6 --dev eth0 --fwm 262 --chain INPUT" \
                "mark add 0x10f --port tcp/8080" "mark add 272 --port udp/53" "vip del 10.0.0.6"; do
    # shellcheck disable=SC2086
    expect_exit 0 "$SWARMLB" -n "$a" $change
    script+=$OUT$'\n'
  done
  replay "$b" "$script"
  assert_eq "$(state "$b")" "$(state "$a")" "swarmlb's namespace vs $IPT and ip running the commands swarmlb printed"
  accepts_every_rule "$a" mangle
}

test_dry_run_prints_the_plan_and_changes_nothing() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  before=$(state "$ns")
  expect_exit 0 "$SWARMLB" -n "$ns" vip add 10.0.0.2 --dev eth0 --fwm 257 --dry-run
  assert_eq "ip addr add 10.0.0.2/32 dev eth0
$IPT -t mangle -A OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff" "$OUT"
  expect_exit 0 "$SWARMLB" -n "$ns" mark add 0x10f --port tcp/8080 --dry-run --json
  python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["dry_run"] is True and len(d["changes"]) == 1, d' <<<"$OUT"
  expect_exit 1 "$SWARMLB" -n "$ns" vip del 10.0.0.2 --dev eth0 --fwm 257 --dry-run
  assert_eq "$before" "$(state "$ns")" "state after dry runs"
}

test_bad_input_is_a_one_line_usage_error_and_changes_nothing() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  "$SWARMLB" -n "$ns" vip add 10.0.0.2 --dev eth0 --fwm 257 >/dev/null
  before=$(state "$ns")
  while IFS='|' read -r bad args; do
    # shellcheck disable=SC2086
    expect_exit 2 "$SWARMLB" -n "$ns" $args
    one_line "$ERR"; assert_contains "$ERR" "$bad"
  done <<'CASES'
10.0.0.300|vip add 10.0.0.300 --dev eth0 --fwm 257
'0'|vip add 10.0.0.3 --dev eth0 --fwm 0
0x100000000|vip add 10.0.0.3 --dev eth0 --fwm 0x100000000
'zz'|fwm add zz
roundrobin|fwm add 257 --scheduler roundrobin
10.0.0.0/33|snat add 10.0.0.0/33 --to-source 10.0.0.5
10.0.0.x|snat add 10.0.0.0/24 --to-source 10.0.0.x
tcp/99999|mark add 0x10f --port tcp/99999
DOCKER|vip add 10.0.0.3 --dev eth0 --fwm 257 --chain DOCKER
70000|real add 257 10.0.0.3 --weight 70000
bridge|real add 257 10.0.0.3 --forward bridge
10.0.0.3:x|real del 257 10.0.0.3:x
--to-source|service add web --vip 10.0.0.2 --fwm 257 --dev eth0 --snat 10.0.0.0/24
Unknown option|vip add 10.0.0.3 --dev eth0 --fwm 257 --bogus
CASES
  assert_eq "$before" "$(state "$ns")" "state after bad input"
}

test_runtime_failures_are_one_line_exit_1_and_change_nothing() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  before=$(state "$ns")
  expect_exit 1 "$SWARMLB" -n "$ns" vip add 10.0.0.2 --dev eth9 --fwm 257
  one_line "$ERR"; assert_contains "$ERR" 'device "eth9" does not exist'
  expect_exit 1 "$SWARMLB" -n "$PREFIX-nosuch" vip list
  one_line "$ERR"; assert_contains "$ERR" "network namespace \"$PREFIX-nosuch\" not found"
  expect_exit 1 "$SWARMLB" -n pid:999999999 vip list
  one_line "$ERR"
  expect_exit 1 setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$SWARMLB" -n "$ns" vip add 10.0.0.2 --dev eth0 --fwm 257
  one_line "$ERR"; assert_contains "$ERR" "not permitted"
  assert_eq "$before" "$(state "$ns")"
}

test_every_namespace_spelling() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  "$SWARMLB" -n "$ns" vip add 10.0.0.2 --dev eth0 --fwm 257 >/dev/null
  want=$("$SWARMLB" -n "$ns" vip list)
  assert_eq "$want" "$("$SWARMLB" --netns "/run/netns/$ns" vip list)" "by path"
  assert_eq "$want" "$("$SWARMLB" vip list --netns="$ns")" "option after the subcommand"
  ip netns exec "$ns" sleep 30 & pid=$!
  sleep 0.2
  assert_eq "$want" "$("$SWARMLB" -n "pid:$pid" vip list)" "by pid"
  kill $pid
  # A Docker netns ID: the file Docker bind-mounts under /run/docker/netns.
  id=swlb$RANDOM$RANDOM; mkdir -p /run/docker/netns; touch "/run/docker/netns/$id"
  mount --bind "/run/netns/$ns" "/run/docker/netns/$id"
  got=$("$SWARMLB" -n "$id" vip list); umount "/run/docker/netns/$id"; rm -f "/run/docker/netns/$id"
  assert_eq "$want" "$got" "by Docker netns ID"
  assert_eq "VIP  MARK  CHAIN  DEVICE" "$(unshare -n "$SWARMLB" vip list)" "the current namespace"
}

test_concurrent_writers_lose_no_rule() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  n=40
  ( for i in $(seq 1 $n); do "$SWARMLB" -n "$ns" mark add $((1000 + i)) --port tcp/$((10000 + i)) >/dev/null || exit 1; done ) & a=$!
  ( for i in $(seq 1 $n); do ip netns exec "$ns" "$IPT" -w -t mangle -A PREROUTING -p udp --dport $((20000 + i)) -j MARK --set-xmark $((2000 + i)) || exit 1; done ) & b=$!
  wait $a; wait $b
  rules=$(nsx "$ns" "$IPT" -t mangle -S PREROUTING)
  assert_eq $n "$(grep -c -- '-p tcp' <<<"$rules")" "swarmlb's rules"
  assert_eq $n "$(grep -c -- '-p udp' <<<"$rules")" "iptables' rules"
}

test_json_outputs_are_documented_shapes() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  "$SWARMLB" -n "$ns" vip add 10.0.0.2 --dev eth0 --fwm 257 >/dev/null
  out=$("$SWARMLB" -n "$ns" --json vip list)
  python3 -c 'import json,sys; d=json.load(sys.stdin); assert d == [{"chain":"OUTPUT","device":"eth0","mark":257,"mark_hex":"0x101","rule":"-A OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff","vip":"10.0.0.2"}], d' <<<"$out"
  out=$("$SWARMLB" -n "$ns" vip add 10.0.0.2 --dev eth0 --fwm 257 --json)
  python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["changes"] == [] and len(d["unchanged"]) == 2 and d["dry_run"] is False, d' <<<"$out"
}

test_missing_ipvs_is_one_clear_line() {
  if [ -e /proc/net/ip_vs ] || modprobe -n ip_vs 2>/dev/null; then skip "this kernel has IPVS; the VM tests cover IPVS"; fi
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  before=$(state "$ns")
  expect_exit 1 "$SWARMLB" -n "$ns" service add web --vip 10.0.0.2 --fwm 257 --dev eth0 --real 10.0.0.3
  one_line "$ERR"; assert_contains "$ERR" "IPVS is not available in this kernel"
  assert_eq "$before" "$(state "$ns")" "nothing done when IPVS is missing"
}

test_help_and_version() {
  expect_exit 0 "$SWARMLB" --help; assert_contains "$OUT" "SUBCOMMANDS:"
  expect_exit 0 "$SWARMLB" vip add --help; assert_contains "$OUT" "--dry-run"
  expect_exit 0 "$SWARMLB" --version
  expect_exit 2 "$SWARMLB" nosuchcommand; one_line "$ERR"
}


test_inspect_iptables_is_byte_identical_to_the_backends_iptables() {
  ns=$(new_ns node)
  docker_rules "$ns"
  for t in filter nat mangle raw; do
    assert_eq "$(nsx "$ns" "$IPT" -S -t $t)" "$("$SWARMLB" -n "$ns" inspect iptables -t $t)" "iptables -S -t $t"
  done
  assert_eq "$(nsx "$ns" "$IPT" -S)" "$("$SWARMLB" -n "$ns" inspect iptables)" "iptables -S (filter)"
  nsx "$ns" ping -c1 -W1 127.0.0.1 >/dev/null 2>&1 || true  # non-zero policy counters
  assert_eq "$(nsx "$ns" "$IPT-save" | grep -v '^#')" "$("$SWARMLB" -n "$ns" inspect iptables --save | grep -v '^#')" "iptables-save"
  assert_eq "$(nsx "$ns" "$IPT-save" -t nat | grep -v '^#')" "$("$SWARMLB" -n "$ns" inspect iptables --save -t nat | grep -v '^#')"
  out=$("$SWARMLB" -n "$ns" inspect iptables -t nat --json)
  python3 -c '
import json, sys
d = json.load(sys.stdin)[0]
assert d["table"] == "nat", d
c = {x["name"]: x for x in d["chains"]}
assert "policy" not in c["DOCKER_OUTPUT"] and c["OUTPUT"]["policy"] == "ACCEPT", c
assert c["DOCKER_POSTROUTING"]["rules"][1] == "-A DOCKER_POSTROUTING -s 127.0.0.11/32 -p udp -m udp --sport 39353 -j SNAT --to-source :53", c
' <<<"$out"
}

test_inspect_iptables_flags_what_it_cannot_decode() {
  ns=$(new_ns c)
  nsx "$ns" "$IPT" -A INPUT -p tcp -m tcp --tcp-option 8 -j DROP
  # Decoded by libxtables' tcp plugin, as iptables prints it.
  expect_exit 0 "$SWARMLB" -n "$ns" inspect iptables
  assert_contains "$OUT" "-A INPUT -p tcp -m tcp --tcp-option 8 -j DROP"
  # With no plugin to print it (an empty XTABLES_LIBDIR), the rule is marked, never misprinted.
  empty=$(mktemp -d /tmp/$PREFIX.xtables.XXXX)
  XTABLES_LIBDIR=$empty expect_exit 0 "$SWARMLB" -n "$ns" inspect iptables
  assert_contains "$OUT" "-A INPUT -p tcp -m tcp [undecoded revision 0: "
}

test_inspect_addr_is_byte_identical_to_ip_o_addr() {
  ns=$(new_ns c); ip -n "$ns" link set lo up
  veth_pair "$ns" eth0 "$ns" eth1
  ip -n "$ns" addr add 10.0.0.5/24 brd + dev eth0
  ip -n "$ns" addr add 10.0.0.2/32 dev eth0
  ip -n "$ns" addr add 10.0.0.9/24 dev eth0 label eth0:1
  ip -n "$ns" addr add 10.1.0.1 peer 10.1.0.2/32 dev eth1
  ip -n "$ns" addr add 2001:db8::5/64 dev eth0 nodad
  ip -n "$ns" addr add 192.168.9.1/24 dev eth1 valid_lft 3600 preferred_lft 1800
  for i in 1 2 3; do  # lifetimes count down each second: compare within one second
    a=$(ip -n "$ns" -o addr show); b=$("$SWARMLB" -n "$ns" inspect addr); [ "$a" != "$b" ] || break
  done
  assert_eq "$a" "$b" "ip -o addr show"
  python3 -c 'import json,sys; d=json.load(sys.stdin); assert any(x["device"]=="eth0" and x["local"]=="10.0.0.2" and x["prefix_length"]==32 and x["family"]=="inet" for x in d), d' <<<"$("$SWARMLB" -n "$ns" inspect addr --json)"
}
