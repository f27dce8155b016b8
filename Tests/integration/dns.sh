# Tests of `swarmlb dns serve` in throwaway namespaces on this machine's kernel (no IPVS needed), once per
# iptables backend (BACKEND=legacy|nft).

require_backend

SERVICES_YAML='network: my-network
subnet: 10.0.0.0/24
services:
  - name: my-web
    vip: 10.0.0.2
    fwmark: 0x101
    aliases: [web]
    tasks:
      - {name: my-web.1.5yzoighbalqvio4djic464a9j, ip: 10.0.0.3}
      - {name: my-web.2.14hggmn6m8rucruo2omt8wygt, ip: 10.0.0.4}
  - name: db
    endpoint_mode: dnsrr
    tasks: [{name: db.1.a, ip: 10.0.0.7}, {name: db.2.b, ip: 10.0.0.8}, {name: db.3.c, ip: 10.0.0.9}]'

# What the test upstream servers know (a name the resolver under test does not).
ELSEWHERE_YAML='network: other
services:
  - name: elsewhere
    vip: 192.0.2.7'

# serve NS FILE [ARGS...]: starts the resolver in NS in the background ($dns_pid, log in $dns_log)
# and waits until it answers through the nat rules (or on port 53 itself).
serve() {
  local ns=$1 file=$2; shift 2
  dns_log=$(mktemp)
  "$SWARMLB" -n "$ns" dns serve --config "$file" "$@" >"$dns_log" 2>&1 & dns_pid=$!
  local i
  for i in $(seq 1 100); do
    ip netns exec "$ns" dig +short +tries=1 +time=1 @127.0.0.11 my-web >/dev/null 2>&1 && grep -q listening "$dns_log" && return 0
    kill -0 $dns_pid 2>/dev/null || { cat "$dns_log" >&2; fail "dns serve exited"; }
    sleep 0.1
  done
  cat "$dns_log" >&2; fail "dns serve did not start"
}
q() { local ns=$1; shift; ip netns exec "$ns" dig +tries=1 +time=6 @127.0.0.11 "$@"; }
services_file() { local f; f=$(mktemp --suffix=.yaml); printf '%s\n' "${1:-$SERVICES_YAML}" > "$f"; echo "$f"; }

test_dns_answers_services_aliases_tasks_and_pointers() {
  ns=$(new_ns c); f=$(services_file)
  serve "$ns" "$f" --upstream 127.0.0.1:9
  assert_eq "10.0.0.2" "$(q "$ns" +short my-web)"
  assert_eq "10.0.0.2" "$(q "$ns" +short WeB.my-network.)"
  assert_eq "10.0.0.3
10.0.0.4" "$(q "$ns" +short tasks.my-web)"
  assert_eq "10.0.0.4" "$(q "$ns" +short my-web.2.14hggmn6m8rucruo2omt8wygt)"
  assert_eq "my-web.my-network." "$(q "$ns" +short -x 10.0.0.2)"
  assert_eq "my-web.1.5yzoighbalqvio4djic464a9j.my-network." "$(q "$ns" +short -x 10.0.0.3)"
  out=$(q "$ns" my-web AAAA)
  assert_contains "$out" "status: NOERROR"; assert_contains "$out" "ANSWER: 0"
  out=$(q "$ns" MY-wEb)
  assert_contains "$out" "MY-wEb.			600	IN	A	10.0.0.2"  # 0x20 case kept, TTL 600
  assert_eq "10.0.0.2" "$(q "$ns" +tcp +short my-web)"
  # glibc, through the namespace's resolv.conf.
  mkdir -p "/etc/netns/$ns"; echo "nameserver 127.0.0.11" > "/etc/netns/$ns/resolv.conf"
  got=$(ip netns exec "$ns" getent hosts web); rm -rf "/etc/netns/$ns"
  assert_eq "10.0.0.2        web" "$got"
  kill $dns_pid; wait $dns_pid
}

test_dnsrr_shuffles_every_task() {
  ns=$(new_ns c); f=$(services_file)
  serve "$ns" "$f" --upstream 127.0.0.1:9
  orders=$(for i in $(seq 1 20); do q "$ns" +short db | tr '\n' ' '; echo; done | sort -u)
  [ "$(wc -l <<<"$orders")" -gt 1 ] || fail "always the same order: $orders"
  assert_eq "10.0.0.7 10.0.0.8 10.0.0.9 " "$(head -1 <<<"$orders" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/^ //')"
  kill $dns_pid; wait $dns_pid
}

test_large_answers_are_truncated_over_udp_and_whole_over_tcp() {
  ns=$(new_ns c)
  yaml=$(printf 'network: n\nservices:\n  - name: my-web\n    vip: 10.0.0.2\n    tasks:\n'; for i in $(seq 1 60); do echo "      - {name: t$i, ip: 10.0.1.$i}"; done)
  f=$(services_file "$yaml")
  serve "$ns" "$f" --upstream 127.0.0.1:9
  out=$(q "$ns" +ignore +noedns tasks.my-web)
  assert_contains "$out" "flags: qr tc rd ra"
  assert_eq 60 "$(q "$ns" +short tasks.my-web | wc -l)" "dig retries over TCP"
  kill $dns_pid; wait $dns_pid
}

