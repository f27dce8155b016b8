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

test_vip_del_that_would_remove_nothing_fails_unless_if_exists() {
  ns=$(new_ns lb); with_eth0 "$ns" 10.0.0.9/24
  "$SWARMLB" -n "$ns" vip add 10.0.0.6 --dev eth0 --fwm 262 --chain INPUT >/dev/null
  before=$(state "$ns")
  # marked only in INPUT: no OUTPUT rule to remove, and the /32 stays for the INPUT mark
  expect_exit 1 "$SWARMLB" -n "$ns" vip del 10.0.0.6 --chain OUTPUT
  one_line "$ERR"
  assert_eq "swarmlb: nothing to delete: no mangle OUTPUT rule sets a mark for 10.0.0.6 and its /32 stays (10.0.0.6 is still marked 0x106 in mangle INPUT): nothing removed (use --if-exists to accept)" "$ERR"
  assert_eq "" "$OUT"
  expect_exit 0 "$SWARMLB" -n "$ns" vip del 10.0.0.6 --chain OUTPUT --if-exists
  assert_eq "# not present: no mangle OUTPUT rule sets a mark for 10.0.0.6 and its /32 stays (10.0.0.6 is still marked 0x106 in mangle INPUT): nothing removed" "$OUT"
  assert_eq "$before" "$(state "$ns")"
  # the other deletes of what is not there
  for args in "mark del 0x10f --port tcp/8080" "snat del 10.0.0.0/24 --to-source 10.0.0.9" "ingress unredirect tcp/8080:80 --ip 10.0.0.9" \
              "ingress unpublish tcp/8080 --to 172.18.0.2"; do
    # shellcheck disable=SC2086
    expect_exit 1 "$SWARMLB" -n "$ns" $args
    one_line "$ERR"; assert_contains "$ERR" "nothing to delete"
    # shellcheck disable=SC2086
    expect_exit 0 "$SWARMLB" -n "$ns" $args --if-exists
  done
  assert_eq "$before" "$(state "$ns")"
}

# A full pipe holds swarmlb in write(2) of its report, after the commit: a signal then changes nothing.
test_a_signal_after_the_commit_leaves_the_change_and_exit_0() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  fifo=/tmp/$PREFIX.fifo; mkfifo "$fifo"; exec 3<>"$fifo"
  for signal in TERM INT; do
    head -c "$(python3 -c 'import fcntl, sys; print(fcntl.fcntl(3, 1032))')" /dev/zero >&3  # F_GETPIPE_SZ: fill it
    # A script's background job ignores SIGINT; reset it, as for a command in a terminal's foreground.
    env --default-signal=INT "$SWARMLB" -n "$ns" vip add 10.0.0.2 --dev eth0 --fwm 257 >"$fifo" 2>/tmp/$PREFIX.err & pid=$!
    for i in $(seq 1 100); do nsx "$ns" "$IPT" -t mangle -S OUTPUT | grep -q 0x101 && break; sleep 0.05; done
    sleep 0.2
    kill -0 $pid 2>/dev/null || fail "swarmlb did not wait to write its report (stderr: $(cat /tmp/$PREFIX.err))"
    kill -"$signal" $pid; sleep 0.2
    head -c "$(python3 -c 'import fcntl, sys; print(fcntl.fcntl(3, 1032))')" <&3 >/dev/null  # drain the filling
    rc=0; wait $pid || rc=$?
    assert_eq 0 "$rc" "exit status after SIG$signal past the commit"
    IFS= read -r -t 2 line1 <&3; IFS= read -r -t 2 line2 <&3
    assert_eq "ip addr add 10.0.0.2/32 dev eth0
$IPT -t mangle -A OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff" "$line1
$line2" "the report, written whole"
    assert_eq "" "$(cat /tmp/$PREFIX.err)"
    assert_contains "$(ip -n "$ns" -o addr show dev eth0)" "inet 10.0.0.2/32 scope global eth0"
    "$SWARMLB" -n "$ns" vip del 10.0.0.2 >/dev/null
  done
  exec 3>&-
}

