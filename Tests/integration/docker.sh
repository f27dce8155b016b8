# Tests against a real Docker swarm node (20.10, 26 or 28) (Tests/docker/node.sh builds it inside the VM and saved Docker's view
# in $DOCKER_NODE), on the iptables backend Docker itself uses (BACKEND). Every difference from Docker's own tools
# or resolver fails, except the deliberate ones listed in the README (section "Where swarmlb answers otherwise
# than Docker"), each asserted here as that difference.

require_backend
[ -n "${DOCKER_NODE:-}" ] && [ -s "$DOCKER_NODE/network-my-network.json" ] || {
  echo "docker.sh runs on the node Tests/docker/node.sh builds (make docker-test): DOCKER_NODE is not set" >&2
  echo "0 passed, 1 failed, 0 skipped"; exit 1; }

# The classic tools' output in every namespace Docker made and the host, as node.sh captured it on the idle node
# (ns/NAME/{ipvsadm-Ln,ip-o-addr,iptables-S-TABLE}; NAME "host" for the host's), and swarmlb's beside it (WHAT.swarmlb),
# read once, by the first test that compares them, stderr included so that a failing call shows as a difference.
# Each call costs about a second under emulation: this reads every namespace 6 times instead of 12.
swarmlb_views() {
  [ -e "$DOCKER_NODE/ns/swarmlb-read" ] && return 0
  local d ns t
  for d in "$DOCKER_NODE"/ns/*/; do
    d=${d%/} ns=(-n "/run/docker/netns/$(basename "$d")"); [ "$(basename "$d")" != host ] || ns=()
    "$SWARMLB" "${ns[@]}" inspect ipvs > "$d/ipvsadm-Ln.swarmlb" 2>&1
    "$SWARMLB" "${ns[@]}" inspect addr > "$d/ip-o-addr.swarmlb" 2>&1
    for t in filter nat mangle raw; do "$SWARMLB" "${ns[@]}" inspect iptables -t $t > "$d/iptables-S-$t.swarmlb" 2>&1; done
  done
  touch "$DOCKER_NODE/ns/swarmlb-read"
}
# same_views WHAT...: swarmlb's WHAT is the classic tool's in every namespace (every difference printed, then fails).
same_views() {
  local d what n=0 differ=0
  swarmlb_views
  assert_eq "$(docker_namespaces) host" "$(ls "$DOCKER_NODE/ns" | grep -vx host | grep -vx swarmlb-read) host" \
    "the namespaces captured"
  for what in "$@"; do
    for d in "$DOCKER_NODE"/ns/*/; do
      n=$((n + 1))
      diff -u --label "$(basename "$d"): $what" --label "swarmlb" "$d/$what" "$d/$what.swarmlb" >&2 || differ=$((differ + 1))
    done
  done
  [ $differ = 0 ] || fail "$* differ in $differ of $n comparisons"
}

test_inspect_all_finds_no_problem_on_a_healthy_node() {
  out=$("$SWARMLB" inspect --all) || { rc=$?; printf '%s\n' "$out" >&2; fail "inspect --all exited $rc"; }
  for ns in $(docker_namespaces); do assert_contains "$out" "== /run/docker/netns/$ns"; done
  assert_eq "$(grep -c '^== ' <<<"$out")" "$(grep -c '^no problems found$' <<<"$out")" "namespaces without a problem"
  "$SWARMLB" inspect --all --json | schema_check reports
}

test_inspect_ipvs_is_ipvsadm_in_every_namespace() {
  same_views ipvsadm-Ln
  # The load balancer of my-network holds what the test made: my-web's 3 tasks and my-pub's 2 behind marks.
  lb=$(cd /run/docker/netns && ls -d lb_*)
  assert_eq 5 "$(grep -c -- '-> 10\.0\.0\.' "$DOCKER_NODE/ns/$lb/ipvsadm-Ln")" "reals in $lb"
}

test_inspect_iptables_is_iptables_S_in_every_namespace_and_table() {
  same_views iptables-S-filter iptables-S-nat iptables-S-mangle iptables-S-raw
}