test_tcp_carries_several_queries_per_connection_and_idle_ones_are_closed() {
  ns=$(new_ns c); f=$(services_file)
  serve "$ns" "$f" --upstream 127.0.0.1:9 --tcp-idle 2
  # Three queries written at once on one connection (through the nat rules to port 53), three
  # answers back in order; then the connection is left idle and the server closes it.
  out=$(ip netns exec "$ns" python3 - <<'PY'
import socket, struct, time
def query(i, name):
    q = struct.pack(">HHHHHH", i, 0x0100, 1, 0, 0, 0) + b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0" + struct.pack(">HH", 1, 1)
    return struct.pack(">H", len(q)) + q
def read(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c: raise EOFError
        b += c
    return b
s = socket.create_connection(("127.0.0.11", 53))
s.sendall(query(1, "my-web") + query(2, "tasks.my-web") + query(3, "db.1.a"))
for i in (1, 2, 3):
    n, = struct.unpack(">H", read(s, 2)); r = read(s, n)
    print(struct.unpack(">H", r[:2])[0], struct.unpack(">H", r[6:8])[0], ".".join(map(str, r[-4:])))
start = time.time(); s.settimeout(10)
print("closed" if s.recv(1) == b"" else "data", round(time.time() - start))
PY
)
  assert_eq "1 1 10.0.0.2
2 2 10.0.0.4
3 1 10.0.0.7
closed 2" "$out"
  kill $dns_pid; wait $dns_pid
}

# silent_udp PORT: a UDP socket on this namespace's 127.0.0.1 that never answers ($silent_pid).
silent_udp() {
  python3 -c 'import socket, sys, time; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", int(sys.argv[1]))); print("ready", flush=True); time.sleep(120)' "$1" > /tmp/$PREFIX.silent & silent_pid=$!
  for i in $(seq 1 50); do grep -q ready /tmp/$PREFIX.silent 2>/dev/null && return 0; sleep 0.1; done; fail "silent upstream did not start"
}

# host: upstreams are asked from the starting namespace (this test's), as Docker asks the host's
# resolvers: the served namespace has no such server, the queries must leave from here.
test_unknown_names_are_forwarded_from_the_starting_namespace_with_failover_and_servfail() {
  ns=$(new_ns c); f=$(services_file)
  upstream=$(services_file "$ELSEWHERE_YAML")
  silent=$((20000 + RANDOM % 10000)); answering=$((silent + 1))
  silent_udp $silent
  "$SWARMLB" dns serve --config "$upstream" --listen 127.0.0.1 --port $answering --upstream 127.0.0.1:9 >/dev/null 2>&1 & up=$!
  # The first upstream never answers: the resolver waits 4 s, then asks the next one.
  serve "$ns" "$f" --upstream host:127.0.0.1:$silent --upstream host:127.0.0.1:$answering
  assert_contains "$(cat "$dns_log")" "upstreams: 127.0.0.1:$silent (asked from the starting namespace), 127.0.0.1:$answering (asked from the starting namespace)"
  start=$(date +%s%N)
  assert_eq "192.0.2.7" "$(q "$ns" +short elsewhere)"
  took=$(( ($(date +%s%N) - start) / 1000000 ))
  [ $took -ge 3900 ] && [ $took -lt 6000 ] || fail "failover took $took ms, not the 4 s timeout"
  # Both fail: 4 s of silence, then the second upstream's own upstream (port 9) is closed: SERVFAIL.
  out=$(ip netns exec "$ns" dig +tries=1 +time=15 @127.0.0.11 nowhere.invalid)
  assert_contains "$out" "status: SERVFAIL"
  kill $dns_pid $up $silent_pid; wait $dns_pid; wait $up $silent_pid || true
  assert_contains "$(cat "$dns_log")" "upstream 127.0.0.1:$silent did not answer"
}

test_an_unreachable_upstream_port_fails_over_at_once() {
  ns=$(new_ns c); f=$(services_file)
  # Nothing listens on port 9: the kernel's port-unreachable ends the wait at once, no 4 s timeout.
  serve "$ns" "$f" --upstream 127.0.0.1:9
  start=$(date +%s%N)
  out=$(ip netns exec "$ns" dig +tries=1 +time=3 @127.0.0.11 nowhere.invalid)
  took=$(( ($(date +%s%N) - start) / 1000000 ))
  assert_contains "$out" "status: SERVFAIL"
  # Docker 26-28's own SERVFAIL: qr rd, no RA, no OPT record although dig sent one.
  assert_contains "$out" "flags: qr rd; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 0"
  assert_not_contains "$out" "OPT PSEUDOSECTION"
  # "At once": well under the 4 s upstream timeout it would otherwise wait (bounded loosely, as a busy
  # CI machine can take a second or two to schedule dig and the resolver).
  [ $took -lt 2500 ] || fail "SERVFAIL took $took ms"
  kill $dns_pid; wait $dns_pid
  assert_contains "$(cat "$dns_log")" "upstream 127.0.0.1:9 is unreachable: Connection refused (ECONNREFUSED); trying no other: SERVFAIL"
}

test_upstreams_answering_refused_or_servfail_are_passed_over() {
  ns=$(new_ns c); f=$(services_file)
  upstream=$(services_file "$ELSEWHERE_YAML")
  # Upstream 1 answers REFUSED, 2 SERVFAIL (its own upstream is a closed port), 3 knows the name.
  fake_upstream "" refused; p=$fake_port; a=$fake_pid
  "$SWARMLB" dns serve --config "$f" --listen 127.0.0.1 --port $((p + 1)) --upstream 127.0.0.1:9 >/dev/null 2>&1 & b=$!
  "$SWARMLB" dns serve --config "$upstream" --listen 127.0.0.1 --port $((p + 2)) --upstream 127.0.0.1:9 >/dev/null 2>&1 & c=$!
  for port in $((p + 1)) $((p + 2)); do
    for i in $(seq 1 50); do dig +short +tries=1 +time=1 -p $port @127.0.0.1 my-web >/dev/null 2>&1 && break; sleep 0.1; done
  done
  serve "$ns" "$f" --upstream host:127.0.0.1:$p --upstream host:127.0.0.1:$((p + 1)) --upstream host:127.0.0.1:$((p + 2))
  start=$(date +%s%N)
  assert_eq "192.0.2.7" "$(q "$ns" +short elsewhere)"
  took=$(( ($(date +%s%N) - start) / 1000000 ))
  # Passing over a REFUSED and a SERVFAIL answer waits for no timeout (4 s for any one upstream).
  [ $took -lt 3500 ] || fail "failing over took $took ms"
  kill $dns_pid $a $b $c; wait $dns_pid; wait $a $b $c || true
  assert_contains "$(cat "$dns_log")" "upstream 127.0.0.1:$p answered REFUSED; trying the next one"
  assert_contains "$(cat "$dns_log")" "upstream 127.0.0.1:$((p + 1)) answered SERVFAIL; trying the next one"
}

test_upstream_queries_in_flight_are_bounded_and_the_rest_refused_at_once() {
  ns=$(new_ns c); f=$(services_file)
  silent=$((20000 + RANDOM % 10000)); silent_udp $silent
  serve "$ns" "$f" --upstream host:127.0.0.1:$silent --max-inflight 2
  waiting=""
  for i in 1 2; do ip netns exec "$ns" dig +tries=1 +time=8 @127.0.0.11 waiting$i.invalid > /tmp/$PREFIX.w$i & waiting="$waiting $!"; done
  sleep 0.5
  start=$(date +%s%N)
  out=$(ip netns exec "$ns" dig +tries=1 +time=3 @127.0.0.11 third.invalid)
  took=$(( ($(date +%s%N) - start) / 1000000 ))
  assert_contains "$out" "status: REFUSED"
  # Refused without asking the silent upstream, which would take its 4 s timeout.
  [ $took -lt 2500 ] || fail "REFUSED took $took ms"
  wait $waiting
  assert_contains "$(cat /tmp/$PREFIX.w1)" "status: SERVFAIL"
  assert_contains "$(cat /tmp/$PREFIX.w2)" "status: SERVFAIL"
  assert_eq "10.0.0.2" "$(q "$ns" +short my-web)" "names of the network are answered all along"
  kill $dns_pid $silent_pid; wait $dns_pid; wait $silent_pid || true
}

test_an_upstream_routed_from_the_served_namespace_is_asked_from_there() {
  c=$(new_ns c); u=$(new_ns u); f=$(services_file)
  veth_pair "$c" eth0 "$u" eth0
  ip -n "$c" addr add 10.99.0.1/24 dev eth0; ip -n "$u" addr add 10.99.0.2/24 dev eth0
  upstream=$(services_file "$ELSEWHERE_YAML")
  "$SWARMLB" -n "$u" dns serve --config "$upstream" --listen 10.99.0.2 --port 53 --upstream 127.0.0.1:9 >/dev/null 2>&1 & up=$!
  for i in $(seq 1 50); do ip netns exec "$u" dig +short +tries=1 +time=1 @10.99.0.2 elsewhere >/dev/null 2>&1 && break; sleep 0.1; done
  # 10.99.0.2 answers only inside the served namespace (from here it would go out the default route).
  serve "$c" "$f" --upstream 10.99.0.2
  assert_contains "$(cat "$dns_log")" "upstreams: 10.99.0.2:53 (asked from the served namespace)"
  assert_eq "192.0.2.7" "$(q "$c" +short elsewhere)"
  kill $dns_pid $up; wait $dns_pid; wait $up || true
}

test_verbose_logs_each_query() {
  ns=$(new_ns c); f=$(services_file)
  serve "$ns" "$f" --upstream 127.0.0.1:9 --verbose
  q "$ns" +short my-web >/dev/null; q "$ns" +short +tcp -x 10.0.0.3 >/dev/null; q "$ns" +short nowhere.invalid >/dev/null
  kill $dns_pid; wait $dns_pid
  log=$(cat "$dns_log")
  assert_contains "$log" "query my-web A from 127.0.0.1:"
  assert_contains "$log" "over udp: answered"
  assert_contains "$log" "query 3.0.0.10.in-addr.arpa PTR from"
  assert_contains "$log" "over tcp: answered"
  assert_contains "$log" "query nowhere.invalid A from"
  assert_contains "$log" "over udp: forwarded"
}

test_nat_rules_are_dockers_restored_after_a_flush_and_removed_on_exit() {
  ns=$(new_ns c); f=$(services_file)
  before=$(nsx "$ns" "$IPT" -t nat -S)
  serve "$ns" "$f" --upstream 127.0.0.1:9
  rules=$(nsx "$ns" "$IPT" -t nat -S)
  tcp=$(sed -n 's/.*-p tcp -m tcp --dport 53 -j DNAT --to-destination 127.0.0.11:\([0-9]*\)$/\1/p' <<<"$rules")
  udp=$(sed -n 's/.*-p udp -m udp --dport 53 -j DNAT --to-destination 127.0.0.11:\([0-9]*\)$/\1/p' <<<"$rules")
  assert_eq "-P PREROUTING ACCEPT
-P INPUT ACCEPT
-P OUTPUT ACCEPT
-P POSTROUTING ACCEPT
-N DOCKER_OUTPUT
-N DOCKER_POSTROUTING
-A OUTPUT -d 127.0.0.11/32 -j DOCKER_OUTPUT
-A POSTROUTING -d 127.0.0.11/32 -j DOCKER_POSTROUTING
-A DOCKER_OUTPUT -d 127.0.0.11/32 -p tcp -m tcp --dport 53 -j DNAT --to-destination 127.0.0.11:$tcp
-A DOCKER_OUTPUT -d 127.0.0.11/32 -p udp -m udp --dport 53 -j DNAT --to-destination 127.0.0.11:$udp
-A DOCKER_POSTROUTING -s 127.0.0.11/32 -p tcp -m tcp --sport $tcp -j SNAT --to-source :53
-A DOCKER_POSTROUTING -s 127.0.0.11/32 -p udp -m udp --sport $udp -j SNAT --to-source :53" "$rules"
  # The same bytes as Docker's commands run by $IPT with these ports make (which create the chains in
  # another order).
  docker=$(new_ns docker); docker_dns_rules "$docker" "$tcp" "$udp"
  assert_eq "$(firewall "$docker" | in_any_order)" "$(firewall "$ns" | in_any_order)" "the tables Docker's $IPT commands make"
  expect_exit 0 "$SWARMLB" -n "$ns" inspect iptables -t nat
  nsx "$ns" "$IPT" -t nat -F; nsx "$ns" "$IPT" -t nat -X
  for i in $(seq 1 30); do [ "$(nsx "$ns" "$IPT" -t nat -S)" = "$rules" ] && break; sleep 0.1; done
  assert_eq "$rules" "$(nsx "$ns" "$IPT" -t nat -S)" "rules put back within a second or so"
  assert_eq "10.0.0.2" "$(q "$ns" +short my-web)"
  assert_contains "$(cat "$dns_log")" "were removed (nat table flushed?); put them back"
  kill -TERM $dns_pid; wait $dns_pid || fail "dns serve exited $? on SIGTERM"
  assert_eq "$before" "$(nsx "$ns" "$IPT" -t nat -S)" "nat table after exit"
}

test_port_53_mode_installs_no_nat_rules() {
  ns=$(new_ns c); f=$(services_file)
  serve "$ns" "$f" --port 53 --upstream 127.0.0.1:9
  assert_not_contains "$(nsx "$ns" "$IPT" -t nat -S)" "DOCKER_OUTPUT"
  assert_eq "10.0.0.2" "$(q "$ns" +short my-web)"
  kill $dns_pid; wait $dns_pid
}

test_reload_under_load_loses_no_query_and_a_bad_file_keeps_the_old_names() {
  ns=$(new_ns c); f=$(services_file)
  serve "$ns" "$f" --upstream 127.0.0.1:9 --watch
  ( for i in $(seq 1 300); do ip netns exec "$ns" dig +short +tries=1 +time=2 @127.0.0.11 my-web || echo FAILED; done ) > /tmp/$PREFIX.load & load=$!
  for i in 1 2 3 4 5; do sleep 0.3; kill -HUP $dns_pid; done
  sed -i 's/vip: 10.0.0.2/vip: 10.0.0.200/' "$f"; sleep 1.5
  wait $load
  assert_eq 0 "$(grep -vc -e '^10.0.0.2$' -e '^10.0.0.200$' /tmp/$PREFIX.load)" "answers other than the VIP"
  assert_eq 300 "$(wc -l < /tmp/$PREFIX.load)"
  assert_eq "10.0.0.200" "$(q "$ns" +short my-web)" "--watch picked up the change"
  sed -i 's/vip: 10.0.0.200/vip: 10.0.0.999/' "$f"; kill -HUP $dns_pid; sleep 1.5
  assert_eq "10.0.0.200" "$(q "$ns" +short my-web)" "a bad file keeps the old names"
  assert_contains "$(cat "$dns_log")" "reload failed, still serving the previous names: $f:"
  kill $dns_pid; wait $dns_pid
}

test_a_malformed_services_file_is_refused_before_anything_changes() {
  ns=$(new_ns c); f=$(services_file "$(sed 's/ip: 10.0.0.4/ip: 10.0.0.x/' <<<"$SERVICES_YAML")")
  before=$(state "$ns")
  expect_exit 2 "$SWARMLB" -n "$ns" dns serve --config "$f" --upstream 127.0.0.1:9
  one_line "$ERR"
  assert_contains "$ERR" "$f:10: field services[0].tasks[1].ip: invalid IPv4 address"
  assert_eq "$before" "$(state "$ns")"
}

# A reload that fails for any reason (nesting beyond the limit, a file beyond the size limit, a FIFO, a link
# to /dev/zero, control characters in a comment) is one log line each; the resolver keeps answering the
# old names, and reads the next good file.
test_a_hostile_reload_keeps_the_old_names() {
  ns=$(new_ns c); f=$(services_file)
  serve "$ns" "$f" --upstream 127.0.0.1:9
  local bad=/tmp/$PREFIX.bad n=0
  mv "$f" "$f.good"
  for kind in deep huge fifo zero control; do
    rm -f "$f"
    case $kind in
      deep) { head -c 100000 /dev/zero | tr '\0' '['; head -c 100000 /dev/zero | tr '\0' ']'; } > "$f" ;;
      huge) truncate -s 300M "$f" ;;
      fifo) mkfifo "$f" ;;
      zero) ln -s /dev/zero "$f" ;;
      control) sed 's/vip: 10.0.0.2/vip: 10.0.0.2 # \x01/' "$f.good" > "$f" ;;
    esac
    kill -HUP $dns_pid; n=$((n + 1))
    for i in $(seq 1 50); do [ "$(grep -c 'reload failed' "$dns_log")" -ge $n ] && break; sleep 0.1; done
    kill -0 $dns_pid || fail "dns serve died reloading a $kind file"
    assert_eq "10.0.0.2" "$(q "$ns" +short my-web)" "the old names after a $kind file"
  done
  assert_eq 5 "$(grep -c 'reload failed, still serving the previous names' "$dns_log")"
  assert_contains "$(cat "$dns_log")" "$f:1: nests deeper than 64 levels (the limit)"
  assert_contains "$(cat "$dns_log")" "$f:1: larger than 268435456 bytes (the limit)"
  assert_contains "$(cat "$dns_log")" "$f: a FIFO, not a regular file"
  assert_contains "$(cat "$dns_log")" "$f: a device, not a regular file"
  rm -f "$f"; sed 's/vip: 10.0.0.2/vip: 10.0.0.20/' "$f.good" > "$f"; kill -HUP $dns_pid
  for i in $(seq 1 50); do grep -q 'reloaded' "$dns_log" && break; sleep 0.1; done
  assert_eq "10.0.0.20" "$(q "$ns" +short my-web)" "the next good file"
  kill $dns_pid; wait $dns_pid
  rm -f "$f" "$f.good" "$bad"
}