# The same as a real race, bounded: SIGTERM at a random moment of a change; the exit status says which side it landed on.
test_sigterm_at_any_moment_exits_143_unchanged_or_0_changed() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  before=$(state "$ns")
  seen=
  for i in $(seq 1 30); do
    "$SWARMLB" -n "$ns" vip add 10.0.0.2 --dev eth0 --fwm 257 >/dev/null 2>/tmp/$PREFIX.err & pid=$!
    sleep "0.$(printf '%03d' $((RANDOM % 300)))"  # a change takes about 0.2 s (debug build)
    kill -TERM $pid 2>/dev/null || true
    rc=0; wait $pid || rc=$?
    case $rc in
      143) assert_eq "$before" "$(state "$ns")" "state after exit 143 (run $i)" ;;
      0) assert_contains "$(nsx "$ns" "$IPT" -t mangle -S OUTPUT)" "-A OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff"
         assert_contains "$(ip -n "$ns" -o addr show dev eth0)" "inet 10.0.0.2/32"
         "$SWARMLB" -n "$ns" vip del 10.0.0.2 >/dev/null ;;
      *) fail "exit $rc (run $i): $(cat /tmp/$PREFIX.err)" ;;
    esac
    seen+=" $rc"
  done
  echo "exit statuses:$seen" >&2
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
                "mark add 0x10f --port tcp/8080" "mark add 272 --port udp/53" "vip del 10.0.0.6 --chain INPUT"; do
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
'FORWARD'|vip add 10.0.0.3 --dev eth0 --fwm 257 --chain FORWARD
'PREROUTING'|vip add 10.0.0.3 --dev eth0 --fwm 257 --chain PREROUTING
'input'|vip add 10.0.0.3 --dev eth0 --fwm 257 --chain input
'POSTROUTING'|vip del 10.0.0.2 --chain POSTROUTING
'FORWARD'|service add web --vip 10.0.0.3 --fwm 258 --dev eth0 --chain FORWARD
'prerouting'|mark add 0x10f --port tcp/8080 --chain prerouting
70000|real add 257 10.0.0.3 --weight 70000
bridge|real add 257 10.0.0.3 --forward bridge
10.0.0.3:x|real del 257 10.0.0.3:x
--to-source|service add web --vip 10.0.0.2 --fwm 257 --dev eth0 --snat 10.0.0.0/24
Unknown option|vip add 10.0.0.3 --dev eth0 --fwm 257 --bogus
CASES
  # an error names only what was typed: not the --netns given back to the parser behind the command
  expect_exit 2 "$SWARMLB" -n "$ns" apply --config /dev/null --dev eth0 -- extra
  one_line "$ERR"; assert_contains "$ERR" "'extra'"; assert_not_contains "$ERR" "netns"
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

# The kernel (5.18+) tags ::1 on lo with IFA_PROTO 1 and link-local addresses with 3; iproute2 6.4+ prints them
# (`proto kernel_lo`, `proto kernel_ll`), 6.3 and earlier print nothing. swarmlb follows the
# ip installed beside it (the test above compares with it); SWARMLB_IPROUTE2_PROTO=1 or 0 says which instead.
test_inspect_addr_prints_the_address_protocol_as_iproute2_6_4_does() {
  ns=$(new_ns c); ip -n "$ns" link set lo up
  [ -n "$(ip -n "$ns" -6 -o addr show dev lo)" ] || fail "no ::1 on lo (IPv6 disabled?)"
  SWARMLB_IPROUTE2_PROTO=1 expect_exit 0 "$SWARMLB" -n "$ns" inspect addr
  assert_contains "$OUT" "1: lo    inet6 ::1/128 scope host proto kernel_lo \\       valid_lft forever preferred_lft forever"
  assert_contains "$OUT" "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever"
  SWARMLB_IPROUTE2_PROTO=0 expect_exit 0 "$SWARMLB" -n "$ns" inspect addr
  assert_contains "$OUT" "1: lo    inet6 ::1/128 scope host \\       valid_lft forever preferred_lft forever"
  "$SWARMLB" -n "$ns" inspect addr --json | schema_check addresses
  python3 -c 'import json,sys; d=json.load(sys.stdin); assert [x.get("protocol") for x in d if x["family"]=="inet6"]==[1], d' \
    <<<"$("$SWARMLB" -n "$ns" inspect addr --json)"
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

test_inspect_finds_the_resolvers_sockets_as_ss_does() {
  ns=$(new_ns c); ip -n "$ns" link set lo up
  # A bound UDP socket and a listening TCP one on 127.0.0.11 are a resolver's; a TCP connection (its
  # two ends, on 127.0.0.11 too) and a bound TCP socket that does not listen are not listeners.
  ip netns exec "$ns" python3 -c '
import socket, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.11", 41000))
t = socket.socket(); t.bind(("127.0.0.11", 41001)); t.listen()
c = socket.create_connection(("127.0.0.11", 41001), source_address=("127.0.0.11", 41003)); a, _ = t.accept()
b = socket.socket(); b.bind(("127.0.0.11", 41002))
open("/tmp/'"$PREFIX"'.ready", "w").close(); time.sleep(30)' &
  for _ in $(seq 50); do [ -e "/tmp/$PREFIX.ready" ] && break; sleep 0.1; done
  assert_eq "41000 41001" "$(ip netns exec "$ns" ss -Hlnut4 src 127.0.0.11 | awk '{split($5, a, ":"); print a[2]}' | sort | xargs)" "ss's listeners"
  expect_exit 3 "$SWARMLB" -n "$ns" inspect
  assert_contains "$OUT" "a resolver listens on 127.0.0.11 (udp/41000, tcp/41001) but the nat chain DOCKER_OUTPUT that sends port 53 there is missing"
  kill %1; rm -f "/tmp/$PREFIX.ready"
}
