# Tests about both iptables backends at once, run once on the host (BACKEND unset): which backend swarmlb
# picks when none is chosen, the tables that reading must not create, and the xtables lock of legacy
# writes. The ones that need IPVS (inspect, ipvs SNAT rules) are in backends-ipvs.sh.

# host_default: the tool the host's `iptables` is, by what it says of itself.
host_default() {
  case $(iptables --version) in *nf_tables*) echo iptables-nft ;; *legacy*) echo iptables-legacy ;; *) fail "iptables: $(iptables --version)" ;; esac
}

test_auto_writes_with_the_backend_already_holding_rules() {
  # Load-balancing rules (marks, the DNS chain) weigh more than others; rules in neither, or others in
  # both, leave the choice to the host's iptables.
  i=0
  while read -r legacy nft want; do
    i=$((i + 1)); ns=$(new_ns c$i); with_eth0 "$ns" 10.0.0.5/24
    echo "case $i: iptables-legacy holds $legacy, iptables-nft holds $nft" >&2
    hold "$ns" iptables-legacy "$legacy"; hold "$ns" iptables-nft "$nft"
    [ "$want" != host ] || want=$(host_default)
    writes_with "$ns" "$want" lb
  done <<'CASES'
mark   -      iptables-legacy
-      mark   iptables-nft
dns    -      iptables-legacy
-      dns    iptables-nft
filter -      iptables-legacy
-      filter iptables-nft
filter mark   iptables-nft
dns    filter iptables-legacy
filter filter host
-      -      host
CASES
}

test_auto_in_an_empty_namespace_follows_the_hosts_iptables_link() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  # An `iptables` first on PATH links to one multi-call binary, then to the other.
  mkdir /tmp/$PREFIX.bin
  for link in xtables-legacy-multi:iptables-legacy xtables-nft-multi:iptables-nft; do
    ln -sfn "$(command -v "${link%%:*}")" /tmp/$PREFIX.bin/iptables
    expect_exit 0 env -u SWARMLB_BACKEND PATH="/tmp/$PREFIX.bin:$PATH" "$SWARMLB" -n "$ns" vip add 10.0.0.2 --dev eth0 --fwm 0x101 --dry-run
    assert_contains "$OUT" "${link#*:} -t mangle -A OUTPUT -d 10.0.0.2/32"
  done
  assert_eq "" "$(tables "$ns")" "tables after dry runs"
  # This host's own.
  writes_with "$ns" "$(host_default)" lb
}

test_both_backends_holding_marks_refuse_writes_until_one_is_chosen() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  hold "$ns" iptables-legacy mark; hold "$ns" iptables-nft mark
  before=$(state "$ns")
  while read -r change; do
    # shellcheck disable=SC2086
    expect_exit 1 lb -n "$ns" $change
    assert_eq "$BACKENDS_CONFLICT" "$ERR" "stderr of: $change"
    assert_eq "" "$OUT" "stdout of: $change"
  done <<'CHANGES'
vip add 10.0.0.2 --dev eth0 --fwm 0x101
vip add 10.0.0.2 --dev eth0 --fwm 0x101 --dry-run
mark add 0x10f --port tcp/8080
vip del 10.0.0.9 --if-exists
CHANGES
  assert_eq "$before" "$(state "$ns")" "state after refused writes"
  writes_with "$ns" iptables-legacy lb --backend legacy
  expect_exit 0 env SWARMLB_BACKEND=nft "$SWARMLB" -n "$ns" mark add 0x10f --port tcp/8080
  assert_eq "iptables-nft -t mangle -A PREROUTING -p tcp -m tcp --dport 8080 -j MARK --set-xmark 0x10f/0xffffffff" "$OUT"
  nsx "$ns" iptables-nft -t mangle -C PREROUTING -p tcp -m tcp --dport 8080 -j MARK --set-xmark 0x10f/0xffffffff
}

test_the_backend_option_wins_over_the_environment_and_bad_values_are_usage_errors() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  while IFS='|' read -r env args want; do
    [ "$want" != host ] || want=$(host_default)
    # shellcheck disable=SC2086
    expect_exit 0 env SWARMLB_BACKEND="$env" "$SWARMLB" ${args//NS/$ns} vip add 10.0.0.2 --dev eth0 --fwm 257 --dry-run
    assert_contains "$OUT" "$want -t mangle -A OUTPUT"
  done <<'CASES'
legacy|-n NS|iptables-legacy
nft|-n NS|iptables-nft
nft|--backend legacy -n NS|iptables-legacy
legacy|-n NS --backend=nft|iptables-nft
nft|-n NS --backend auto|host
CASES
  assert_eq "" "$(tables "$ns")" "tables after dry runs"
  expect_exit 2 env SWARMLB_BACKEND=iptables "$SWARMLB" -n "$ns" vip list
  one_line "$ERR"; assert_contains "$ERR" '"iptables"'
  expect_exit 2 lb --backend xtables -n "$ns" vip list
  one_line "$ERR"; assert_contains "$ERR" "xtables"
}