# nat_rules NS: the nat table as `iptables -S` prints it, read with the backend's tool ($IPT once
# the tests run on both backends).
nat_rules() { ip netns exec "$1" ${IPT:-iptables-legacy} -t nat -S; }

# fake_upstream NS MODE: a DNS server on 127.0.0.1:$fake_port (UDP and TCP) in NS ("" for this
# namespace) that answers every name with 192.0.2.7 (192.0.2.8 when NS is not "") and logs
# "udp|tcp ID SOURCE-PORT NAME" per query to /tmp/$PREFIX.fake-NS; MODE forge first sends a forged
# answer (right id, question evil.example), tc answers UDP with TC set and no records, refused answers
# REFUSED, big answers with 200 A records (3,235 bytes for elsewhere.example, an OPT record last when
# the query had one).
fake_upstream() {
  local ns=$1 mode=$2 log=/tmp/$PREFIX.fake-${1:-here}
  fake_port=$((20000 + RANDOM % 10000))
  : > "$log"
  ${ns:+ip netns exec "$ns"} python3 - "$mode" "$fake_port" "$log" "${ns:+8}" > "$log.ready" 2>&1 <<'PY' & fake_pid=$!
import socket, struct, sys, threading
mode, port, log, last = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4] or 7)
def question(q):
    i = 12
    while q[i]: i += 1 + q[i]
    return q[12:i + 5], ".".join(q[j + 1:j + 1 + q[j]].decode() for j in iter_labels(q))
