# Tests of `swarmlb inspect` that need IPVS: the ipvsadm views on states written by ipvsadm and
# carrying live traffic, the correlated report, and every problem it diagnoses. Run in the VM, once per
# iptables backend (BACKEND=legacy|nft).

require_backend
require_ipvs

# same_output CMD_A CMD_B WHAT: CMD_B prints the same bytes as CMD_A run just before or just after
# it. Counters that tick (rates, expiry countdowns) may move between reads, so the classic tool
# brackets swarmlb's read, and a mismatch with both is read again, up to 5 times.
same_output() {
  local before b after i
  for i in 1 2 3 4 5; do
    before=$(eval "$1"); b=$(eval "$2"); after=$(eval "$1")
    [ "$b" != "$before" ] && [ "$b" != "$after" ] || return 0
    sleep 0.3
  done
  assert_eq "$after" "$b" "$3"
}

# same_connections NS: `inspect ipvs -c` prints what `ipvsadm -Lnc` prints. Each entry's expiry
# countdown ticks on its own, so the bytes are compared with the MM:SS field masked, and every
# countdown swarmlb printed must lie between the ones ipvsadm printed just before and just after.
same_connections() {
  local before b after mask='s/^(.{4})[0-9]{2}:[0-9]{2}/\1MM:SS/'
  before=$(nsx "$1" ipvsadm -Lnc); b=$("$SWARMLB" -n "$1" inspect ipvs -c); after=$(nsx "$1" ipvsadm -Lnc)
  assert_eq "$(sed -E "$mask" <<<"$after")" "$(sed -E "$mask" <<<"$b")" "ipvsadm -Lnc (countdown masked)"
  paste -d'|' <(echo "$before") <(echo "$b") <(echo "$after") | tail -n +3 | awk -F'|' '
    function secs(line) { split(substr(line, 5, 5), t, ":"); return t[1] * 60 + t[2] }
    !(secs($3) <= secs($2) && secs($2) <= secs($1)) { print "countdown out of bracket: " $0; bad = 1 }
    END { exit bad }' || fail "a countdown outside ipvsadm's readings"
}

# wait_until CMD: polls CMD for up to 20 s (programs start slowly in the emulated VM).
wait_until() {
  local i
  for i in $(seq 1 100); do eval "$1" && return 0; sleep 0.2; done
  fail "timed out waiting for: $1"
}

# traffic_ns: two_tasks after 6 requests to the VIP.
traffic_ns() {
  two_tasks
  for i in 1 2 3 4 5 6; do ip netns exec "$c" curl -s -m 5 http://10.0.0.2/ >/dev/null; done
}

test_inspect_ipvs_views_match_ipvsadm_with_live_traffic() {
  traffic_ns
  nsx "$c" ipvsadm -A -t 10.1.1.1:80 -s wrr -p 300 -M 255.255.255.0
  nsx "$c" ipvsadm -a -t 10.1.1.1:80 -r 10.0.0.9:80 -g -w 3
  nsx "$c" ipvsadm -a -t 10.1.1.1:80 -r 10.0.0.8:8080 -m -w 0
  nsx "$c" ipvsadm -A -u 10.1.1.1:53 -s sh
  nsx "$c" ipvsadm -a -u 10.1.1.1:53 -r 10.0.0.9:5353 -i -w 2
  nsx "$c" ipvsadm -A -f 317 -s lc
  [ "$(nsx "$c" ipvsadm -Ln --stats --exact | awk '/^FWM  257/ {print $2}')" -ge 6 ] || fail "no traffic counted"
  same_output "nsx $c ipvsadm -Ln" "$SWARMLB -n $c inspect ipvs" "ipvsadm -Ln"
  same_output "nsx $c ipvsadm -Ln --stats" "$SWARMLB -n $c inspect ipvs --stats" "ipvsadm -Ln --stats"
  same_output "nsx $c ipvsadm -Ln --stats --exact" "$SWARMLB -n $c inspect ipvs --stats --exact" "ipvsadm -Ln --stats --exact"
  same_output "nsx $c ipvsadm -Ln --rate" "$SWARMLB -n $c inspect ipvs --rate" "ipvsadm -Ln --rate"
  same_output "nsx $c ipvsadm -Ln --rate --exact" "$SWARMLB -n $c inspect ipvs --rate --exact" "ipvsadm -Ln --rate --exact"
  [ "$(nsx "$c" ipvsadm -Lnc | wc -l)" -ge 8 ] || fail "no connection entries: $(nsx "$c" ipvsadm -Lnc)"
  same_connections "$c"
  python3 -c '
import json, sys
d = json.load(sys.stdin)
fwm = [s for s in d if s.get("fwmark") == 257][0]
assert fwm["stats"]["connections"] >= 6 and sum(r["stats"]["connections"] for r in fwm["reals"]) >= 6, fwm
' <<<"$("$SWARMLB" -n "$c" inspect ipvs --json)"
}

test_inspect_of_a_healthy_service_finds_no_problem() {
  traffic_ns
  expect_exit 0 "$SWARMLB" -n "$c" inspect
  assert_eq "MARK         SET IN  VIP/PORT  ASSIGNED  SCHED  REAL        FORWARD  WEIGHT  ACTIVE  INACTIVE  SNAT
0x101 (257)  OUTPUT  10.0.0.2  eth0      rr     10.0.0.3:0  Masq     1       0       3         10.0.0.0/24 -> 10.0.0.5
                                                10.0.0.4:0  Masq     1       0       3         10.0.0.0/24 -> 10.0.0.5

no problems found" "$OUT"
  python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["problems"] == [] and d["services"][0]["marked_in"] == [{"assigned_to": "eth0", "chain": "OUTPUT", "vip": "10.0.0.2"}], d
assert [r["snat"] for r in d["services"][0]["reals"]] == ["10.0.0.0/24 -> 10.0.0.5"] * 2, d
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
d = {r["namespace"]: r for r in json.load(sys.stdin)}
assert d["/run/netns/'"$healthy"'"]["problems"] == [], d
assert [p["kind"] for p in d["/run/netns/'"$bad"'"]["problems"]] == ["service_without_mark", "service_without_reals"], d
' <<<"$("$SWARMLB" inspect --all --json)"
}
