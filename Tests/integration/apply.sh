# Kernel tests of `swarmlb apply` (needs IPVS and xt_ipvs: run inside the VM, never skipped), once per
# iptables backend (BACKEND=legacy|nft).

require_backend
require_ipvs

# services_file FILE [LINE...]: a services file for network 10.0.0.0/24 with the given service entries
# (YAML flow mappings, one per line).
services_file() {
  local file=$1; shift
  { echo "network: web-net"; echo "subnet: 10.0.0.0/24"; echo "services:"; for s in "$@"; do echo "  - $s"; done; } > "$file"
}
WEB='{name: web, vip: 10.0.0.2, fwmark: 0x101, tasks: [{name: web.1, ip: 10.0.0.3}, {name: web.2, ip: 10.0.0.4}]}'
API='{name: api, vip: 10.0.0.6, fwmark: 0x102, tasks: [{name: api.1, ip: 10.0.0.7}]}'
RR='{name: rr, endpoint_mode: dnsrr, tasks: [{name: rr.1, ip: 10.0.0.9}]}'

# lb_ns NAME: a load-balancer namespace with eth0 10.0.0.10/24.
lb_ns() { local ns; ns=$(new_ns "$1"); with_eth0 "$ns" 10.0.0.10/24; echo "$ns"; }

# many_services FILE N [I NEWIP]: N services (marks 0x2000+i, one task each) on 10.0.0.0/16; service I's task at NEWIP.
many_services() {
  local file=$1 n=$2 changed=${3:-0} newip=${4:-} i ip
  { echo "network: big"; echo "subnet: 10.0.0.0/16"; echo "services:"
    for i in $(seq 1 "$n"); do
      ip=10.0.0.$((i % 200 + 20)); [ "$i" = "$changed" ] && ip=$newip
      echo "  - {name: s$i, vip: 10.0.$((1 + i / 250)).$((i % 250 + 1)), fwmark: $((0x2000 + i)), tasks: [{name: s$i.1, ip: $ip}]}"
    done; } > "$file"
}

test_apply_builds_docker_load_balancer_namespace() {
  ns=$(lb_ns lb); services_file /tmp/$PREFIX.yaml "$WEB" "$API" "$RR"
  expect_exit 0 "$SWARMLB" -n "$ns" apply --config /tmp/$PREFIX.yaml --dev eth0
  assert_eq "ip addr add 10.0.0.2/32 dev eth0
ip addr add 10.0.0.6/32 dev eth0
ipvsadm -A -f 257 -s rr
ipvsadm -A -f 258 -s rr
ip link set lo up
ipvsadm -a -f 257 -r 10.0.0.3:0 -m -w 1
ipvsadm -a -f 257 -r 10.0.0.4:0 -m -w 1
ipvsadm -a -f 258 -r 10.0.0.7:0 -m -w 1
$IPT -t mangle -A INPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff
$IPT -t mangle -A INPUT -d 10.0.0.6/32 -j MARK --set-xmark 0x102/0xffffffff
$IPT -t nat -A POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.10
sysctl -w net.ipv4.vs.conntrack=1
sysctl -w net.ipv4.vs.conn_reuse_mode=0
sysctl -w net.ipv4.vs.expire_nodest_conn=1
sysctl -w net.ipv4.vs.expire_quiescent_template=1" "$OUT" "apply's changes, in order"
  assert_eq "IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
FWM  257 rr
  -> 10.0.0.3:0                   Masq    1      0          0         
  -> 10.0.0.4:0                   Masq    1      0          0         
FWM  258 rr
  -> 10.0.0.7:0                   Masq    1      0          0         " "$(nsx "$ns" ipvsadm -Ln)" "ipvsadm -Ln"
  accepts_every_rule "$ns" mangle; accepts_every_rule "$ns" nat
  assert_eq 2 "$(nsx "$ns" "$IPT" -t mangle -S INPUT | grep -c MARK)" "mark rules"
  # The classic tools running the printed commands make the same namespace.
  classic=$(lb_ns classic); replay "$classic" "$OUT"
  assert_eq "$(state "$classic")" "$(state "$ns")" "apply's namespace vs the classic tools running its commands"
  # A second run changes nothing and prints nothing; --check agrees.
  before=$(state "$ns")
  expect_exit 0 "$SWARMLB" -n "$ns" apply --config /tmp/$PREFIX.yaml --dev eth0
  assert_eq "" "$OUT" "a second apply prints nothing"
  expect_exit 0 "$SWARMLB" -n "$ns" apply --config /tmp/$PREFIX.yaml --dev eth0 --check
  assert_eq "" "$OUT"; assert_eq "$before" "$(state "$ns")" "state after a repeated apply"
}

