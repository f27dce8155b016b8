# Tests of `swarmlb inspect` that need IPVS: the correlated report and every problem it diagnoses. Run in
# the VM, once per iptables backend (BACKEND=legacy|nft); the ipvsadm views are in ipvs-only.sh.

require_backend
require_ipvs

# wait_until CMD: polls CMD for up to 20 s (programs start slowly in the emulated VM).
wait_until() {
  local i
  for i in $(seq 1 100); do eval "$1" && return 0; sleep 0.2; done
  fail "timed out waiting for: $1"
}

test_inspect_of_a_healthy_service_finds_no_problem() {
  traffic_ns
  expect_exit 0 "$SWARMLB" -n "$c" inspect
  assert_eq "note: idle TCP connections through a VIP are dropped after IPVS's tcp timeout, 900 s here (900 s by default; moby#31208): use keepalives shorter than it, or ipvsadm --set
MARK         SET IN  VIP/PORT  ASSIGNED  SCHED  REAL        FORWARD  WEIGHT  ACTIVE  INACTIVE  SNAT
0x101 (257)  OUTPUT  10.0.0.2  eth0      rr     10.0.0.3:0  Masq     1       0       3         10.0.0.0/24 -> 10.0.0.5
                                                10.0.0.4:0  Masq     1       0       3         10.0.0.0/24 -> 10.0.0.5

no problems found" "$OUT"
  python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["problems"] == [] and d["services"][0]["marked_in"] == [{"device": "eth0", "chain": "OUTPUT", "vip": "10.0.0.2"}], d
assert [r["snat"] for r in d["services"][0]["reals"]] == [{"subnet": "10.0.0.0/24", "to_source": "10.0.0.5"}] * 2, d
' <<<"$("$SWARMLB" -n "$c" inspect --json)"
}

# problem_ns: a namespace programmed like a healthy Swarm container; each problem test breaks one thing.
problem_ns() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  "$SWARMLB" -n "$ns" service add web --vip 10.0.0.2 --fwm 257 --dev eth0 --real 10.0.0.3 10.0.0.4 --snat 10.0.0.0/24 --to-source 10.0.0.5 >/dev/null
  expect_exit 0 "$SWARMLB" -n "$ns" inspect
}

# reports KIND-TEXT: inspect exits 3 and prints the problem line.
reports() {
  expect_exit 3 "$SWARMLB" -n "$ns" inspect
  assert_contains "$OUT" "$1"
  assert_eq 1 "$(grep -c 'problems\? found:' <<<"$OUT")"
}

test_problem_mark_rule_without_ipvs_service() {
  problem_ns
  nsx "$ns" "$IPT" -t mangle -A OUTPUT -d 10.0.0.6/32 -j MARK --set-xmark 0x106/0xffffffff
  ip -n "$ns" addr add 10.0.0.6/32 dev eth0
  reports 'mark 0x106 set by "-A OUTPUT -d 10.0.0.6/32 -j MARK --set-xmark 0x106/0xffffffff" has no IPVS service FWM 262'
}

test_problem_ipvs_service_without_mark_rule() {
  problem_ns
  nsx "$ns" ipvsadm -A -f 300 -s rr; nsx "$ns" ipvsadm -a -f 300 -r 10.0.0.3:0 -m
  reports "IPVS service FWM 300 has no mangle rule setting mark 0x12c"
}

test_problem_vip_without_its_address() {
  problem_ns
  ip -n "$ns" addr del 10.0.0.2/32 dev eth0
  reports "VIP 10.0.0.2 (mark 0x101, mangle OUTPUT) is not assigned as a /32 on any interface"
  assert_contains "$OUT" "OUTPUT  10.0.0.2  NO"
}

test_problem_ipvs_service_without_real_servers() {
  problem_ns
  "$SWARMLB" -n "$ns" real del 257 10.0.0.3 10.0.0.4 >/dev/null
  reports "IPVS service FWM 257 has no real servers"
}

test_problem_real_server_outside_every_snat_subnet() {
  problem_ns
  "$SWARMLB" -n "$ns" real add 257 10.0.1.7 >/dev/null
  reports "real server 10.0.1.7:0 of FWM 257 is outside every ipvs SNAT subnet"
  assert_contains "$OUT" "10.0.1.7:0  Masq     1       0       0         none"
}