def iter_labels(q):
    i = 12
    while q[i]: yield i; i += 1 + q[i]
def answer(q, name=None, tc=False):
    section, _ = question(q)
    if name: section = b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0" + section[-4:]
    if mode == "refused": return q[:2] + struct.pack(">HHHHH", 0x8185, 1, 0, 0, 0) + section
    n = 0 if tc else 200 if mode == "big" else 1
    rr = b"".join(b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04" + bytes([192, 0, 2, last if n == 1 else i]) for i in range(n))
    opt = b"\0\x00\x29\x10\x00\0\0\0\0\0\0" if mode == "big" and q[11] == 1 else b""
    return q[:2] + struct.pack(">HHHHH", 0x8180 | (0x200 if tc else 0), 1, n, 0, 1 if opt else 0) + section + rr + opt
def note(proto, q, port):
    with open(log, "a") as f: f.write("%s %d %d %s\n" % (proto, struct.unpack(">H", q[:2])[0], port, question(q)[1]))
def tcp_server():
    t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); t.bind(("127.0.0.1", port)); t.listen(16)
    while True:
        c, peer = t.accept(); n, = struct.unpack(">H", c.recv(2)); q = b""
        while len(q) < n: q += c.recv(n - len(q))
        note("tcp", q, peer[1]); a = answer(q); c.sendall(struct.pack(">H", len(a)) + a); c.close()