test_inspect_addr_is_ip_o_addr_in_every_namespace() {
  same_views ip-o-addr
}

# Docker's own view of my-network, given to apply as it is: its load-balancer namespace already holds all of it.
test_apply_check_of_network_inspect_finds_the_load_balancer_as_it_should_be() {
  lb=$(ls -d /run/docker/netns/lb_*)
  before=$(state_of "$lb")
  out=$("$SWARMLB" -n "$lb" apply --config "$DOCKER_NODE/network-my-network.json" --dev eth0 --chain INPUT --check) ||
    { rc=$?; printf '%s\n' "$out" >&2; fail "apply --check of Docker's network inspect -v exited $rc in $lb"; }
  assert_eq "$before" "$(state_of "$lb")" "$lb after apply --check"
  # Both networks in one file: apply takes one, and says so.
  expect_exit 2 "$SWARMLB" -n "$lb" apply --config "$DOCKER_NODE/networks.json" --dev eth0 --chain INPUT --check
  assert_contains "$ERR" "holds 2 networks (my-network, ingress)"
}
state_of() { nsenter --net="$1" sh -c 'ipvsadm -Ln; iptables -S -t mangle; iptables -S -t nat; ip -o addr'; }

# answer_of DIG_OUTPUT: what two resolvers must agree on: the status, the header flags and the answer section,
# records in sorted order (Docker shuffles them), blanks squeezed.
answer_of() {
  awk '/->>HEADER<<-/ { for (i = 1; i <= NF; i++) if ($i == "status:") { s = $(i + 1); sub(/,$/, "", s); print "status " s } }
       /^;; flags:/ { f = $0; sub(/^;; flags: /, "", f); sub(/;.*/, "", f); print "flags " f }
       /^;; ANSWER SECTION:/ { a = 1; next } a && /^$/ { a = 0 } a { $1 = $1; print "answer " $0 }' <<<"$1" | sort
}