test_problem_draining_real_server() {
  problem_ns
  "$SWARMLB" -n "$ns" real set 257 10.0.0.4 --weight 0 >/dev/null
  reports "real server 10.0.0.4:0 of FWM 257 is draining (weight 0)"
}

test_problem_conntrack_off_with_an_ipvs_snat_rule() {
  problem_ns
  nsx "$ns" sysctl -qw net.ipv4.vs.conntrack=0
  reports "net.ipv4.vs.conntrack is 0 while 1 ipvs SNAT rule(s) exist"
}

test_problem_dns_chains_without_a_listener() {
  problem_ns
  docker_dns_rules "$ns"
  reports "nat chain DOCKER_OUTPUT redirects DNS to 127.0.0.11 but nothing listens there (tcp/38534, udp/39353)"
  # With the resolver's sockets in place the chains are fine.
  ip netns exec "$ns" python3 -c '
import socket, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.11", 39353))
t = socket.socket(); t.bind(("127.0.0.11", 38534)); t.listen()
time.sleep(60)' &
  pid=$!  # 38534 is 0x9686; 0A is LISTEN
  wait_until "grep -q '0B00007F:9686 00000000:0000 0A' /proc/$pid/net/tcp"
  expect_exit 0 "$SWARMLB" -n "$ns" inspect
}

test_problem_dns_listener_without_chains() {
  problem_ns
  ip netns exec "$ns" python3 -c '
import socket, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.11", 41000)); time.sleep(60)' &
  pid=$!  # 41000 is 0xA028
  wait_until "grep -q '0B00007F:A028' /proc/$pid/net/udp"
  reports "a resolver listens on 127.0.0.11 (udp/41000) but the nat chain DOCKER_OUTPUT that sends port 53 there is missing"
}

test_inspect_all_reads_every_namespace() {
  problem_ns; healthy=$ns
  bad=$(new_ns lb); with_eth0 "$bad" 10.0.0.9/24
  "$SWARMLB" -n "$bad" fwm add 0x13d >/dev/null
  expect_exit 3 "$SWARMLB" inspect --all
  assert_contains "$OUT" "== /run/netns/$healthy"
  assert_contains "$OUT" "== /run/netns/$bad"
  assert_contains "$OUT" "IPVS service FWM 317 has no mangle rule setting mark 0x13d"
  python3 -c '
import json, sys
d = {r.get("namespace"): r for r in json.load(sys.stdin)}  # the namespace swarmlb runs in has none
assert d["/run/netns/'"$healthy"'"]["problems"] == [], d
assert [p["kind"] for p in d["/run/netns/'"$bad"'"]["problems"]] == ["service_without_mark", "service_without_reals"], d
assert d["/run/netns/'"$healthy"'"]["role"] == "load_balancer" and d["/run/netns/'"$bad"'"]["role"] == "load_balancer", d
' <<<"$("$SWARMLB" inspect --all --json)"
  assert_contains "$OUT" "== /run/netns/$healthy (load_balancer)"
}

# lb_apply: a load-balancer namespace as Docker builds it today (marks in INPUT, the vs sysctls), made by
# apply from $file: service web (VIP 10.0.0.2, mark 0x101, tasks 10.0.0.3 and .4) of network my-network.
lb_apply() {
  ns=$(new_ns lb); with_eth0 "$ns" 10.0.0.10/24
  file=/tmp/$PREFIX.services.yaml
  printf '%s\n' "network: my-network" "subnet: 10.0.0.0/24" "services:" \
    "  - {name: web, vip: 10.0.0.2, fwmark: 0x101, tasks: [{name: web.1, ip: 10.0.0.3}, {name: web.2, ip: 10.0.0.4}]}" > "$file"
  "$SWARMLB" -n "$ns" apply --config "$file" --dev eth0 >/dev/null
}