threading.Thread(target=tcp_server, daemon=True).start()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", port))
print("ready", flush=True)
while True:
    q, peer = u.recvfrom(4096); note("udp", q, peer[1])
    if mode == "forge": u.sendto(answer(q, name="evil.example"), peer)
    u.sendto(answer(q, tc=(mode == "tc")), peer)
PY
  local i; for i in $(seq 1 50); do grep -q ready "$log.ready" 2>/dev/null && return 0; sleep 0.1; done
  cat "$log.ready" >&2; fail "fake upstream did not start"
}

test_an_upstream_inside_the_served_namespace_is_asked_there_and_host_ones_from_the_starting_one() {
  ns=$(new_ns c); f=$(services_file)
  ip -n "$ns" link set lo up
  fake_upstream "$ns" plain; inside=$fake_port; inside_pid=$fake_pid
  # Through -n, as Docker's --dns: 127.0.0.1 is the served namespace's own loopback.
  serve "$ns" "$f" --upstream 127.0.0.1:$inside
  assert_contains "$(cat "$dns_log")" "upstreams: 127.0.0.1:$inside (asked from the served namespace)"
  assert_eq "192.0.2.8" "$(q "$ns" +short elsewhere.example)"
  assert_eq "192.0.2.8" "$(q "$ns" +tcp +short over-tcp.example)"
  assert_eq "udp elsewhere.example
tcp over-tcp.example" "$(cut -d' ' -f1,4 /tmp/$PREFIX.fake-$ns)"
  kill $dns_pid; wait $dns_pid
  # host: the same address and port, asked from here (this namespace's server answers 192.0.2.7).
  fake_upstream "" plain
  serve "$ns" "$f" --upstream host:127.0.0.1:$fake_port --upstream 127.0.0.1:$inside
  assert_contains "$(cat "$dns_log")" "upstreams: 127.0.0.1:$fake_port (asked from the starting namespace), 127.0.0.1:$inside (asked from the served namespace)"
  assert_eq "192.0.2.7" "$(q "$ns" +short elsewhere.example)"
  kill $dns_pid $fake_pid $inside_pid; wait $dns_pid; wait $fake_pid $inside_pid || true
}

test_forwarded_queries_leave_from_varying_ports_with_ids_of_their_own_and_the_client_gets_its_id_back() {
  ns=$(new_ns c); f=$(services_file)
  fake_upstream "" plain
  serve "$ns" "$f" --upstream host:127.0.0.1:$fake_port
  # 20 queries, all with the client id 0x4242 (16962), from one client socket.
  out=$(ip netns exec "$ns" python3 - <<'PY'
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(5)
for i in range(20):
    s.sendto(struct.pack(">HHHHHH", 0x4242, 0x0100, 1, 0, 0, 0) + b"\x05name%d\x07example\x00\x00\x01\x00\x01" % (i % 10), ("127.0.0.11", 53))
    r, _ = s.recvfrom(4096)
    print(struct.unpack(">H", r[:2])[0], ".".join(map(str, r[-4:])))
PY
)
  assert_eq 20 "$(grep -c '^16962 192.0.2.7$' <<<"$out")" "answers under the client's id"
  log=/tmp/$PREFIX.fake-here
  assert_eq 20 "$(wc -l < "$log")"
  assert_eq 0 "$(awk '$2 == 16962' "$log" | wc -l)" "queries upstream under the client's id"
  ports=$(awk '{print $3}' "$log" | sort -u | wc -l)
  [ "$ports" -ge 18 ] || fail "only $ports source ports across 20 queries: $(awk '{print $3}' "$log" | tr '\n' ' ')"
  ids=$(awk '{print $2}' "$log" | sort -u | wc -l)
  [ "$ids" -ge 18 ] || fail "only $ids ids across 20 queries"
  kill $dns_pid $fake_pid; wait $dns_pid; wait $fake_pid || true
}

