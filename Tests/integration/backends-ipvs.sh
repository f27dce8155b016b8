# Tests about both iptables backends at once that need IPVS (`inspect`, ipvs SNAT rules): run once, in
# the VM (BACKEND unset).

require_ipvs

test_auto_weighs_ipvs_snat_rules_as_load_balancing_rules() {
  i=0
  while read -r legacy nft want; do
    i=$((i + 1)); ns=$(new_ns c$i); with_eth0 "$ns" 10.0.0.5/24
    echo "case $i: iptables-legacy holds $legacy, iptables-nft holds $nft" >&2
    hold "$ns" iptables-legacy "$legacy"; hold "$ns" iptables-nft "$nft"
    if [ "$want" = refused ]; then
      before=$(state "$ns")
      expect_exit 1 lb -n "$ns" snat add 10.0.0.0/24 --to-source 10.0.0.5
      assert_eq "$BACKENDS_CONFLICT" "$ERR"
      assert_eq "$before" "$(state "$ns")"
    else
      writes_with "$ns" "$want" lb
    fi
  done <<'CASES'
snat   filter iptables-legacy
filter snat   iptables-nft
mark   snat   refused
CASES
}

test_inspect_reports_both_backends_holding_load_balancing_rules() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  lb --backend legacy -n "$ns" service add web --vip 10.0.0.2 --fwm 257 --dev eth0 --real 10.0.0.3 --snat 10.0.0.0/24 --to-source 10.0.0.5 >/dev/null
  expect_exit 0 lb -n "$ns" inspect
  hold "$ns" iptables-nft mark  # a stale mark rule left in nf_tables
  before=$(state "$ns")
  expect_exit 3 lb -n "$ns" inspect
  assert_contains "$OUT" "both iptables-legacy and iptables-nft hold load-balancing rules"
  python3 -c 'import json, sys; d = json.load(sys.stdin); assert "backends_conflict" in [p["kind"] for p in d["problems"]], d' \
    <<<"$(lb -n "$ns" inspect --json)"
  # Chosen, each backend is reported alone: legacy healthy, nft's mark without its IPVS service.
  expect_exit 0 lb --backend legacy -n "$ns" inspect
  expect_exit 3 env SWARMLB_BACKEND=nft "$SWARMLB" -n "$ns" inspect
  assert_contains "$OUT" 'mark 0x109 set by "-A OUTPUT -d 10.0.0.9/32 -j MARK --set-xmark 0x109/0xffffffff" has no IPVS service FWM 265'
  assert_not_contains "$OUT" "both iptables-legacy and iptables-nft"
  assert_eq "$before" "$(state "$ns")" "inspect changes nothing"
}

test_inspect_creates_no_table_in_either_backend() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  creates_no_table "$ns" "-n NS inspect" "inspect --all"
}