test_apply_changes_only_what_differs_and_drains_before_deleting() {
  ns=$(lb_ns lb); services_file /tmp/$PREFIX.yaml "$WEB" "$API"
  "$SWARMLB" -n "$ns" apply --config /tmp/$PREFIX.yaml --dev eth0 >/dev/null
  # Task web.2 (10.0.0.4) replaced by web.3 (10.0.0.5).
  services_file /tmp/$PREFIX.yaml "${WEB/10.0.0.4/10.0.0.5}" "$API"
  before=$(state "$ns")
  expect_exit 3 "$SWARMLB" -n "$ns" apply --config /tmp/$PREFIX.yaml --dev eth0 --check
  want="ipvsadm -a -f 257 -r 10.0.0.5:0 -m -w 1
ipvsadm -e -f 257 -r 10.0.0.4:0 -m -w 0
ipvsadm -d -f 257 -r 10.0.0.4:0"
  assert_eq "$want" "$OUT" "--check prints the differences"
  assert_eq "$before" "$(state "$ns")" "--check changes nothing"
  expect_exit 0 "$SWARMLB" -n "$ns" apply --config /tmp/$PREFIX.yaml --dev eth0 --dry-run
  assert_eq "$want" "$OUT"; assert_eq "$before" "$(state "$ns")" "--dry-run changes nothing"
  expect_exit 0 "$SWARMLB" -n "$ns" apply --config /tmp/$PREFIX.yaml --dev eth0
  assert_eq "$want" "$OUT" "only the new task, then the old one drained and deleted"
  assert_eq "  -> 10.0.0.3:0                   Masq    1      0          0         
  -> 10.0.0.5:0                   Masq    1      0          0         " "$(nsx "$ns" ipvsadm -Ln -f 257 | grep -- '->' | tail -n +2)"
  expect_exit 0 "$SWARMLB" -n "$ns" apply --config /tmp/$PREFIX.yaml --dev eth0 --check
}

test_apply_prune_removes_only_what_it_owns() {
  ns=$(lb_ns lb); services_file /tmp/$PREFIX.yaml "$WEB" "$API"
  "$SWARMLB" -n "$ns" apply --config /tmp/$PREFIX.yaml --dev eth0 >/dev/null
  # Foreign objects: a TCP service, a port mark, a filter rule, a user chain, an unmarked /32.
  nsx "$ns" ipvsadm -A -t 10.0.0.10:80 -s wrr
  nsx "$ns" "$IPT" -t mangle -A PREROUTING -p tcp -m tcp --dport 8080 -j MARK --set-xmark 0x110/0xffffffff
  nsx "$ns" "$IPT" -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
  nsx "$ns" "$IPT" -t nat -N MINE
  ip -n "$ns" addr add 10.0.0.99/32 dev eth0
  services_file /tmp/$PREFIX.yaml "$WEB"
  expect_exit 0 "$SWARMLB" -n "$ns" apply --config /tmp/$PREFIX.yaml --dev eth0
  assert_eq "" "$OUT" "without --prune, a service the file no longer names stays"
  foreign_before=$(nsx "$ns" ipvsadm -Ln -t 10.0.0.10:80; nsx "$ns" "$IPT" -S; nsx "$ns" "$IPT" -t mangle -S PREROUTING; nsx "$ns" "$IPT" -t nat -S MINE)
  expect_exit 0 "$SWARMLB" -n "$ns" apply --config /tmp/$PREFIX.yaml --dev eth0 --prune
  assert_eq "$IPT -t mangle -D INPUT -d 10.0.0.6/32 -j MARK --set-xmark 0x102/0xffffffff
ipvsadm -D -f 258
ip addr del 10.0.0.6/32 dev eth0" "$OUT" "prune: the mark, then its service, then its VIP"
  assert_eq "$foreign_before" "$(nsx "$ns" ipvsadm -Ln -t 10.0.0.10:80; nsx "$ns" "$IPT" -S; nsx "$ns" "$IPT" -t mangle -S PREROUTING; nsx "$ns" "$IPT" -t nat -S MINE)" "foreign objects"
  assert_contains "$(ip -n "$ns" -o addr show dev eth0)" "10.0.0.99/32"
  expect_exit 0 "$SWARMLB" -n "$ns" apply --config /tmp/$PREFIX.yaml --dev eth0 --prune --check
}