test_a_forged_answer_never_reaches_the_client_and_the_genuine_one_does() {
  ns=$(new_ns c); f=$(services_file)
  fake_upstream "" forge
  serve "$ns" "$f" --upstream host:127.0.0.1:$fake_port
  out=$(q "$ns" elsewhere.example)
  assert_contains "$out" "status: NOERROR"
  assert_contains "$out" "elsewhere.example.	60	IN	A	192.0.2.7"
  assert_not_contains "$out" "evil"
  assert_not_contains "$out" "mismatch"
  kill $dns_pid $fake_pid; wait $dns_pid; wait $fake_pid || true
  assert_contains "$(cat "$dns_log")" "dropped an answer claiming to be from upstream 127.0.0.1:$fake_port, not matching the query's id and question"
  assert_contains "$(cat "$dns_log")" "evil.example A); 1 dropped since start"
}

test_tcp_queries_are_forwarded_over_tcp_and_a_truncated_udp_answer_is_passed_as_is() {
  ns=$(new_ns c); f=$(services_file)
  fake_upstream "" tc
  serve "$ns" "$f" --upstream host:127.0.0.1:$fake_port
  assert_eq "192.0.2.7" "$(q "$ns" +tcp +short tcp.example)"
  assert_eq "tcp" "$(cut -d' ' -f1,4 /tmp/$PREFIX.fake-here | sort -u | tr '\n' ' ' | sed 's/ tcp.example //')"
  # Over UDP the upstream answers with TC: the client sees it as is, then retries over TCP itself.
  assert_contains "$(q "$ns" +ignore udp.example)" "flags: qr tc rd ra"
  assert_eq "192.0.2.7" "$(q "$ns" +short retried.example)"
  assert_eq "udp retried.example
tcp retried.example" "$(grep retried /tmp/$PREFIX.fake-here | cut -d' ' -f1,4)"
  kill $dns_pid $fake_pid; wait $dns_pid; wait $fake_pid || true
}

test_a_second_resolver_is_refused_while_the_first_keeps_answering() {
  ns=$(new_ns c); f=$(services_file)
  serve "$ns" "$f" --upstream 127.0.0.1:9
  first=$dns_pid; first_log=$dns_log
  rules=$(nat_rules "$ns")
  udp=$(sed -n 's/.*-p udp -m udp --dport 53 -j DNAT --to-destination 127.0.0.11:\([0-9]*\)$/\1/p' <<<"$rules")
  tcp=$(sed -n 's/.*-p tcp -m tcp --dport 53 -j DNAT --to-destination 127.0.0.11:\([0-9]*\)$/\1/p' <<<"$rules")
  expect_exit 1 "$SWARMLB" -n "$ns" dns serve --config "$f" --upstream 127.0.0.1:9
  one_line "$ERR"
  assert_eq "swarmlb: a resolver already serves 127.0.0.11 in this namespace (udp/$udp tcp/$tcp, port 53 redirected by nat DOCKER_OUTPUT); stop it first" "$ERR"
  expect_exit 1 "$SWARMLB" -n "$ns" dns serve --config "$f" --upstream 127.0.0.1:9 --port 53
  assert_contains "$ERR" "a resolver already serves 127.0.0.11 in this namespace (udp/$udp tcp/$tcp"
  assert_eq "$rules" "$(nat_rules "$ns")" "the first's rules after the refusals"
  assert_eq "10.0.0.2" "$(q "$ns" +short my-web)"
  # A resolver on another address of the namespace shares the chains; stopping it leaves the first's rules.
  serve_other=$(mktemp)
  "$SWARMLB" -n "$ns" dns serve --config "$f" --listen 127.0.0.12 --upstream 127.0.0.1:9 > "$serve_other" 2>&1 & other=$!
  for i in $(seq 1 100); do ip netns exec "$ns" dig +short +tries=1 +time=1 @127.0.0.12 my-web >/dev/null 2>&1 && break; sleep 0.1; done
  assert_eq "10.0.0.2" "$(ip netns exec "$ns" dig +short +tries=1 +time=3 @127.0.0.12 my-web)"
  # After a flush each puts back its own rules, and only those: the union, each once.
  both=$(nat_rules "$ns" | sort)
  # -X may find a chain busy: a resolver, checking once a second, can put its rules back between -F and -X.
  nsx "$ns" ${IPT:-iptables-legacy} -t nat -F; nsx "$ns" ${IPT:-iptables-legacy} -t nat -X 2>/dev/null || true
  for i in $(seq 1 40); do [ "$(nat_rules "$ns" | sort)" = "$both" ] && break; sleep 0.1; done
  assert_eq "$both" "$(nat_rules "$ns" | sort)" "both resolvers' rules back after a flush"
  kill $other; wait $other || fail "the second resolver exited $?"
  assert_eq "$rules" "$(nat_rules "$ns")" "the first's rules after the other stopped"
  assert_eq "10.0.0.2" "$(q "$ns" +short my-web)"
  kill $first; wait $first
  assert_not_contains "$(nat_rules "$ns")" "DOCKER_OUTPUT"
}

test_a_dead_resolvers_rules_are_replaced() {
  ns=$(new_ns c); f=$(services_file)
  serve "$ns" "$f" --upstream 127.0.0.1:9
  kill -9 $dns_pid; wait $dns_pid || true
  old=$(nat_rules "$ns" | grep DNAT)
  serve "$ns" "$f" --upstream 127.0.0.1:9
  assert_contains "$(cat "$dns_log")" "removed the nat rules of a resolver no longer running"
  assert_eq 2 "$(nat_rules "$ns" | grep -c DNAT)"
  assert_not_contains "$(nat_rules "$ns")" "$(head -1 <<<"$old")"
  kill $dns_pid; wait $dns_pid
}

