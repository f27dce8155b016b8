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

# The iptables backend under test, BACKEND=legacy|nft: every swarmlb call uses it (SWARMLB_BACKEND)
# and $IPT is the classic tool working on it. Files of tests about both backends at once
# (backends.sh) run with BACKEND unset, and no SWARMLB_BACKEND from the caller leaks into them.
BACKEND=${BACKEND:-}
case $BACKEND in
  legacy | nft) export SWARMLB_BACKEND=$BACKEND; IPT=iptables-$BACKEND ;;
  "") unset SWARMLB_BACKEND; IPT= ;;
  *) echo "BACKEND is legacy or nft, not \"$BACKEND\"" >&2; echo "0 passed, 1 failed, 0 skipped"; exit 1 ;;
esac
# require_backend: a file of per-backend tests calls this first; without BACKEND the run fails loudly.
require_backend() {
  [ -n "$BACKEND" ] && return 0
  echo "these tests run once per iptables backend: set BACKEND=legacy or BACKEND=nft (make test runs both)" >&2
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
}

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

# docker_overlay NS C: NS built as Docker 20.10's overlay namespace (br0 holding the gateway 10.0.0.1/24,
# vxlan0 with Docker's settings enslaved to it, both MTU 1450) with a veth port to C's eth0, 10.0.0.2/24
# with the MAC older Docker derives from it.
docker_overlay() {
  ip -n "$1" link add br0 type bridge
  ip -n "$1" link set br0 mtu 1450 up
  ip -n "$1" addr add 10.0.0.1/24 dev br0
  ip -n "$1" link add vxlan0 type vxlan id 4097 dstport 4789 proxy l2miss l3miss
  ip -n "$1" link set vxlan0 mtu 1450 master br0 up
  ip -n "$1" link add veth0 type veth peer name eth0 netns "$2"
  ip -n "$1" link set veth0 mtu 1450 master br0 up
  ip -n "$2" link set eth0 mtu 1450 address 02:42:0a:00:00:02 up
  ip -n "$2" addr add 10.0.0.2/24 dev eth0
}
# veth_pair NS1 DEV1 NS2 DEV2: joins two namespaces.
veth_pair() { ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"; ip -n "$1" link set "$2" up; ip -n "$3" link set "$4" up; }
# with_eth0 NS ADDR/LEN: gives NS an eth0 (a veth whose peer stays in the root namespace).
with_eth0() { ip link add "$PREFIX$RANDOM" type veth peer name eth0 netns "$1" && ip -n "$1" link set eth0 up && ip -n "$1" addr add "$2" dev eth0; }

# firewall NS: the tables of both backends as their own tools list them, creating none: iptables-legacy-save
# reads only the tables that exist (`iptables -S`, `-save -t T` would create T), and nft lists each
# iptables-nft rule's expressions (--debug=netlink: the bytes, where two spellings would list alike),
# then the ruleset. Both backends, so that a write to the wrong one shows. Packet counters are left out,
# and so is what holds nothing (a built-in chain accepting everything, a table of only those), which
# both iptables tools leave behind when the last rule goes; `tables` tells what exists.
firewall() {
  nsx "$1" iptables-legacy-save | awk '
    /^#/ { next }
    { sub(/ \[[0-9]+:[0-9]+\]$/, "") }
    /^\*/ { table = $0 "\n"; keep = 0; next }
    /^:/ { table = table $0 "\n"; if ($2 != "ACCEPT") keep = 1; next }  # a user chain reads ":NAME -"
    /^COMMIT$/ { if (keep) printf "%sCOMMIT\n", table; next }
    { table = table $0 "\n"; keep = 1 }'
  # nft warns on stderr of the tables iptables-nft manages: read apart, at the end, so no line is cut.
  nsx "$1" nft --debug=netlink list ruleset 2>/tmp/$PREFIX.nft | awk -v warnings=/tmp/$PREFIX.nft '
    { gsub(/counter (pkts|packets) [0-9]+ bytes [0-9]+/, "counter") }
    /^table / { table = $2 " " $3; body = ""; chains = 0; next }
    table != "" && /^\tchain / { chain = $0 "\n"; lines = 0; next }
    chain != "" && /^\t}$/ {
      if (!(lines == 1 && chain ~ /policy accept;\n$/)) { body = body (chains++ ? "\n" : "") chain "\t}\n" }
      chain = ""; next }
    chain != "" { chain = chain $0 "\n"; lines++; next }
    table != "" && /^}$/ { if (chains) out = out "\001" table "\001table " table " {\n" body "}\n"; table = ""; next }
    table == "" { out = out $0 "\n" }
    END {
      while ((getline line < warnings) > 0) { split(line, f, " "); warning[f[4] " " f[5]] = line "\n" }
      n = split(out, part, "\001")  # text, then pairs: a table name, its text
      for (i = 1; i <= n; i++) printf "%s", i % 2 ? part[i] : warning[part[i]]
    }'
}