# The queries, one per line (dig arguments), asked of Docker's resolver from a task of my-web and of swarmlb's
# serving the node's `docker network inspect -v my-network`: services, alias, tasks., task and container names,
# with and without the network suffix, upper case, AAAA and MX of known names, PTR of tasks, containers and a VIP,
# and names neither knows (forwarded to the same upstream).
dns_queries() {
  local web rr client vip
  web=$(awk '$1 ~ /^my-web\./ { print $1, $4; exit }' "$DOCKER_NODE/containers.txt")
  rr=$(awk '$1 ~ /^my-rr\./ { print $1, $4; exit }' "$DOCKER_NODE/containers.txt")
  client=$(awk '$1 == "client" { print $2, $4 }' "$DOCKER_NODE/containers.txt")
  vip=$("$(json_python)" -c 'import json, sys; print(json.load(open(sys.argv[1]))[0]["Services"]["my-web"]["VIP"])' \
    "$DOCKER_NODE/network-my-network.json")
  cat <<Q
my-web
MY-WEB
my-web.my-network
My-Web.My-Network.
web
web.my-network
tasks.my-web
tasks.my-web.my-network
TASKS.MY-WEB
my-rr
tasks.my-rr
my-rr.my-network
my-pub
tasks.my-pub
${web% *}
${web% *}.my-network
${rr% *}
client
client.my-network
CLIENT
${client% *}
AAAA my-web
AAAA tasks.my-web
AAAA my-rr
AAAA client
MX my-web
MX client
-x ${web#* }
-x ${rr#* }
-x ${client#* }
-x $vip
elsewhere.test
nosuchname
Q
}

# The answers where swarmlb is not Docker (README: "Where swarmlb answers otherwise than Docker"): query ->
# swarmlb's answer, as answer_of prints it, lines joined by |. The PTR of a VIP is answered (Docker forwards it,
# moby#46701); a network alias and a container's short ID are not in `docker network inspect -v`, so swarmlb
# forwards them (the test's upstream knows neither: SERVFAIL).
declare -A deliberate=()
deliberate_answers() {
  local vip=$1 short=$2 ptr
  ptr=$(awk -F. '{ print $4 "." $3 "." $2 "." $1 ".in-addr.arpa." }' <<<"$vip")
  deliberate["-x $vip"]="answer $ptr 600 IN PTR my-web.my-network.|flags qr rd ra|status NOERROR"
  # Docker matches the network suffix case-sensitively and forwards My-Web.My-Network.; DNS names are not (RFC 4343).
  deliberate[My-Web.My-Network.]="answer My-Web.My-Network. 600 IN A $vip|flags qr rd ra|status NOERROR"
  # swarmlb's own SERVFAIL is Docker 26+'s: qr rd, no RA.
  for q in web web.my-network "$short"; do deliberate[$q]="flags qr rd|status SERVFAIL"; done
}

test_resolver_answers_as_docker_from_network_inspect() {
  ns=$(new_ns dns)
  task_ns=$(awk '$1 ~ /^my-web\./ { print $3; exit }' "$DOCKER_NODE/containers.txt")
  mkdir -p "$DOCKER_NODE/dns"
  dns_log=$DOCKER_NODE/dns/swarmlb-dns.log
  "$SWARMLB" -n "$ns" dns serve --config "$DOCKER_NODE/network-my-network.json" --upstream host:192.168.99.1:53 >"$dns_log" 2>&1 &
  for _ in $(seq 1 100); do grep -q listening "$dns_log" && break; sleep 0.1; done
  grep -q listening "$dns_log" || { cat "$dns_log" >&2; fail "swarmlb dns serve did not start"; }
  deliberate_answers "$("$(json_python)" -c 'import json, sys; print(json.load(open(sys.argv[1]))[0]["Services"]["my-web"]["VIP"])' \
    "$DOCKER_NODE/network-my-network.json")" "$(awk '$1 == "client" { print $2 }' "$DOCKER_NODE/containers.txt")"
  differ=0 i=0
  while read -r -a query; do
    i=$((i + 1))
    # Both resolvers asked at once (each dig costs about a second under emulation).
    nsenter --net="$task_ns" dig +tries=1 +time=8 @127.0.0.11 "${query[@]}" < /dev/null > "$DOCKER_NODE/dns/$i.docker" & asked=$!
    ip netns exec "$ns" dig +tries=1 +time=8 @127.0.0.11 "${query[@]}" > "$DOCKER_NODE/dns/$i.swarmlb"
    wait $asked
    docker_out=$(cat "$DOCKER_NODE/dns/$i.docker") ours_out=$(cat "$DOCKER_NODE/dns/$i.swarmlb")
    docker_answer=$(answer_of "$docker_out") ours=$(answer_of "$ours_out")
    [ -n "$docker_answer" ] || { printf '%s\n' "$docker_out" >&2; echo "Docker's resolver did not answer ${query[*]}" >&2; differ=$((differ + 1)); }
    key="${query[*]}"
    if [ -n "${deliberate[$key]:-}" ]; then
      [ "$docker_answer" != "$ours" ] || { echo "no longer differs from Docker: $key" >&2; differ=$((differ + 1)); continue; }
      [ "$(tr '|' '\n' <<<"${deliberate[$key]}")" = "$ours" ] || { echo "--- $key: swarmlb, expected the README's" >&2
        diff <(tr '|' '\n' <<<"${deliberate[$key]}") <(printf '%s\n' "$ours") >&2 || true; differ=$((differ + 1)); }
    elif [ "$docker_answer" != "$ours" ]; then
      echo "--- $key: Docker (<) and swarmlb (>) differ" >&2
      diff <(printf '%s\n' "$docker_answer") <(printf '%s\n' "$ours") >&2 || true; differ=$((differ + 1))
    fi
  done < <(dns_queries)
  [ $i -ge 30 ] || fail "only $i queries"
  [ $differ = 0 ] || fail "$differ of $i answers differ from Docker's"
}