test_json_logs_are_one_object_per_line() {
  ns=$(new_ns c); f=$(services_file)
  serve "$ns" "$f" --upstream 127.0.0.1:9 --json --verbose
  q "$ns" +short my-web >/dev/null
  kill $dns_pid; wait $dns_pid
  python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
objects = [json.loads(l) for l in lines]
assert all(set(o) >= {"time", "level", "label", "message"} for o in objects), objects
assert any(o["message"].startswith("listening on 127.0.0.11") for o in objects), objects
assert any(o["message"].startswith("query my-web A from") for o in objects), objects
' "$dns_log" || { cat "$dns_log"; fail "not JSON lines"; }
  local line; while IFS= read -r line; do schema_check log <<<"$line"; done < "$dns_log"
}

test_each_contradicting_services_file_is_refused_with_its_line() {
  ns=$(new_ns c)
  check() { # SED-EXPRESSION EXPECTED-ERROR (after the file name)
    local f; f=$(services_file "$(sed "$1" <<<"$SERVICES_YAML")")
    expect_exit 2 "$SWARMLB" -n "$ns" dns serve --config "$f" --upstream 127.0.0.1:9
    one_line "$ERR"
    assert_eq "swarmlb: $f:$2" "$ERR"
  }
  check 's/    endpoint_mode: dnsrr/    endpoint_mode: dnsrr\n    vip: 10.0.0.20/' '13: field services[1].vip: a dnsrr service has no VIP (remove vip, or use endpoint_mode: vip)'
  check 's/db.2.b/my-web.1.5yzoighbalqvio4djic464a9j/' '13: field services[1].tasks[1].name: name "my-web.1.5yzoighbalqvio4djic464a9j" is already used by services[0].tasks[0].name'
  check 's/  - name: db/  - name: api\n    vip: 10.0.0.2\n  - name: db/' '12: field services[1].vip: VIP 10.0.0.2 is already used by services[0]'
  check 's/ip: 10.0.0.8/ip: 10.0.1.8/' '13: field services[1].tasks[1].ip: 10.0.1.8 is outside the network'"'"'s subnet 10.0.0.0/24'
  check 's/    aliases: \[web\]/    aliases:\n      - web\n      - DB/' '13: field services[1].name: name "db" is already used by services[0].aliases[1]'
  check 's/  - name: db/  - name: api\n    vip: 10.0.0.20\n    aliases:\n      - x\n      - WEB\n  - name: db/' '15: field services[1].aliases[1]: name "WEB" is already used by services[0].aliases[0]'
  assert_eq "" "$(nat_rules "$ns" | grep DOCKER || true)"
}

test_usage_errors_are_one_line_and_exit_2() {
  ns=$(new_ns c); f=$(services_file)
  for args in "--port 0" "--max-inflight 0" "--max-tcp 0" "--tcp-idle 0" \
              "--upstream 127.0.0.1 --upstream 127.0.0.2 --upstream 127.0.0.3 --upstream 127.0.0.4"; do
    # shellcheck disable=SC2086
    expect_exit 2 timeout 10 "$SWARMLB" -n "$ns" dns serve --config "$f" $args
    one_line "$ERR"
  done
  assert_contains "$ERR" "--upstream given 4 times: 3 at most"
}

test_an_oversized_forwarded_answer_is_cut_to_the_clients_size_with_tc() {
  ns=$(new_ns c); f=$(services_file)
  fake_upstream "" big
  serve "$ns" "$f" --upstream host:127.0.0.1:$fake_port
  out=$(q "$ns" +noedns +ignore elsewhere.example)
  assert_contains "$out" "flags: qr tc rd ra"
  size=$(sed -n 's/^;; MSG SIZE  rcvd: //p' <<<"$out")
  [ "$size" -le 512 ] && [ "$size" -gt 400 ] || fail "$size bytes without EDNS"
  out=$(q "$ns" +bufsize=1232 +ignore elsewhere.example)
  assert_contains "$out" "flags: qr tc rd ra"
  assert_contains "$out" "OPT PSEUDOSECTION"
  size=$(sed -n 's/^;; MSG SIZE  rcvd: //p' <<<"$out")
  [ "$size" -le 1232 ] && [ "$size" -gt 1100 ] || fail "$size bytes with EDNS 1232"
  # dig retries over TCP and gets all 200 (3,235 bytes).
  assert_eq 200 "$(q "$ns" +noedns +short elsewhere.example | wc -l)"
  kill $dns_pid $fake_pid; wait $dns_pid; wait $fake_pid || true
}

test_query_names_in_verbose_logs_are_escaped() {
  ns=$(new_ns c); f=$(services_file)
  serve "$ns" "$f" --upstream 127.0.0.1:9 --verbose
  # A name holding LF, CR and ESC, sent raw (dig would escape it itself).
  ip netns exec "$ns" python3 -c '
import socket, struct
label = b"x\nforged line\r\x1b[31m"
q = struct.pack(">HHHHHH", 7, 0x0100, 1, 0, 0, 0) + bytes([len(label)]) + label + b"\x07example\x00\x00\x01\x00\x01"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(5); s.sendto(q, ("127.0.0.11", 53)); s.recv(512)'
  kill $dns_pid; wait $dns_pid
  assert_contains "$(cat "$dns_log")" 'query x\010forged\032line\013\027[31m.example A from 127.0.0.1:'
  assert_eq 0 "$(grep -c '^forged' "$dns_log")" "a line forged by the name"
  assert_eq 0 "$(grep -c $'[\r\x1b]' "$dns_log")" "CR or ESC in the log"
}