test_apply_per_container_model_and_bad_input() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24; services_file /tmp/$PREFIX.yaml "$WEB"
  expect_exit 0 "$SWARMLB" -n "$ns" apply --config /tmp/$PREFIX.yaml --dev eth0 --chain OUTPUT
  nsx "$ns" "$IPT" -t mangle -C OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff
  nsx "$ns" "$IPT" -t nat -C POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.5
  assert_not_contains "$OUT" "conn_reuse_mode"
  before=$(state "$ns")
  expect_exit 2 "$SWARMLB" -n "$ns" apply --config /tmp/$PREFIX.yaml --dev eth0 --chain FORWARD
  one_line "$ERR"; assert_contains "$ERR" "FORWARD"
  expect_exit 1 "$SWARMLB" -n "$ns" apply --config /tmp/$PREFIX.yaml --dev eth9
  one_line "$ERR"; assert_contains "$ERR" 'device "eth9" does not exist'
  expect_exit 1 "$SWARMLB" -n "$ns" apply --config /tmp/$PREFIX.none --dev eth0
  one_line "$ERR"; assert_contains "$ERR" "$PREFIX.none"
  assert_eq "$before" "$(state "$ns")" "bad input changes nothing"
}

test_apply_killed_midway_converges_when_run_again() {
  ns=$(lb_ns lb); many_services /tmp/$PREFIX.yaml 200
  ip -n "$ns" addr add 10.0.0.10/16 dev eth0
  "$SWARMLB" -n "$ns" apply --config /tmp/$PREFIX.yaml --dev eth0 >/dev/null & pid=$!
  sleep 0.5; kill -9 $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
  expect_exit 0 "$SWARMLB" -n "$ns" apply --config /tmp/$PREFIX.yaml --dev eth0
  expect_exit 0 "$SWARMLB" -n "$ns" apply --config /tmp/$PREFIX.yaml --dev eth0 --check
  assert_eq 200 "$(nsx "$ns" ipvsadm -Ln | grep -c '^FWM')" "FWM services"
  assert_eq 200 "$(nsx "$ns" "$IPT" -t mangle -S INPUT | grep -c MARK)" "mark rules"
}