# in_any_order: firewall's output without what depends on the order in which the chains and rules came
# (nf_tables' handles, and the chains' order in the ruleset); each chain's rules stay in their order.
# For tables built by other sequences of commands (iptables-legacy-save has no such order: kept as is).
in_any_order() {
  awk '
    function put(key, record) { printf "%s\037%s\n", key, record }
    /^ip [^ ]+ [^ ]+( [0-9]+)+$/ { sub(/( [0-9]+)+$/, ""); key = block = $0; next }  # a rule: ip TABLE CHAIN HANDLE [AFTER]
    block != "" && /^$/ { put("1 " key, block); block = ""; next }
    block != "" { block = block " |" $0; next }
    /^# Warning: table / { put("2 " $4 " " $5, $0); next }
    /^table / { table = $2 " " $3; put("2 " table, $0); next }
    table != "" && /^\tchain / { key = $0; chain = $0; next }
    chain != "" && /^\t}$/ { put("2 " table " " key, chain " }"); chain = ""; next }
    chain != "" { chain = chain " |" $0; next }
    table != "" && /^}$/ { table = ""; next }
    table != "" { next }
    { put("0", $0) }
    END { if (block != "") put("1 " key, block) }' | sort -s -t$'\037' -k1,1 | cut -d$'\037' -f2-
}

# tables NS: the tables that exist in NS, legacy then nft ("legacy nat", "nft ip mangle").
tables() {
  nsx "$1" cat /proc/net/ip_tables_names | sed 's/^/legacy /'
  nsx "$1" nft list tables | sed 's/^table /nft /'
}

# state NS: everything swarmlb may change, for "left exactly as it was" checks and for comparing two
# namespaces (IPv6 link-local addresses, which the kernel derives from each veth's random MAC, left out).
state() {
  local ns=$1
  firewall "$ns"
  ip -n "$ns" -o addr show | grep -v ' inet6 fe80::'
  ip -n "$ns" -o link show lo | grep -o 'state [A-Z]*'
  if [ -e /proc/net/ip_vs ]; then nsx "$ns" ipvsadm -Ln; nsx "$ns" cat /proc/sys/net/ipv4/vs/conntrack; fi
}