test_a_reload_that_fails_for_any_reason_keeps_the_names_and_logs_one_line() {
  ns=$(new_ns c); f=$(services_file)
  serve "$ns" "$f" --upstream 127.0.0.1:9
  for bad in directory missing binary; do
    rm -rf "$f"
    case $bad in
      directory) mkdir "$f" ;;
      binary) printf 'network: n\nservices: [\x00\x01\x1b\xff]\n' > "$f" ;;
    esac
    kill -HUP $dns_pid; sleep 1.2
    kill -0 $dns_pid || fail "the resolver died reloading a $bad file"
    assert_eq "10.0.0.2" "$(q "$ns" +short my-web)" "names kept after reloading a $bad file"
  done
  kill $dns_pid; wait $dns_pid
  assert_eq 3 "$(grep -c 'reload failed, still serving the previous names' "$dns_log")"
  rm -rf "$f"
}

# resolver_fds: descriptors the resolver under test ($dns_pid) holds.
resolver_fds() { ls "/proc/$dns_pid/fd" | wc -l; }

test_a_tcp_flood_is_held_to_the_cap_and_forwarding_goes_on() {
  ns=$(new_ns c); f=$(services_file)
  fake_upstream "" plain
  ulimit -Sn 1024  # the usual soft limit, which the resolver raises to the hard one
  serve "$ns" "$f" --upstream host:127.0.0.1:$fake_port  # the default cap: 100
  assert_eq "$(ulimit -Hn)" "$(awk '/^Max open files/ { print $4 }' /proc/$dns_pid/limits)" "the resolver's soft descriptor limit"
  before=$(resolver_fds)
  # 1,100 connections from inside the namespace, held open, each sending half a query.
  ip netns exec "$ns" python3 - > /tmp/$PREFIX.flood 2>&1 <<'PY' & flood=$!
import resource, socket, time
hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]; resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
held = []
for i in range(1100):
    s = socket.socket(); s.setblocking(False); s.connect_ex(("127.0.0.11", 53)); held.append(s)
time.sleep(2)
for s in held:
    try: s.send(b"\x00\x20\x00")
    except OSError: pass
print("flooding", flush=True)
time.sleep(30)
PY
  for i in $(seq 1 100); do grep -q flooding /tmp/$PREFIX.flood && break; sleep 0.1; done
  grep -q flooding /tmp/$PREFIX.flood || { cat /tmp/$PREFIX.flood; fail "the flood did not start"; }
  during=$(resolver_fds)
  [ $((during - before)) -le 100 ] || fail "the resolver holds $((during - before)) more descriptors during the flood (cap 100)"
  # Forwarded UDP queries are answered all along, and local ones.
  for i in $(seq 1 20); do
    assert_eq "192.0.2.7" "$(q "$ns" +short name$i.example)" "forwarded query $i during the flood"
  done
  assert_eq "10.0.0.2" "$(q "$ns" +short my-web)"
  echo "tcp flood: $((during - before)) descriptors held for 1,100 connections (cap 100), 20/20 forwarded answered" >&2
  kill $flood; wait $flood || true
  # Once the flood ends, TCP serves again.
  for i in $(seq 1 50); do [ "$(q "$ns" +tcp +short +time=1 my-web 2>/dev/null)" = "10.0.0.2" ] && break; sleep 0.2; done
  assert_eq "10.0.0.2" "$(q "$ns" +tcp +short my-web)" "TCP after the flood"
  kill $dns_pid $fake_pid; wait $dns_pid; wait $fake_pid || true
}

test_slow_drip_connections_are_closed_at_the_idle_limit() {
  ns=$(new_ns c); f=$(services_file)
  serve "$ns" "$f" --upstream 127.0.0.1:9
  # 50 connections, each sending a byte every 3 s of a query never complete: closed at the 10 s
  # idle limit (counted from the last complete query, here none), not kept open by the bytes.
  out=$(ip netns exec "$ns" python3 - <<'PY'
import select, socket, time
start = time.time(); conns = [socket.create_connection(("127.0.0.11", 53)) for _ in range(50)]
for c in conns: c.send(b"\x00\x40")
closed = {}
while len(closed) < 50 and time.time() - start < 20:
    for c in conns:
        if c not in closed and int(time.time() - start) % 3 == 0:
            try: c.send(b"\x00")
            except OSError: closed[c] = time.time() - start
    r, _, _ = select.select([c for c in conns if c not in closed], [], [], 0.5)
    for c in r:
        try: gone = c.recv(1) == b""
        except OSError: gone = True
        if gone: closed[c] = time.time() - start
print(len(closed), round(min(closed.values() or [0]), 1), round(max(closed.values() or [0]), 1))
PY
)
  read -r n first last <<<"$out"
  assert_eq 50 "$n" "connections closed within 20 s"
  python3 -c "import sys; f, l = float(sys.argv[1]), float(sys.argv[2]); sys.exit(0 if 9.5 <= f and l <= 11.5 else 1)" "$first" "$last" \
    || fail "closed between $first and $last s, not at the 10 s idle limit"
  echo "slow drip: 50 connections closed between $first and $last s (idle limit 10 s)" >&2
  kill $dns_pid; wait $dns_pid
}

test_a_tcp_connection_is_closed_after_128_queries() {
  ns=$(new_ns c); f=$(services_file)
  serve "$ns" "$f" --upstream 127.0.0.1:9
  out=$(ip netns exec "$ns" python3 - <<'PY'
import socket, struct
q = struct.pack(">HHHHHH", 1, 0x0100, 1, 0, 0, 0) + b"\x06my-web\x00\x00\x01\x00\x01"
s = socket.create_connection(("127.0.0.11", 53)); s.settimeout(5)
s.sendall((struct.pack(">H", len(q)) + q) * 130)
data = b""
while True:
    c = s.recv(65536)
    if not c: break
    data += c
n = 0
while data:
    l, = struct.unpack(">H", data[:2]); data = data[2 + l:]; n += 1
print(n)
PY
)
  assert_eq 128 "$out" "answers before the server closed the connection"
  kill $dns_pid; wait $dns_pid
}