test_apply_reads_every_service_beside_other_namespaces() {
  # Kernel 6.1 restarts each 4 KiB chunk of /proc/net/ip_vs at a position that also counts other
  # namespaces' services, so beside them the listing leaves out some of this namespace's. Apply's
  # read (getsockopt, one call per service) must see those too, never take them for absent (that
  # would add them again), and read their reals exactly (thresholds included).
  other=$(lb_ns other); ns=$(lb_ns lb)
  ip -n "$other" addr add 10.0.0.10/16 dev eth0; ip -n "$ns" addr add 10.0.0.10/16 dev eth0
  many_services /tmp/$PREFIX-other.yaml 150; "$SWARMLB" -n "$other" apply --config /tmp/$PREFIX-other.yaml --dev eth0 >/dev/null
  many_services /tmp/$PREFIX.yaml 300; "$SWARMLB" -n "$ns" apply --config /tmp/$PREFIX.yaml --dev eth0 >/dev/null
  assert_eq 300 "$(nsx "$ns" ipvsadm -Ln | grep -c '^FWM')" "FWM services (netlink)"
  listed=$(for h in $(nsx "$ns" awk '$1 == "FWM" {print $2}' /proc/net/ip_vs); do echo $((16#$h)); done)
  missing=$(comm -23 <(seq $((0x2001)) $((0x2000 + 300)) | sort) <(sort <<<"$listed") | sort -n | head -1)
  [ -n "$missing" ] || fail "/proc/net/ip_vs listed all 300 services beside another namespace's: this test no longer covers the skip"
  i=$((missing - 0x2000)); old=10.0.0.$((i % 200 + 20)); new=10.0.1.$((i % 200 + 20))
  # Nothing to change: no service the listing left out is added again.
  expect_exit 0 "$SWARMLB" -n "$ns" apply --config /tmp/$PREFIX.yaml --dev eth0 --check
  assert_eq "" "$OUT" "--check beside another namespace"
  # A threshold set by hand on it is not apply's: still nothing to change.
  nsx "$ns" ipvsadm -e -f "$missing" -r "$old:0" -m -w 1 -x 50
  expect_exit 0 "$SWARMLB" -n "$ns" apply --config /tmp/$PREFIX.yaml --dev eth0 --check
  assert_eq "" "$OUT" "--check with a threshold set by hand"
  # That service, changed: exactly its changes, the drained real keeping its threshold.
  many_services /tmp/$PREFIX.yaml 300 "$i" "$new"
  expect_exit 0 "$SWARMLB" -n "$ns" apply --config /tmp/$PREFIX.yaml --dev eth0
  assert_eq "ipvsadm -a -f $missing -r $new:0 -m -w 1
ipvsadm -e -f $missing -r $old:0 -m -w 0 -x 50
ipvsadm -d -f $missing -r $old:0" "$OUT" "the changed service left out of /proc/net/ip_vs"
  expect_exit 0 "$SWARMLB" -n "$ns" apply --config /tmp/$PREFIX.yaml --dev eth0
  assert_eq "" "$OUT" "a second apply prints nothing"
  assert_eq 300 "$(nsx "$ns" ipvsadm -Ln | grep -c '^FWM')" "FWM services"
}

test_apply_takes_weights_and_the_scheduler_from_the_file() {
  ns=$(lb_ns lb)
  services_file /tmp/$PREFIX.yaml '{name: web, vip: 10.0.0.2, fwmark: 0x101, scheduler: wrr, tasks: [{name: web.1, ip: 10.0.0.3, weight: 2}, {name: web.2, ip: 10.0.0.4, weight: 0}]}'
  expect_exit 0 "$SWARMLB" -n "$ns" apply --config /tmp/$PREFIX.yaml --dev eth0
  assert_eq "FWM  257 wrr
  -> 10.0.0.3:0                   Masq    2      0          0         
  -> 10.0.0.4:0                   Masq    0      0          0         " "$(nsx "$ns" ipvsadm -Ln | sed -n '4,$p')" "a drained task (weight 0) and a weighted one"
  # Thresholds set by hand (apply does not manage them; /proc/net/ip_vs, which apply reads reals from,
  # does not show them) stay as they are on a real apply re-weights.
  nsx "$ns" ipvsadm -e -f 257 -r 10.0.0.4:0 -m -w 0 -x 50
  services_file /tmp/$PREFIX.yaml '{name: web, vip: 10.0.0.2, fwmark: 0x101, tasks: [{name: web.1, ip: 10.0.0.3, weight: 2}, {name: web.2, ip: 10.0.0.4}]}'
  expect_exit 0 "$SWARMLB" -n "$ns" apply --config /tmp/$PREFIX.yaml --dev eth0
  assert_eq "ipvsadm -E -f 257 -s rr
ipvsadm -e -f 257 -r 10.0.0.4:0 -m -w 1 -x 50" "$OUT" "the scheduler back to rr, the drained task back in, its threshold kept"
  assert_eq "50 0" "$(nsx "$ns" ipvsadm -Ln --thresholds | awk '/10.0.0.4/ {print $3, $4}')" "the thresholds read back (upper, lower)"
}

# The add/del commands plan on apply's reading of the namespace: a second mark for a VIP is refused (vip add, service add,
# apply), service del keeps a VIP /32 another service's mark rule still sends packets to, and vip del
# removes nothing when the VIP is on another device or marked with another mark than the one given.
test_one_object_commands_refuse_second_marks_and_keep_what_others_use() {
  ns=$(new_ns s); with_eth0 "$ns" 10.0.0.5/24; ip link add "$PREFIX$RANDOM" type veth peer name eth1 netns "$ns"
  "$SWARMLB" -n "$ns" service add web --vip 10.0.0.2 --fwm 0x101 --dev eth0 --real 10.0.0.3 >/dev/null
  before=$(state "$ns")
  expect_exit 1 "$SWARMLB" -n "$ns" vip add 10.0.0.2 --dev eth0 --fwm 0x102
  one_line "$ERR"; assert_contains "$ERR" "10.0.0.2 is already marked 0x101 in mangle OUTPUT; refusing a second mark 0x102"
  expect_exit 1 "$SWARMLB" -n "$ns" service add api --vip 10.0.0.2 --fwm 0x102 --dev eth0 --real 10.0.0.7
  one_line "$ERR"; assert_contains "$ERR" "10.0.0.2 is already marked 0x101 in mangle OUTPUT"
  assert_eq "$before" "$(state "$ns")" "refused second marks change nothing"
  # A second service on the same VIP in another chain (Docker's two models in one namespace).
  expect_exit 0 "$SWARMLB" -n "$ns" service add api --vip 10.0.0.2 --fwm 0x102 --dev eth0 --chain INPUT --real 10.0.0.7
  # apply refuses to mark a VIP the chain already marks with a mark the file does not name.
  services_file /tmp/$PREFIX.yaml '{name: web, vip: 10.0.0.2, fwmark: 0x103, tasks: [{name: web.1, ip: 10.0.0.3}]}'
  before=$(state "$ns")
  expect_exit 1 "$SWARMLB" -n "$ns" apply --config /tmp/$PREFIX.yaml --dev eth0 --chain INPUT
  one_line "$ERR"; assert_contains "$ERR" "10.0.0.2 is already marked 0x102 in mangle INPUT; refusing a second mark 0x103"
  assert_eq "$before" "$(state "$ns")" "a refused apply changes nothing"
  # vip del given the wrong device or mark removes nothing: exit 0 with --if-exists, 1 without.
  expect_exit 0 "$SWARMLB" -n "$ns" vip del 10.0.0.2 --dev eth1 --chain INPUT --if-exists
  assert_eq "# not present: 10.0.0.2/32 is on eth0, not eth1: nothing removed" "$OUT"
  expect_exit 1 "$SWARMLB" -n "$ns" vip del 10.0.0.2 --fwm 0x109 --chain INPUT
  one_line "$ERR"; assert_contains "$ERR" "10.0.0.2 is marked 0x102 in mangle INPUT, not 0x109: nothing removed"
  assert_eq "$before" "$(state "$ns")" "a vip del that does not match removes nothing"
  # service del removes web's mark rule and IPVS service and keeps the /32 that api's mark still targets.
  "$SWARMLB" -n "$ns" --json service del web --vip 10.0.0.2 --fwm 0x101 --dev eth0 > /tmp/$PREFIX.json
  schema_check change < /tmp/$PREFIX.json
  assert_eq '["ip addr del 10.0.0.2/32 dev eth0 (10.0.0.2 is still marked 0x102 in mangle INPUT)"]' \
    "$(python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["kept"]))' < /tmp/$PREFIX.json)" "service del: what it kept, and why"
  assert_eq "FWM  258 rr
  -> 10.0.0.7:0                   Masq    1      0          0         " "$(nsx "$ns" ipvsadm -Ln | tail -n +4)" "ipvsadm -Ln after service del"
  assert_eq "-A INPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x102/0xffffffff" "$(nsx "$ns" "$IPT" -t mangle -S | grep MARK)" "mark rules after service del"
  assert_contains "$(ip -n "$ns" -o addr show dev eth0)" "inet 10.0.0.2/32"
  expect_exit 0 "$SWARMLB" -n "$ns" service del api --vip 10.0.0.2 --fwm 0x102 --dev eth0 --chain INPUT
  assert_eq "$IPT -t mangle -D INPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x102/0xffffffff
ipvsadm -D -f 258
ip addr del 10.0.0.2/32 dev eth0" "$OUT" "the last service on the VIP takes its /32"
}