# inspect --expect: clean against the file apply carried out; then a stale real server (moby#33790), a task
# whose real server went, the VIP unassigned, marked otherwise, and an fwmark service the file does not know.
test_inspect_expect_finds_stale_and_missing_backends() {
  lb_apply
  expect_exit 0 "$SWARMLB" -n "$ns" inspect --expect "$file"
  assert_contains "$OUT" "0x101 (257)  web      INPUT   10.0.0.2  eth0      rr     10.0.0.3:0"
  nsx "$ns" ipvsadm -a -f 257 -r 10.0.0.9:0 -m
  nsx "$ns" ipvsadm -d -f 257 -r 10.0.0.4:0
  nsx "$ns" ipvsadm -A -f 300 -s rr
  expect_exit 3 "$SWARMLB" -n "$ns" inspect --expect "$file"
  assert_eq "5 problems found:
  IPVS service FWM 300 has no mangle rule setting mark 0x12c
  IPVS service FWM 300 has no real servers
  real server 10.0.0.9:0 of service web (FWM 257) is no task of the service (stale backend, moby#33790)
  task web.2 (10.0.0.4) of service web is no real server of FWM 257
  IPVS service FWM 300 (no mark rule) is no service of network my-network in the file" "$(problem_lines)"
  nsx "$ns" "$IPT" -w -t mangle -R INPUT 1 -d 10.0.0.2/32 -j MARK --set-xmark 0x12c/0xffffffff
  ip -n "$ns" addr del 10.0.0.2/32 dev eth0
  expect_exit 3 "$SWARMLB" -n "$ns" inspect --expect "$file"
  assert_eq "7 problems found:
  IPVS service FWM 257 has no mangle rule setting mark 0x101
  VIP 10.0.0.2 of service web (mark 0x12c, mangle INPUT) is not assigned as a /32 on any interface
  IPVS service FWM 300 has no real servers
  VIP 10.0.0.2 of service web is marked 0x12c (mangle INPUT), not the file's 0x101
  real server 10.0.0.9:0 of service web (FWM 257) is no task of the service (stale backend, moby#33790)
  task web.2 (10.0.0.4) of service web is no real server of FWM 257
  IPVS service FWM 300 (VIP 10.0.0.2) is no service of network my-network in the file" "$(problem_lines)"
  python3 -c '
import json, sys
d = json.load(sys.stdin)
assert [p["kind"] for p in d["problems"]] == ["service_without_mark", "vip_not_assigned", "service_without_reals", "vip_wrong_mark",
                                              "real_not_a_task", "task_without_real", "service_not_expected"], d["problems"]
assert {s["mark"]: s.get("service") for s in d["services"]} == {257: "web", 300: "web"}, d["services"]
' <<<"$("$SWARMLB" -n "$ns" inspect --expect "$file" --json)"
}
# problem_lines: the problems block of the last inspect's text ($OUT).
problem_lines() { sed -n '/^[0-9]* problems\? found:$/,$p' <<<"$OUT"; }

# Docker's tuning: inspect ipvs --timeout is ipvsadm -L --timeout; conn_reuse_mode other than 0 in a
# load-balancer namespace is a problem (moby#35082); the idle timeout is said once, as a note (moby#31208).
test_inspect_shows_docker_tuning() {
  lb_apply
  nsx "$ns" ipvsadm --set 10 20 30
  expect_exit 0 "$SWARMLB" -n "$ns" inspect ipvs --timeout
  assert_eq "$(nsx "$ns" ipvsadm -L --timeout)" "$OUT"
  assert_eq "Timeout (tcp tcpfin udp): 10 20 30" "$OUT"
  "$SWARMLB" -n "$ns" inspect ipvs --timeout --json | schema_check timeouts
  nsx "$ns" sysctl -qw net.ipv4.vs.conn_reuse_mode=1
  expect_exit 3 "$SWARMLB" -n "$ns" inspect
  assert_contains "$OUT" "note: idle TCP connections through a VIP are dropped after IPVS's tcp timeout, 10 s here (900 s by default; moby#31208)"
  assert_contains "$OUT" "1 problem found:
  net.ipv4.vs.conn_reuse_mode is 1 in a load-balancer namespace: a client reusing a port stalls 1 s per connection (moby#35082; Docker sets 0)"
  python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["ipvs_timeouts"] == {"tcp": 10, "tcp_fin": 20, "udp": 30} and [p["kind"] for p in d["problems"]] == ["conn_reuse_mode_on"], d
' <<<"$("$SWARMLB" -n "$ns" inspect --json)"
}
