# Kernel tests whose subject is IPVS alone (fwm and real commands, the ipvsadm views, services ipvsadm
# wrote): the iptables backend does not enter them, so they run once, in the VM (BACKEND unset; where a
# test programs a whole service for traffic, swarmlb picks the backend itself).

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

test_fwm_and_real_commands_mirror_ipvsadm() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  expect_exit 0 "$SWARMLB" -n "$ns" fwm add 0x106 --scheduler wrr --persistent 300
  assert_eq "ipvsadm -A -f 262 -s wrr -p 300" "$OUT"
  # lo is down in a fresh namespace: swarmlb brings it up, since IPVS refuses real servers otherwise.
  expect_exit 0 "$SWARMLB" -n "$ns" real add 262 10.0.0.7 10.0.0.8:8080 --weight 3
  assert_eq "ip link set lo up
ipvsadm -a -f 262 -r 10.0.0.7:0 -m -w 3
ipvsadm -a -f 262 -r 10.0.0.8:8080 -m -w 3" "$OUT"
  expect_exit 0 "$SWARMLB" -n "$ns" real set 262 10.0.0.7 --weight 0
  assert_eq "ipvsadm -e -f 262 -r 10.0.0.7:0 -m -w 0" "$OUT"
  expect_exit 0 "$SWARMLB" -n "$ns" real add 262 10.0.0.9 --forward route -x 100 -y 10
  expect_exit 0 "$SWARMLB" -n "$ns" fwm add 262 --scheduler rr
  assert_eq "ipvsadm -E -f 262 -s rr -p 300" "$OUT" "an add with a new scheduler edits it, and keeps the persistence it was not given"
  # Re-running an add keeps what it was not given: the scheduler and persistence, a drained real's weight.
  expect_exit 0 "$SWARMLB" -n "$ns" fwm add 0x106
  assert_eq "# already present: ipvsadm -A -f 262 -s rr -p 300" "$OUT" "fwm add without -s/-p"
  expect_exit 0 "$SWARMLB" -n "$ns" real add 262 10.0.0.7
  assert_eq "# already present: ip link set lo up
# already present: ipvsadm -a -f 262 -r 10.0.0.7:0 -m -w 0" "$OUT" "real add without -w on a drained real"
  assert_eq "FWM  262 rr persistent 300
  -> 10.0.0.7:0                   Masq    0      0          0         
  -> 10.0.0.8:8080                Masq    3      0          0         
  -> 10.0.0.9:0                   Route   1      0          0         " "$(nsx "$ns" ipvsadm -Ln | tail -n +4)"
  assert_eq "$(nsx "$ns" ipvsadm -Ln)" "$("$SWARMLB" -n "$ns" fwm list)"
  expect_exit 0 "$SWARMLB" -n "$ns" real del 262 10.0.0.7
  expect_exit 1 "$SWARMLB" -n "$ns" real del 262 10.0.0.7
  assert_contains "$ERR" "no real server 10.0.0.7:0 in FWM 262"
  expect_exit 1 "$SWARMLB" -n "$ns" real set 262 10.0.0.7 --weight 1
  expect_exit 0 "$SWARMLB" -n "$ns" fwm del 262
  assert_eq "" "$(nsx "$ns" ipvsadm -Ln | tail -n +4)"
  expect_exit 1 "$SWARMLB" -n "$ns" fwm del 262
  expect_exit 1 "$SWARMLB" -n "$ns" real list 262
}

test_services_written_by_ipvsadm_are_listed_exactly() {
  ns=$(new_ns c); ip -n "$ns" link set lo up
  nsx "$ns" ipvsadm -A -f 317 -s rr
  nsx "$ns" ipvsadm -a -f 317 -r 10.0.0.12:0 -m -w 1
  nsx "$ns" ipvsadm -a -f 317 -r 10.0.0.11:0 -m -w 2
  nsx "$ns" ipvsadm -A -f 257 -s wlc -p 60 -M 255.255.255.0
  nsx "$ns" ipvsadm -a -f 257 -r 192.168.7.1:0 -i -w 5
  nsx "$ns" ipvsadm -A -t 10.1.1.1:80 -s wrr -p 300
  nsx "$ns" ipvsadm -a -t 10.1.1.1:80 -r 10.0.0.9:80 -g -w 3
  nsx "$ns" ipvsadm -a -t 10.1.1.1:80 -r 10.0.0.8:8080 -m -w 0
  nsx "$ns" ipvsadm -A -u 10.1.1.1:53 -s sh
  nsx "$ns" ipvsadm -a -u 10.1.1.1:53 -r 10.0.0.9:5353 -m
  nsx "$ns" ipvsadm -A -t 9.9.9.9:443 -s lc
  assert_eq "$(nsx "$ns" ipvsadm -Ln)" "$("$SWARMLB" -n "$ns" fwm list --all)" "fwm list --all vs ipvsadm -Ln"
  assert_eq "$(nsx "$ns" ipvsadm -Ln | grep -v -e '^TCP' -e '^UDP' | sed '/^  -> 10.0.0.[89]/d')" \
            "$("$SWARMLB" -n "$ns" fwm list)" "fwm list shows the fwmark services"
  json=$("$SWARMLB" -n "$ns" --json fwm list --all)
  python3 -c '
import json, sys
d = json.load(sys.stdin)
assert [s.get("mark") or s["protocol"] for s in d] == ["tcp", "tcp", "udp", 257, 317], d
tcp80 = d[1]
assert tcp80["persistence"] == 300 and tcp80["scheduler"] == "wrr", tcp80
assert [(r["address"], r["port"], r["forward"], r["weight"]) for r in tcp80["reals"]] == [("10.0.0.8", 8080, "masq", 0), ("10.0.0.9", 80, "route", 3)], tcp80
' <<<"$json"
  # swarmlb recognises what ipvsadm wrote: a matching add changes nothing.
  expect_exit 0 "$SWARMLB" -n "$ns" real add 317 10.0.0.11 --weight 2
  assert_eq "# already present: ip link set lo up
# already present: ipvsadm -a -f 317 -r 10.0.0.11:0 -m -w 2" "$OUT"
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
fwm = [s for s in d if s.get("mark") == 257][0]
assert fwm["stats"]["connections"] >= 6 and sum(r["stats"]["connections"] for r in fwm["reals"]) >= 6, fwm
' <<<"$("$SWARMLB" -n "$c" inspect ipvs --json)"
}
