# Kernel tests that need IPVS and xt_ipvs: run inside the VM (Tests/vm/run), never skipped, once per
# iptables backend (BACKEND=legacy|nft).

require_backend
require_ipvs

SERVICE_ADD=(service add my-web --vip 10.0.0.2 --fwm 0x101 --dev eth0 --real 10.0.0.3 10.0.0.4 10.0.0.5 --snat 10.0.0.0/24 --to-source 10.0.0.5)

test_service_add_is_read_back_by_the_classic_tools() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  expect_exit 0 "$SWARMLB" -n "$ns" "${SERVICE_ADD[@]}"
  assert_eq "IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
FWM  257 rr
  -> 10.0.0.3:0                   Masq    1      0          0         
  -> 10.0.0.4:0                   Masq    1      0          0         
  -> 10.0.0.5:0                   Masq    1      0          0         " "$(nsx "$ns" ipvsadm -Ln)" "ipvsadm -Ln"
  assert_contains "$(nsx "$ns" "$IPT" -S -t mangle)" "-A OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff"
  assert_contains "$(nsx "$ns" "$IPT" -S -t nat)" "-A POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.5"
  nsx "$ns" "$IPT" -t nat -C POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.5
  nsx "$ns" "$IPT" -t mangle -C OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff
  assert_contains "$(ip -n "$ns" -o addr show dev eth0)" "inet 10.0.0.2/32 scope global eth0"
  assert_eq "net.ipv4.vs.conntrack = 1" "$(nsx "$ns" sysctl net.ipv4.vs.conntrack)"
  # swarmlb's own listings are byte-identical to the classic tools'.
  assert_eq "$(nsx "$ns" ipvsadm -Ln)" "$("$SWARMLB" -n "$ns" fwm list)" "fwm list vs ipvsadm -Ln"
  assert_eq "$(nsx "$ns" ipvsadm -Ln -f 257)" "$("$SWARMLB" -n "$ns" real list 0x101)" "real list vs ipvsadm -Ln -f"
  assert_eq "$(nsx "$ns" "$IPT" -t nat -S POSTROUTING | grep ipvs)" "$("$SWARMLB" -n "$ns" snat list)" "snat list"
  accepts_every_rule "$ns" nat; accepts_every_rule "$ns" mangle
  # The classic tools running the commands swarmlb printed make the same namespace.
  classic=$(new_ns classic); with_eth0 "$classic" 10.0.0.5/24
  replay "$classic" "$OUT"
  assert_eq "$(state "$classic")" "$(state "$ns")" "swarmlb's namespace vs the classic tools running its commands"
}

test_service_add_twice_changes_nothing_and_del_restores() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  ip -n "$ns" link set lo up
  nsx "$ns" sysctl -qw net.ipv4.vs.conntrack=1
  pristine=$(state "$ns")
  "$SWARMLB" -n "$ns" "${SERVICE_ADD[@]}" >/dev/null
  once=$(state "$ns")
  expect_exit 0 "$SWARMLB" -n "$ns" "${SERVICE_ADD[@]}"
  assert_eq "$once" "$(state "$ns")" "state after a repeated service add"
  assert_eq 0 "$(grep -vc '^# already present' <<<"$OUT")" "changes made by the repeated add"
  expect_exit 0 "$SWARMLB" -n "$ns" service del my-web --vip 10.0.0.2 --fwm 257 --dev eth0
  expect_exit 0 "$SWARMLB" -n "$ns" snat del 10.0.0.0/24 --to-source 10.0.0.5
  assert_eq "$pristine" "$(state "$ns")" "state after del"
  expect_exit 1 "$SWARMLB" -n "$ns" service del my-web --vip 10.0.0.2 --fwm 257 --dev eth0
  one_line "$ERR"; assert_contains "$ERR" "no IPVS service FWM 257"
  expect_exit 0 "$SWARMLB" -n "$ns" service del my-web --vip 10.0.0.2 --fwm 257 --dev eth0 --if-exists
}

test_a_failing_step_rolls_back_every_earlier_step() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  before=$(state "$ns")
  # The second step (the IPVS service) fails in the kernel, after the address was added: its
  # scheduler module does not exist in this kernel.
  if modprobe -n ip_vs_twos 2>/dev/null; then fail "this kernel has ip_vs_twos; pick another missing scheduler"; fi
  expect_exit 1 "$SWARMLB" -n "$ns" service add web --vip 10.0.0.2 --fwm 257 --dev eth0 --real 10.0.0.3 --scheduler twos
  one_line "$ERR"
  assert_contains "$ERR" "adding IPVS service FWM 257"
  assert_contains "$ERR" "earlier steps rolled back, namespace unchanged"
  assert_eq "$before" "$(state "$ns")" "state after a rolled-back transaction"
}

test_a_delete_with_a_missing_part_is_refused_before_any_change() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  "$SWARMLB" -n "$ns" service add web --vip 10.0.0.2 --fwm 257 --dev eth0 --real 10.0.0.3 10.0.0.4 >/dev/null
  "$SWARMLB" -n "$ns" real set 257 10.0.0.4 --weight 0 >/dev/null
  before=$(state "$ns")
  # The VIP has moved off eth0: service del must refuse before touching the mark rule or IPVS.
  ip -n "$ns" addr del 10.0.0.2/32 dev eth0
  ip -n "$ns" addr add 10.0.0.2/32 dev lo
  expect_exit 1 "$SWARMLB" -n "$ns" service del web --vip 10.0.0.2 --fwm 257 --dev eth0
  # Absent parts are refused before anything changes.
  assert_contains "$ERR" "10.0.0.2/32 is not assigned to eth0"
  ip -n "$ns" addr del 10.0.0.2/32 dev lo
  ip -n "$ns" addr add 10.0.0.2/32 dev eth0
  assert_eq "$before" "$(state "$ns")"
}