# replay NS TEXT: runs in NS each command of a change's text output (a runnable script; `#` lines are
# what was already so), for "swarmlb writes what the classic tools write" comparisons.
replay() {
  local line
  while IFS= read -r line; do
    [ -z "$line" ] || [[ $line == \#* ]] || ip netns exec "$1" sh -c "$line" || fail "replaying in $1: $line"
  done <<<"$2"
}

# accepts_every_rule NS TABLE: `$IPT -C` finds each rule of TABLE (on legacy it compares the entry bytes).
accepts_every_rule() {
  local rule
  while read -r rule; do
    [[ $rule == -A* ]] || continue
    eval "nsx \"\$1\" \"\$IPT\" -t \"\$2\" -C ${rule#-A }" || fail "$IPT -t $2 -C does not find: $rule"
  done <<<"$(nsx "$1" "$IPT" -t "$2" -S)"
}

# json_python: a python3 that has the jsonschema module (in the VM, PATH finds the system one first).
json_python() {
  local p
  for p in python3 /root/.pyenv/shims/python3 /root/.pyenv/versions/*/bin/python3; do
    "$p" -c 'import jsonschema' 2>/dev/null && { command -v "$p"; return; }
  done
  fail "no python3 with the jsonschema module"
}

# schema_check DEF < JSON: validates JSON against $defs/DEF of docs/swarmlb-json.schema.json.
schema_check() {
  "$(json_python)" -c '
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.validate(json.load(sys.stdin), {"$ref": "#/$defs/" + sys.argv[2], "$defs": schema["$defs"]})
' "$ROOT/docs/swarmlb-json.schema.json" "$1" || fail "--json output does not follow \$defs/$1"
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
  # ... and -m ipvs in each backend this run uses (iptables-nft needs nf_tables and nft_compat too).
  local tool
  for tool in ${IPT:-iptables-legacy iptables-nft}; do
    unshare -n "$tool" -t nat -A POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.5 && continue
    echo "$tool cannot write -m ipvs rules in this kernel ($(uname -r))" >&2
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
  done
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
  t="$t${BACKEND:+ [$BACKEND]}"  # a result names the backend it ran on
  case $rc in
    0) passed=$((passed + 1)); echo "ok      $t ($((SECONDS - start)) s)" ;;
    77) skipped=$((skipped + 1)); echo "skipped $t: $(tail -1 "$log")" ;;
    *) failed=$((failed + 1)); failures+=("$t"); echo "FAILED  $t"; sed 's/^/        | /' "$log" | tail -40 ;;
  esac
  rm -f "$log"
}

finish() {
  rm -rf /tmp/$PREFIX.*  # what the tests kept in files: expect_exit stderr, loads, fake upstreams, locks
  [ ${#failures[@]} -eq 0 ] || echo "failed: ${failures[*]}"
  echo "$passed passed, $failed failed, $skipped skipped (${BACKEND:+backend $BACKEND, }$SECONDS s)"
  [ "$failed" -eq 0 ]
}

# docker_dns_rules NS [TCP_PORT UDP_PORT]: the embedded resolver's nat chains, written with $IPT by the
# commands Docker runs, in its order (libnetwork's setupIPTable), to 38534 and 39353 unless told.
docker_dns_rules() {
  local X="ip netns exec $1 ${IPT:?} -w" tcp=${2:-38534} udp=${3:-39353}
  $X -t nat -N DOCKER_OUTPUT
  $X -t nat -I OUTPUT -d 127.0.0.11 -j DOCKER_OUTPUT
  $X -t nat -N DOCKER_POSTROUTING
  $X -t nat -I POSTROUTING -d 127.0.0.11 -j DOCKER_POSTROUTING
  $X -t nat -I DOCKER_OUTPUT -d 127.0.0.11 -p udp --dport 53 -j DNAT --to-destination 127.0.0.11:$udp
  $X -t nat -I DOCKER_POSTROUTING -s 127.0.0.11 -p udp --sport $udp -j SNAT --to-source :53
  $X -t nat -I DOCKER_OUTPUT -d 127.0.0.11 -p tcp --dport 53 -j DNAT --to-destination 127.0.0.11:$tcp
  $X -t nat -I DOCKER_POSTROUTING -s 127.0.0.11 -p tcp --sport $tcp -j SNAT --to-source :53
}

# docker_major: the major version of the node's Docker (node.sh saved it), where Docker releases differ.
docker_major() {
  local v; v=$(cat "$DOCKER_NODE/docker-version" 2>/dev/null) && [[ $v =~ ^[0-9]+\. ]] || fail "no Docker version in $DOCKER_NODE/docker-version"
  echo "${v%%.*}"
}

# docker_namespaces: the names under /run/docker/netns that are mounted namespaces, not the files of removed
# sandboxes, which Docker unmounts at once and deletes at its next clean-up, a minute or two later.
docker_namespaces() {
  local f
  for f in /run/docker/netns/*; do [ "$(stat -f -c %T "$f" 2>/dev/null)" != nsfs ] || basename "$f"; done
}

# docker_rules NS: the nat, filter and mangle rules Docker writes in a container namespace and on a
# node (embedded DNS chains, ingress, masquerade, marks), plus a variety of matches, written by $IPT.
docker_rules() {
  docker_dns_rules "$1"
  local X="ip netns exec $1 ${IPT:?} -w"
  $X -t nat -N DOCKER-INGRESS
  $X -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS
  $X -t nat -A OUTPUT -m addrtype --dst-type LOCAL -j DOCKER-INGRESS
  $X -t nat -A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080
  $X -t nat -A DOCKER-INGRESS -j RETURN
  $X -t nat -A POSTROUTING -o docker_gwbridge -m addrtype --src-type LOCAL -j MASQUERADE
  $X -t nat -A POSTROUTING ! -s 10.0.0.0/8 ! -o eth+ -p udp ! --dport 53 -j MASQUERADE --to-ports 1000-2000 --random
  $X -t nat -A PREROUTING -i eth0 -p 47 -j ACCEPT
  $X -t nat -A PREROUTING -d 10.255.0.4/32 -p tcp -m tcp --dport 8080 -j REDIRECT --to-ports 80
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

# --- Tests about both backends at once (backends.sh, backends-ipvs.sh) ---

# lb ARGS...: swarmlb as run by hand, choosing the backend itself (no SWARMLB_BACKEND from the harness).
lb() { env -u SWARMLB_BACKEND "$SWARMLB" "$@"; }
BACKENDS_CONFLICT="swarmlb: both iptables-legacy and iptables-nft hold load-balancing rules in this namespace; choose one with --backend legacy|nft (or SWARMLB_BACKEND)"

# hold NS TOOL KIND: TOOL writes in NS a rule of a KIND that automatic selection weighs: a VIP "mark",
# the "dns" chain, an ipvs "snat" rule (load-balancing rules), a "filter" rule (another rule), "-" nothing.
hold() {
  local X="nsx $1 $2 -w"
  case $3 in
    mark) $X -t mangle -A OUTPUT -d 10.0.0.9/32 -j MARK --set-xmark 0x109/0xffffffff ;;
    dns) $X -t nat -N DOCKER_OUTPUT ;;
    snat) $X -t nat -A POSTROUTING -d 10.0.9.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.9.5 ;;
    filter) $X -A INPUT -s 10.9.9.9/32 -j ACCEPT ;;
    -) ;;
    *) fail "hold: no kind $3" ;;
  esac
}

# writes_with NS TOOL SWARMLB...: `SWARMLB -n NS vip add` prints TOOL's command, and the rule lands in
# TOOL's tables and not in the other backend's.
writes_with() {
  local ns=$1 tool=$2 other=iptables-legacy; shift 2
  [ "$tool" != iptables-legacy ] || other=iptables-nft
  expect_exit 0 "$@" -n "$ns" vip add 10.0.0.2 --dev eth0 --fwm 0x101
  assert_eq "ip addr add 10.0.0.2/32 dev eth0
$tool -t mangle -A OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff" "$OUT" "what $* printed"
  nsx "$ns" "$tool" -t mangle -C OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff || fail "no such rule in $tool"
  assert_not_contains "$(nsx "$ns" "$other-save")" "10.0.0.2/32"
}

# creates_no_table NS COMMAND...: each `swarmlb --backend B COMMAND` (NS in it replaced by NS's name)
# exits 0 with each backend B, and afterwards no table exists in NS in either backend.
creates_no_table() {
  local ns=$1 backend command; shift
  for backend in auto legacy nft; do
    for command in "$@"; do
      # shellcheck disable=SC2086
      expect_exit 0 lb --backend $backend ${command//NS/$ns}
    done
    assert_eq "" "$(tables "$ns")" "tables after swarmlb --backend $backend: $(printf '%s; ' "$@")"
  done
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

# traffic_ns: two_tasks after 6 requests to the VIP.
traffic_ns() {
  two_tasks
  for i in 1 2 3 4 5 6; do ip netns exec "$c" curl -s -m 5 http://10.0.0.2/ >/dev/null; done
}
