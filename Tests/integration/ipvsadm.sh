# ipvsadm parity on states written by ipvsadm itself: SCTP and IPv6 services, IPv6 fwmark services,
# scheduler flags, persistence engines, one-packet scheduling, netmasks; -Ln, --stats, --rate,
# --exact and -Lnc, compared byte for byte. Also the ipvsadm-meaning errors and the JSON schema of
# the IPVS outputs. Needs IPVS: runs in the VM (Tests/vm/run "Tests/integration/suite.sh ipvsadm.sh").

require_ipvs

# ipvsadm_zoo NS: one of each kind of service ipvsadm 1.31 can list, written by ipvsadm.
ipvsadm_zoo() {
  local ns=$1
  ip -n "$ns" link set lo up
  ip -n "$ns" link add d0 type dummy; ip -n "$ns" link set d0 up
  ip -n "$ns" addr add 10.9.0.1/24 dev d0; ip -n "$ns" addr add 2001:db8::1/64 dev d0 nodad
  # The virtual addresses are routed out of d0, not local: IPVS schedules the namespace's own packets to them.
  ip -n "$ns" route add 10.1.1.0/24 dev d0; ip -n "$ns" -6 route add 2001:db8:1::/64 dev d0
  local X="nsx $ns ipvsadm"
  $X -A --sctp-service 10.1.1.1:80 -s rr
  $X -a --sctp-service 10.1.1.1:80 -r 10.9.0.3:80 -m
  $X -A -t 10.1.1.1:80 -s rr
  $X -A -t [2001:db8:1::1]:80 -s wrr
  $X -a -t [2001:db8:1::1]:80 -r [2001:db8::10]:8080 -m -w 3
  $X -a -t [2001:db8:1::1]:80 -r [2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:65535 -m -w 2
  $X -A -u [2001:db8:1::1]:53 -s rr -p 60 -M 64
  $X -A -f 301 -6 -s rr
  $X -a -f 301 -6 -r [2001:db8::11]:0 -g
  $X -A -f 302 -6 -s wlc -p 120
  $X -A -t 10.1.1.2:80 -s sh -b sh-fallback,sh-port
  $X -A -t 10.1.1.3:80 -s rr -b flag-1,flag-3
  $X -A -u 10.1.1.4:53 -s rr -o
  $X -A -t 10.1.1.5:80 -s rr -p 60 -M 255.255.255.0
  $X -A -f 257 -s rr
  $X -a -f 257 -r 10.9.0.3:0 -m
  $X -A -f 258 -s mh -b mh-fallback,mh-port 2>/dev/null || true  # mh needs Linux 4.18+
  $X -A -u 10.1.1.6:5060 -s rr -p 300 --pe sip
}

test_listings_of_sctp_ipv6_flags_and_pe_match_ipvsadm_byte_for_byte() {
  ns=$(new_ns z); ipvsadm_zoo "$ns"
  local expected; expected=$(nsx "$ns" ipvsadm -Ln)
  assert_contains "$expected" "SCTP 10.1.1.1:80 rr"
  assert_contains "$expected" "TCP  [2001:db8:1::1]:80 wrr"
  assert_contains "$expected" "FWM  301 IPv6 rr"
  assert_contains "$expected" "sh (sh-fallback,sh-port)"
  assert_contains "$expected" "pe sip"
  assert_eq "$expected" "$("$SWARMLB" -n "$ns" inspect ipvs)" "inspect ipvs vs ipvsadm -Ln"
  assert_eq "$expected" "$("$SWARMLB" -n "$ns" fwm list --all)" "fwm list --all vs ipvsadm -Ln"
  for opts in "--stats" "--rate" "--stats --exact" "--rate --exact"; do
    # shellcheck disable=SC2086
    assert_eq "$(nsx "$ns" ipvsadm -Ln $opts)" "$("$SWARMLB" -n "$ns" inspect ipvs $opts)" "ipvsadm -Ln $opts"
  done
  assert_eq "$(nsx "$ns" ipvsadm -Ln -f 301 -6)" "$(nsx "$ns" ipvsadm -Ln -f 301 -6)" "sanity"
  # fwm list: the header and the firewall-mark services only, IPv6 ones included.
  local fwm; fwm=$("$SWARMLB" -n "$ns" fwm list)
  assert_contains "$fwm" "FWM  301 IPv6 rr"
  assert_not_contains "$fwm" "SCTP"
}

test_connection_table_of_sctp_and_ipv6_matches_ipvsadm() {
  ns=$(new_ns z); ipvsadm_zoo "$ns"
  # Connections the kernel creates for packets sent to the services (the real servers never answer).
  nsx "$ns" python3 -c '
import socket
for family, proto, address in [(socket.AF_INET6, socket.IPPROTO_TCP, ("2001:db8:1::1", 80)),
                               (socket.AF_INET, socket.IPPROTO_SCTP, ("10.1.1.1", 80))]:
    try:
        s = socket.socket(family, socket.SOCK_STREAM, proto); s.settimeout(1); s.connect(address)
    except Exception as e:
        print(address, e)' || true
  # An SCTP INIT entry expires within seconds: every line swarmlb prints must be one ipvsadm printed
  # just before (countdown masked), and the long-lived IPv6 TCP entry must be there.
  local mask='s/^([A-Z]+ +)[0-9]{2}:[0-9]{2}/\1MM:SS/' before ours
  before=$(nsx "$ns" ipvsadm -Lnc | sed -E "$mask"); ours=$("$SWARMLB" -n "$ns" inspect ipvs -c | sed -E "$mask")
  assert_contains "$ours" "TCP MM:SS  SYN_RECV    [2001:db8::1]:"
  assert_contains "$ours" " [2001:db8:1::1]:80 [2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:65535"
  assert_eq "" "$(grep -vxF -f <(printf '%s\n' "$before") <<<"$ours")" "lines of inspect ipvs -c that ipvsadm -Lnc did not print"
}

test_ipvsadm_meanings_instead_of_errno() {
  ns=$(new_ns e); ip -n "$ns" link set lo up
  expect_exit 1 "$SWARMLB" -n "$ns" real add 999 10.0.0.3
  assert_eq "swarmlb: Service not defined: adding real server 10.0.0.3:0 in FWM 999 [while: ipvsadm -a -f 999 -r 10.0.0.3:0 -m -w 1]" "$ERR" "real add to a missing service"
  expect_exit 1 "$SWARMLB" -n "$ns" real list 999
  assert_eq "swarmlb: No such service: listing FWM 999" "$ERR" "real list of a missing service"
  if modprobe -n ip_vs_twos 2>/dev/null; then fail "this kernel has ip_vs_twos; pick another missing scheduler"; fi
  expect_exit 1 "$SWARMLB" -n "$ns" fwm add 1 -s twos
  assert_eq "swarmlb: Scheduler not found: adding IPVS service FWM 1 [while: ipvsadm -A -f 1 -s twos]" "$ERR" "missing scheduler module"
  expect_exit 0 "$SWARMLB" -n "$ns" fwm add 1
  expect_exit 1 "$SWARMLB" -n "$ns" real set 1 10.0.0.3 -w 0
  assert_eq "swarmlb: nothing to change: no real server 10.0.0.3:0 in FWM 1" "$ERR" "real set of an absent real"
  expect_exit 0 "$SWARMLB" -n "$ns" real add 1 10.0.0.3 10.0.0.3 --dry-run
  assert_eq "ipvsadm -a -f 1 -r 10.0.0.3:0 -m -w 1" "$(grep -v '^#' <<<"$OUT")" "a duplicated argument is one step"
  expect_exit 2 "$SWARMLB" -n "$ns" fwm add 2 -p 0
  assert_eq "swarmlb: The value '0' is invalid for '-p <persistent>': not a valid persistence timeout (1 second or more, as ipvsadm -p) (see 'swarmlb --help')" "$ERR" "fwm add -p 0"
}

test_json_of_ipvs_outputs_follows_the_schema() {
  ns=$(new_ns j); ipvsadm_zoo "$ns"
  nsx "$ns" iptables-legacy -t mangle -A OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff
  "$SWARMLB" -n "$ns" fwm list --all --json | schema_check services
  "$SWARMLB" -n "$ns" fwm list --json | schema_check services
  "$SWARMLB" -n "$ns" real list 257 --json | schema_check services
  "$SWARMLB" -n "$ns" inspect ipvs --json | schema_check services
  "$SWARMLB" -n "$ns" inspect ipvs -c --json | schema_check connections
  expect_exit 3 "$SWARMLB" -n "$ns" inspect --json
  schema_check report <<<"$OUT"
  ip netns exec "$ns" true  # the namespace is listed under /run/netns: --all inspects it
  local rc=0; out=$("$SWARMLB" inspect --all --json) || rc=$?
  [ "$rc" = 3 ] || fail "inspect --all: exit $rc"
  schema_check reports <<<"$out"
  "$SWARMLB" -n "$ns" fwm add 0x400 --json | schema_check change
}
