# Test harness for swarmlb's kernel tests: every test runs in a subshell with `set -e`,
# gets fresh network namespaces from `new_ns`, and has them removed afterwards, pass or fail.
# The run ends with the line "N passed, N failed, N skipped"; a skipped test never counts as passed.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SWARMLB=${SWARMLB:-$ROOT/.build/debug/swarmlb}
PREFIX=swlbt$$
passed=0 failed=0 skipped=0
failures=()
ONLY=${TEST_FILTER:-}

# new_ns NAME: creates namespace $PREFIX-NAME (lo left down, as in a fresh container) and prints its name.
new_ns() { local n="$PREFIX-$1"; ip netns add "$n" && echo "$n"; }
cleanup_ns() {
  local n
  for n in $(ip netns list | awk '{print $1}' | grep "^$PREFIX-" || true); do
    ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$n" 2>/dev/null || true
  done
}
trap cleanup_ns EXIT

# nsx NS CMD...: runs a classic tool inside NS.
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
# veth_pair NS1 DEV1 NS2 DEV2: joins two namespaces.
veth_pair() { ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"; ip -n "$1" link set "$2" up; ip -n "$3" link set "$4" up; }
# with_eth0 NS ADDR/LEN: gives NS an eth0 (a veth whose peer stays in the root namespace).
with_eth0() { ip link add "$PREFIX$RANDOM" type veth peer name eth0 netns "$1" && ip -n "$1" link set eth0 up && ip -n "$1" addr add "$2" dev eth0; }

# state NS: everything swarmlb may change, for "left exactly as it was" checks.
state() {
  local ns=$1
  nsx "$ns" iptables-legacy-save -t mangle | grep -v '^#'
  nsx "$ns" iptables-legacy-save -t nat | grep -v '^#'
  ip -n "$ns" -o addr show
  ip -n "$ns" -o link show lo | grep -o 'state [A-Z]*'
  if [ -e /proc/net/ip_vs ]; then nsx "$ns" ipvsadm -Ln; nsx "$ns" cat /proc/sys/net/ipv4/vs/conntrack; fi
}

fail() { echo "assertion failed: $*" >&2; exit 1; }
assert_eq() { # EXPECTED ACTUAL [WHAT]
  [ "$1" == "$2" ] || { echo "--- expected (${3:-value})"; printf '%s\n' "$1"; echo "--- actual"; printf '%s\n' "$2"; diff <(printf '%s\n' "$1") <(printf '%s\n' "$2"); fail "${3:-values differ}"; } >&2
}
assert_contains() { # HAYSTACK NEEDLE
  grep -qF -- "$2" <<<"$1" || { printf '%s\n' "$1" >&2; fail "missing: $2"; }
}
assert_not_contains() { ! grep -qF -- "$2" <<<"$1" || { printf '%s\n' "$1" >&2; fail "unexpected: $2"; }; }
# expect_exit CODE CMD...: runs CMD, asserts its exit status, leaves its stderr in $ERR and stdout in $OUT.
expect_exit() {
  local want=$1; shift
  local rc=0
  OUT=$("$@" 2>/tmp/$PREFIX.err) || rc=$?
  ERR=$(cat /tmp/$PREFIX.err)
  [ "$rc" = "$want" ] || fail "exit $rc, wanted $want: $* (stderr: $ERR)"
}
# one_line TEXT: errors are a single line.
one_line() { [ "$(printf '%s' "$1" | wc -l)" -eq 0 ] && [ -n "$1" ] || fail "not one line: $1"; }

# require_ipvs: a file of IPVS tests calls this first; without IPVS the whole run fails loudly.
require_ipvs() {
  if ! { modprobe ip_vs 2>/dev/null && [ -e /proc/net/ip_vs ] && modprobe xt_ipvs 2>/dev/null; }; then
    echo "IPVS tests need ip_vs and xt_ipvs, which this kernel ($(uname -r)) lacks: run them through Tests/vm/run (make test does)." >&2
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
  fi
}

# skip REASON: ends the current test as skipped (never counted as passed).
skip() { echo "$*" >&2; exit 77; }

test_index=0
run() { # run TEST_FUNCTION; SHARD=i/n runs only every n-th test from the i-th (0-based)
  local t=$1 log rc
  [ -z "$ONLY" ] || [[ $t == *$ONLY* ]] || return 0
  test_index=$((test_index + 1))
  [ -z "${SHARD:-}" ] || [ $(((test_index - 1) % ${SHARD#*/})) -eq "${SHARD%/*}" ] || return 0
  log=$(mktemp)
  local start=$SECONDS
  ( set -e; "$t" ) >"$log" 2>&1; rc=$?
  cleanup_ns
  case $rc in
    0) passed=$((passed + 1)); echo "ok      $t ($((SECONDS - start)) s)" ;;
    77) skipped=$((skipped + 1)); echo "skipped $t: $(tail -1 "$log")" ;;
    *) failed=$((failed + 1)); failures+=("$t"); echo "FAILED  $t"; sed 's/^/        | /' "$log" | tail -40 ;;
  esac
  rm -f "$log"
}

finish() {
  rm -f /tmp/$PREFIX.*  # what the tests kept in files: expect_exit stderr, loads, fake upstreams
  [ ${#failures[@]} -eq 0 ] || echo "failed: ${failures[*]}"
  echo "$passed passed, $failed failed, $skipped skipped"
  [ "$failed" -eq 0 ]
}

# docker_dns_rules NS: the embedded resolver's nat chains, as Docker writes them with iptables.
docker_dns_rules() {
  local X="ip netns exec $1 iptables-legacy -w"
  $X -t nat -N DOCKER_OUTPUT; $X -t nat -N DOCKER_POSTROUTING
  $X -t nat -A OUTPUT -d 127.0.0.11/32 -j DOCKER_OUTPUT
  $X -t nat -A POSTROUTING -d 127.0.0.11/32 -j DOCKER_POSTROUTING
  $X -t nat -A DOCKER_OUTPUT -d 127.0.0.11/32 -p tcp -m tcp --dport 53 -j DNAT --to-destination 127.0.0.11:38534
  $X -t nat -A DOCKER_OUTPUT -d 127.0.0.11/32 -p udp -m udp --dport 53 -j DNAT --to-destination 127.0.0.11:39353
  $X -t nat -A DOCKER_POSTROUTING -s 127.0.0.11/32 -p tcp -m tcp --sport 38534 -j SNAT --to-source :53
  $X -t nat -A DOCKER_POSTROUTING -s 127.0.0.11/32 -p udp -m udp --sport 39353 -j SNAT --to-source :53
}

# docker_rules NS: the nat, filter and mangle rules Docker writes in a container namespace and on a
# node (embedded DNS chains, ingress, masquerade, marks), plus a variety of matches, written by iptables.
docker_rules() {
  docker_dns_rules "$1"
  local X="ip netns exec $1 iptables-legacy -w"
  $X -t nat -N DOCKER-INGRESS
  $X -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS
  $X -t nat -A OUTPUT -m addrtype --dst-type LOCAL -j DOCKER-INGRESS
  $X -t nat -A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080
  $X -t nat -A DOCKER-INGRESS -j RETURN
  $X -t nat -A POSTROUTING -o docker_gwbridge -m addrtype --src-type LOCAL -j MASQUERADE
  $X -t nat -A POSTROUTING ! -s 10.0.0.0/8 ! -o eth+ -p udp ! --dport 53 -j MASQUERADE --to-ports 1000-2000 --random
  $X -t nat -A PREROUTING -i eth0 -p 47 -j ACCEPT
  $X -N DOCKER-ISOLATION
  $X -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
  $X -A FORWARD -m state ! --state INVALID,NEW -j DROP
  $X -A FORWARD -m mark --mark 0x1/0xff -m comment --comment "swarm test's \"rule\"" -g DOCKER-ISOLATION
  $X -A DOCKER-ISOLATION -f -j RETURN
  $X -A INPUT -m comment --comment plain_1
  $X -A INPUT -p tcp -m tcp ! --tcp-flags SYN,ACK SYN -j DROP
  $X -P FORWARD DROP
  $X -t mangle -A PREROUTING -p tcp -m tcp --dport 8080 -j MARK --set-xmark 0x10f/0xffffffff
  $X -t mangle -A INPUT -d 10.0.0.4/32 -j MARK --set-xmark 0x10f/0xffffffff
  $X -t mangle -A OUTPUT -j MARK --set-mark 5
}

# two_tasks: namespaces $c (client, 10.0.0.5 on eth0) and $b (tasks 10.0.0.3 and 10.0.0.4 serving
# HTTP with backend.py), joined by veth, with service web (VIP 10.0.0.2, mark 0x101, SNAT) programmed
# in $c by swarmlb; returns once both tasks answer. swarmlb's output is left in $OUT.
two_tasks() {
  c=$(new_ns client); b=$(new_ns tasks)
  veth_pair "$c" eth0 "$b" eth0
  ip -n "$c" addr add 10.0.0.5/24 dev eth0
  ip -n "$b" addr add 10.0.0.3/24 dev eth0; ip -n "$b" addr add 10.0.0.4/24 dev eth0; ip -n "$b" link set lo up
  ip netns exec "$b" python3 "$ROOT/Tests/integration/backend.py" 10.0.0.3 80 &
  ip netns exec "$b" python3 "$ROOT/Tests/integration/backend.py" 10.0.0.4 80 &
  expect_exit 0 "$SWARMLB" -n "$c" service add web --vip 10.0.0.2 --fwm 0x101 --dev eth0 --real 10.0.0.3 10.0.0.4 --snat 10.0.0.0/24 --to-source 10.0.0.5
  local i
  for i in $(seq 1 100); do
    ip netns exec "$c" curl -s -m 1 http://10.0.0.3/ >/dev/null && ip netns exec "$c" curl -s -m 1 http://10.0.0.4/ >/dev/null && return 0
    sleep 0.2
  done
  fail "the tasks never answered"
}