test_reading_creates_no_table_in_either_backend() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  creates_no_table "$ns" "-n NS vip list" "-n NS vip list --json" "-n NS mark list" "-n NS snat list" \
    "-n NS inspect iptables" "-n NS inspect iptables --save" "-n NS inspect iptables -t nat" \
    "-n NS inspect iptables -t raw --save --json" "-n NS inspect addr" \
    "-n NS vip add 10.0.0.2 --dev eth0 --fwm 257 --dry-run" "-n NS mark add 0x10f --port tcp/8080 --dry-run"
}

# hold_lock FILE SECONDS: flock(1) holds FILE for SECONDS from now; $holder is its pid (the lock's owner).
hold_lock() {
  rm -f /tmp/$PREFIX.held
  flock "$1" sh -c 'touch "$0"; exec sleep "$1"' /tmp/$PREFIX.held "$2" & holder=$!
  local i
  for i in $(seq 1 50); do [ -e /tmp/$PREFIX.held ] && return 0; sleep 0.1; done
  fail "flock did not take $1"
}

# millis CMD...: runs CMD, leaving its duration in milliseconds in $took.
millis() { local start; start=$(date +%s%N); "$@"; took=$((($(date +%s%N) - start) / 1000000)); }

test_a_legacy_write_waits_for_the_xtables_lock_and_says_so_once() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  unset XTABLES_LOCKFILE  # the lock iptables itself takes
  hold_lock /run/xtables.lock 5
  # nf_tables needs no lock: an nft write goes through at once (loosely bounded for a busy machine).
  millis expect_exit 0 lb --backend nft -n "$ns" mark add 0x10f --port tcp/8080
  [ $took -lt 2000 ] || fail "the nft write took $took ms: it waited for the 5 s legacy lock"
  assert_eq "" "$ERR"
  millis expect_exit 0 lb --backend legacy -n "$ns" vip add 10.0.0.2 --dev eth0 --fwm 0x101
  [ $took -ge 1500 ] || fail "the legacy write took $took ms: it did not wait for the lock"
  assert_eq "swarmlb: waiting for the xtables lock /run/xtables.lock held by pid $holder (flock)" "$ERR"
  nsx "$ns" iptables-legacy -t mangle -C OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff
  wait $holder
}

test_wait_gives_up_on_a_held_lock_and_changes_nothing() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  export XTABLES_LOCKFILE=/tmp/$PREFIX.lock
  hold_lock "$XTABLES_LOCKFILE" 3
  before=$(state "$ns")
  millis expect_exit 1 lb --backend legacy --wait 1 -n "$ns" vip add 10.0.0.2 --dev eth0 --fwm 0x101
  [ $took -ge 900 ] && [ $took -lt 2500 ] || fail "gave up after $took ms, not 1 s"
  assert_eq "swarmlb: the xtables lock $XTABLES_LOCKFILE is still held by pid $holder (flock) after 1 s of waiting; nothing was changed" "$ERR"
  assert_eq "" "$OUT"
  assert_eq "$before" "$(state "$ns")"
  wait $holder
}

test_sigint_or_sigterm_while_waiting_for_the_lock_exits_and_changes_nothing() {
  ns=$(new_ns c); with_eth0 "$ns" 10.0.0.5/24
  export XTABLES_LOCKFILE=/tmp/$PREFIX.lock
  before=$(state "$ns")
  for signal in INT:130 TERM:143; do
    hold_lock "$XTABLES_LOCKFILE" 3
    # A script's background job ignores SIGINT; reset it, as for a command in a terminal's foreground.
    env --default-signal=INT -u SWARMLB_BACKEND "$SWARMLB" --backend legacy -n "$ns" vip add 10.0.0.2 --dev eth0 \
      --fwm 257 >/tmp/$PREFIX.out 2>/tmp/$PREFIX.err & pid=$!
    for i in $(seq 1 50); do grep -q waiting /tmp/$PREFIX.err && break; sleep 0.1; done
    grep -q waiting /tmp/$PREFIX.err || fail "swarmlb never said it was waiting: $(cat /tmp/$PREFIX.err)"
    kill -"${signal%:*}" $pid
    rc=0; wait $pid || rc=$?
    assert_eq "${signal#*:}" "$rc" "exit status on SIG${signal%:*}"
    assert_eq "swarmlb: waiting for the xtables lock $XTABLES_LOCKFILE held by pid $holder (flock)
swarmlb: interrupted by SIG${signal%:*}; earlier steps rolled back, namespace unchanged" "$(cat /tmp/$PREFIX.err)"
    assert_eq "" "$(cat /tmp/$PREFIX.out)"
    assert_eq "$before" "$(state "$ns")" "state after SIG${signal%:*}"
    wait $holder
  done
}