test_snat_rules_written_by_iptables_are_read_by_swarmlb() {
  ns=$(new_ns c)
  nsx "$ns" "$IPT" -t nat -A POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.5
  nsx "$ns" "$IPT" -t nat -A POSTROUTING -d 10.0.1.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.1.7
  nsx "$ns" "$IPT" -t nat -A POSTROUTING -d 10.0.2.0/24 -j SNAT --to-source 10.0.2.7
  expect_exit 0 "$SWARMLB" -n "$ns" snat list
  assert_eq "$(nsx "$ns" "$IPT" -t nat -S POSTROUTING | grep -- '-m ipvs')" "$OUT" "snat list vs iptables -S"
  assert_eq 2 "$(wc -l <<<"$OUT")" "only the ipvs SNAT rules"
  nsx "$ns" sysctl -qw net.ipv4.vs.conntrack=1
  before=$(state "$ns")
  expect_exit 0 "$SWARMLB" -n "$ns" snat add 10.0.1.0/24 --to-source 10.0.1.7
  assert_eq "$before" "$(state "$ns")" "adding the SNAT rule iptables already wrote"
  expect_exit 0 "$SWARMLB" -n "$ns" snat del 10.0.0.0/24 --to-source 10.0.0.5
  assert_not_contains "$(nsx "$ns" "$IPT" -t nat -S)" "10.0.0.0/24"
}

test_load_balancer_namespace_sysctls() {
  ns=$(new_ns lb); with_eth0 "$ns" 10.0.0.9/24
  expect_exit 0 "$SWARMLB" -n "$ns" service add web --vip 10.0.0.2 --fwm 257 --dev eth0 --chain INPUT --real 10.0.0.3 --lb-sysctls
  assert_eq "0 1 1" "$(nsx "$ns" sh -c 'cd /proc/sys/net/ipv4/vs && echo $(cat conn_reuse_mode expire_nodest_conn expire_quiescent_template)')"
  nsx "$ns" "$IPT" -t mangle -C INPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff
}

test_requests_to_the_vip_are_balanced_round_robin_end_to_end() {
  two_tasks
  answers=$(for i in 1 2 3 4; do ip netns exec "$c" curl -s -m 5 http://10.0.0.2/; done)
  assert_eq 2 "$(grep -c 'backend=10.0.0.3' <<<"$answers")" "answers from 10.0.0.3"
  assert_eq 2 "$(grep -c 'backend=10.0.0.4' <<<"$answers")" "answers from 10.0.0.4"
  assert_eq 4 "$(grep -c 'client=10.0.0.5$' <<<"$answers")" "the backend sees the client's own address"
  # Round robin: consecutive answers alternate between the backends.
  assert_eq "$(sed -n 1p <<<"$answers" | cut -d' ' -f1)" "$(sed -n 3p <<<"$answers" | cut -d' ' -f1)"
  [ "$(sed -n 1p <<<"$answers")" != "$(sed -n 2p <<<"$answers")" ] || fail "not alternating: $answers"
}


# Every -m ipvs option as libxt_ipvs writes it (iptables-legacy's entries, iptables-nft's compat
# matches), read back by swarmlb byte for byte; and one swarmlb's codec writes, read back by iptables.
test_ipvs_match_options_are_read_and_written_as_iptables_does() {
  ns=$(new_ns v)
  local spec
  while read -r spec; do nsx "$ns" "$IPT" -t nat -A POSTROUTING $spec -j ACCEPT; done <<'RULES'
-m ipvs --vproto tcp --vdir ORIGINAL
-m ipvs ! --vaddr 10.0.0.2/24 --vdir REPLY
-m ipvs --vaddr 10.0.0.3 ! --vport 80 --vmethod GATE
-m ipvs ! --vmethod MASQ --vportctl 21
-m ipvs ! --vproto udp --vmethod IPIP ! --vportctl 2121
-m ipvs ! --ipvs
RULES
  expect_exit 0 "$SWARMLB" -n "$ns" inspect iptables -t nat
  assert_eq "$(nsx "$ns" "$IPT" -t nat -S)" "$OUT" "inspect iptables -t nat vs $IPT -S"
  assert_contains "$OUT" "-A POSTROUTING -m ipvs --vproto 6 --vdir ORIGINAL -j ACCEPT"
  nsx "$ns" "$ROOT/.build/debug/swarmlb-fw" "$BACKEND" -t nat -A OUTPUT -m ipvs ! --vproto 17 --vaddr 10.0.0.0/8 --vport 53 --vdir REPLY ! --vmethod GATE --vportctl 21 -j RETURN
  assert_eq "-A OUTPUT -m ipvs ! --vproto 17 --vaddr 10.0.0.0/8 --vport 53 --vdir REPLY ! --vmethod GATE --vportctl 21 -j RETURN" \
    "$(nsx "$ns" "$IPT" -t nat -S OUTPUT | grep -- '-m ipvs')" "written by swarmlb, read by $IPT -S"
  nsx "$ns" "$IPT" -t nat -C OUTPUT -m ipvs ! --vproto udp --vaddr 10.0.0.0/8 --vport 53 --vdir REPLY ! --vmethod GATE --vportctl 21 -j RETURN
}