# As an unprivileged CI job runs swarmlb: a non-root user in its own user and network namespace
# (`unshare -rn`), where the legacy table list belongs to the host's root (EACCES) and there is no IPVS.
# The binaries are copied where that user may run them; the classic tools check from inside. (apply
# and snat need IPVS, which this kernel lacks: not run here.)
test_rootless_a_non_root_user_in_a_user_namespace_runs_what_needs_no_ipvs() {
  [ "$(cat /proc/sys/user/max_user_namespaces)" -gt 0 ] || fail "user namespaces are disabled (user.max_user_namespaces)"
  dir=$(mktemp -d /tmp/$PREFIX.rootless.XXXX); chmod 1777 "$dir"  # that user writes the resolver's log there
  cp "$(dirname "$SWARMLB")/swarmlb" "$(dirname "$SWARMLB")/swarmlb-dns" "$dir/"
  cat >"$dir/services.yaml" <<'YAML'
network: my-network
subnet: 10.0.0.0/24
services:
  - name: my-web
    vip: 10.0.0.2
    fwmark: 0x101
    tasks: [{name: my-web.1.a, ip: 10.0.0.3}]
YAML
  cat >"$dir/run.sh" <<'SCRIPT'
set -e
b=$1/swarmlb
ip link set lo up
ip link add eth0 type veth peer name eth1; ip link set eth0 up; ip link set eth1 up; ip addr add 10.0.0.5/24 dev eth0
ip link add docker_gwbridge type bridge; ip link set docker_gwbridge up
"$b" vip add 10.0.0.2 --dev eth0 --fwm 0x101
"$b" mark add 0x10f --port tcp/8080
"$b" ingress publish tcp/8080 --to 172.18.0.2
"$b" ingress redirect tcp/9090:80 --ip 10.0.0.5
rc=0; "$b" inspect >"$1/inspect.txt" 2>&1 || rc=$?; echo "inspect exit $rc: $(grep -c 'has no IPVS service' "$1/inspect.txt") marks without a service"
"$b" inspect iptables >/dev/null
"$b" dns serve --config "$1/services.yaml" 2>"$1/dns.log" & dns=$!
for i in $(seq 1 100); do answer=$(dig +short +tries=1 +time=1 @127.0.0.11 my-web 2>/dev/null | grep -x '[0-9.]*') && break; sleep 0.1; done
echo "dig: $answer"; cat "$1/dns.log"
kill -TERM $dns; wait $dns
echo "uid $(id -u) in the namespace, $(awk '{print $2}' /proc/self/uid_map) outside"
echo "--- what iptables-nft and ip see"
iptables-nft -t mangle -S; iptables-nft -t nat -S; iptables-nft -S
ip -o addr show dev eth0
SCRIPT
  out=$(setpriv --reuid=65534 --regid=65534 --clear-groups unshare -rn bash "$dir/run.sh" "$dir" 2>&1) || fail "as uid 65534: $out"
  assert_contains "$out" "uid 0 in the namespace, 65534 outside"
  assert_contains "$out" "iptables-nft -t mangle -A OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff"
  assert_contains "$out" "dig: 10.0.0.2"
  assert_contains "$out" "inspect exit 3: 2 marks without a service"  # the VIP's and the port's: no IPVS here
  assert_not_contains "$out" "swarmlb:"
  out=${out#*--- what iptables-nft and ip see}
  assert_contains "$out" "-A OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff"
  assert_contains "$out" "-A PREROUTING -p tcp -m tcp --dport 8080 -j MARK --set-xmark 0x10f/0xffffffff"
  assert_contains "$out" "-A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080"
  assert_contains "$out" "-A PREROUTING -d 10.0.0.5/32 -p tcp -m tcp --dport 9090 -j REDIRECT --to-ports 80"
  assert_contains "$out" "inet 10.0.0.2/32 scope global eth0"
  rm -rf "$dir"
}
