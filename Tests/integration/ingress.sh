# The routing mesh's host side (ingress publish/unpublish) and task side (ingress redirect/unredirect) on
# this kernel: no IPVS needed. Run once per backend (BACKEND=legacy|nft); the sandbox side and the traffic
# are in ingress-mesh.sh, in the VM.

require_backend

# node NAME: a namespace standing for a node, with the docker_gwbridge bridge.
node() { local ns; ns=$(new_ns "$1"); ip -n "$ns" link add docker_gwbridge type bridge; echo "$ns"; }

# docker_publish NS PROTO PORT [SANDBOX]: the commands libnetwork's programIngress runs for a published port, in
# its order (the chains and jumps only when missing, as it checks), with $IPT.
docker_publish() {
  local X="nsx $1 $IPT -w" p=$2 port=$3 to=${4:-172.18.0.2}
  if ! $X -t nat -S DOCKER-INGRESS >/dev/null 2>&1; then
    $X -t nat -N DOCKER-INGRESS; $X -t nat -A DOCKER-INGRESS -j RETURN
    $X -N DOCKER-INGRESS; $X -A DOCKER-INGRESS -j RETURN
    $X -t nat -I OUTPUT -m addrtype --dst-type LOCAL -j DOCKER-INGRESS
    $X -t nat -I PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS
    $X -I FORWARD -j DOCKER-INGRESS
    $X -t nat -I POSTROUTING -m addrtype --src-type LOCAL -o docker_gwbridge -j MASQUERADE
  fi
  $X -t nat -I DOCKER-INGRESS -p "$p" --dport "$port" -j DNAT --to-destination "$to:$port"
  $X -I DOCKER-INGRESS -m state -p "$p" --sport "$port" --state ESTABLISHED,RELATED -j ACCEPT
  $X -I DOCKER-INGRESS -p "$p" --dport "$port" -j ACCEPT
}

# docker_redirect NS PROTO PUBLISHED TARGET IP: what Docker's redirector runs in a task for one published port.
docker_redirect() {
  local X="nsx $1 $IPT -w" p=$2 pub=$3 target=$4 ip=$5 q
  $X -t nat -A PREROUTING -d "$ip" -p "$p" --dport "$pub" -j REDIRECT --to-port "$target"
  $X -A INPUT -d "$ip" -p "$p" --dport "$target" -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT
  $X -A OUTPUT -s "$ip" -p "$p" --sport "$target" -m conntrack --ctstate ESTABLISHED -j ACCEPT
  for q in sctp udp tcp; do
    $X -C INPUT -d "$ip" -p $q -j DROP 2>/dev/null || $X -A INPUT -d "$ip" -p $q -j DROP
    $X -C OUTPUT -s "$ip" -p $q -j DROP 2>/dev/null || $X -A OUTPUT -s "$ip" -p $q -j DROP
  done
}

test_ingress_publish_writes_what_docker_writes() {
  ns=$(node n); docker=$(node d)
  expect_exit 0 "$SWARMLB" -n "$ns" ingress publish tcp/8080 --to 172.18.0.2
  assert_eq "$IPT -t nat -N DOCKER-INGRESS
$IPT -t nat -A DOCKER-INGRESS -j RETURN
$IPT -t nat -I OUTPUT 1 -m addrtype --dst-type LOCAL -j DOCKER-INGRESS
$IPT -t nat -I PREROUTING 1 -m addrtype --dst-type LOCAL -j DOCKER-INGRESS
$IPT -t nat -I POSTROUTING 1 -o docker_gwbridge -m addrtype --src-type LOCAL -j MASQUERADE
$IPT -t nat -I DOCKER-INGRESS 1 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080
$IPT -t filter -N DOCKER-INGRESS
$IPT -t filter -A DOCKER-INGRESS -j RETURN
$IPT -t filter -I FORWARD 1 -j DOCKER-INGRESS
$IPT -t filter -I DOCKER-INGRESS 1 -p tcp -m state --state RELATED,ESTABLISHED -m tcp --sport 8080 -j ACCEPT
$IPT -t filter -I DOCKER-INGRESS 1 -p tcp -m tcp --dport 8080 -j ACCEPT
sysctl -w net.ipv4.conf.docker_gwbridge.route_localnet=1
sysctl -w net.ipv4.ip_forward=1" "$OUT" "what publish printed"
  assert_eq "-P PREROUTING ACCEPT
-P INPUT ACCEPT
-P OUTPUT ACCEPT
-P POSTROUTING ACCEPT
-N DOCKER-INGRESS
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS
-A OUTPUT -m addrtype --dst-type LOCAL -j DOCKER-INGRESS
-A POSTROUTING -o docker_gwbridge -m addrtype --src-type LOCAL -j MASQUERADE
-A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080
-A DOCKER-INGRESS -j RETURN" "$(nsx "$ns" "$IPT" -t nat -S)" "$IPT -t nat -S"
  assert_eq "-P INPUT ACCEPT
-P FORWARD ACCEPT
-P OUTPUT ACCEPT
-N DOCKER-INGRESS
-A FORWARD -j DOCKER-INGRESS
-A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j ACCEPT
-A DOCKER-INGRESS -p tcp -m state --state RELATED,ESTABLISHED -m tcp --sport 8080 -j ACCEPT
-A DOCKER-INGRESS -j RETURN" "$(nsx "$ns" "$IPT" -S)" "$IPT -S"
  assert_eq "1 1" "$(nsx "$ns" cat /proc/sys/net/ipv4/conf/docker_gwbridge/route_localnet /proc/sys/net/ipv4/ip_forward | xargs)" "sysctls"
  # udp and sctp beside it; the same three ports published by Docker's own commands read the same, byte for byte.
  expect_exit 0 "$SWARMLB" -n "$ns" ingress publish udp/5353 --to 172.18.0.2
  expect_exit 0 "$SWARMLB" -n "$ns" ingress publish sctp/9000 --to 172.18.0.2
  for p in "tcp 8080" "udp 5353" "sctp 9000"; do docker_publish "$docker" $p; done
  assert_eq "$(firewall "$docker" | in_any_order)" "$(firewall "$ns" | in_any_order)" "the tables Docker's $IPT commands make"
  accepts_every_rule "$ns" nat
  accepts_every_rule "$ns" filter
  assert_contains "$(nsx "$ns" "$IPT" -S)" "-A DOCKER-INGRESS -p sctp -m sctp --dport 9000 -j ACCEPT"
  assert_contains "$(nsx "$ns" "$IPT" -t nat -S)" "-A DOCKER-INGRESS -p udp -m udp --dport 5353 -j DNAT --to-destination 172.18.0.2:5353"
}

test_ingress_publish_twice_and_unpublish_restore() {
  ns=$(node n)
  nsx "$ns" "$IPT" -t nat -A POSTROUTING -s 192.168.1.0/24 -j MASQUERADE  # someone else's rule, kept throughout
  before=$(state "$ns")
  "$SWARMLB" -n "$ns" ingress publish tcp/8080 --to 172.18.0.2 >/dev/null
  "$SWARMLB" -n "$ns" ingress publish udp/53 --to 172.18.0.2 >/dev/null
  both=$(state "$ns")
  expect_exit 0 "$SWARMLB" -n "$ns" ingress publish tcp/8080 --to 172.18.0.2
  assert_eq "$both" "$(state "$ns")" "state after publishing again"
  assert_eq 0 "$(grep -vc '^# already present: ' <<<"$OUT")" "lines of a repeated publish that change something"
  expect_exit 0 "$SWARMLB" -n "$ns" ingress unpublish tcp/8080 --to 172.18.0.2
  assert_eq "$IPT -t nat -D DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080
$IPT -t filter -D DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j ACCEPT
$IPT -t filter -D DOCKER-INGRESS -p tcp -m state --state RELATED,ESTABLISHED -m tcp --sport 8080 -j ACCEPT" "$OUT" "unpublish of one of two ports"
  assert_eq "-N DOCKER-INGRESS
-A FORWARD -j DOCKER-INGRESS
-A DOCKER-INGRESS -p udp -m udp --dport 53 -j ACCEPT
-A DOCKER-INGRESS -p udp -m state --state RELATED,ESTABLISHED -m udp --sport 53 -j ACCEPT
-A DOCKER-INGRESS -j RETURN" "$(nsx "$ns" "$IPT" -S | grep -v '^-P')" "the other port stays"
  expect_exit 0 "$SWARMLB" -n "$ns" ingress unpublish udp/53 --to 172.18.0.2
  assert_contains "$OUT" "$IPT -t nat -F DOCKER-INGRESS && $IPT -t nat -X DOCKER-INGRESS"
  assert_eq "$before" "$(state "$ns")" "state after unpublishing the last port"
  expect_exit 1 "$SWARMLB" -n "$ns" ingress unpublish udp/53 --to 172.18.0.2
  one_line "$ERR"; assert_contains "$ERR" "nothing to delete"
  expect_exit 0 "$SWARMLB" -n "$ns" ingress unpublish udp/53 --to 172.18.0.2 --if-exists
  assert_eq "$before" "$(state "$ns")" "state after unpublish --if-exists"
}

test_ingress_publish_jumps_from_docker_forward_when_it_exists() {
  ns=$(node n)
  nsx "$ns" "$IPT" -N DOCKER-FORWARD; nsx "$ns" "$IPT" -A FORWARD -j DOCKER-FORWARD
  expect_exit 0 "$SWARMLB" -n "$ns" ingress publish tcp/8080 --to 172.18.0.2
  assert_contains "$(nsx "$ns" "$IPT" -S)" "-A DOCKER-FORWARD -j DOCKER-INGRESS"
  assert_eq 1 "$(nsx "$ns" "$IPT" -S FORWARD | grep -c -- '-A FORWARD')" "FORWARD rules (only the DOCKER-FORWARD jump)"
  expect_exit 0 "$SWARMLB" -n "$ns" ingress unpublish tcp/8080 --to 172.18.0.2
  assert_eq "-N DOCKER-FORWARD
-A FORWARD -j DOCKER-FORWARD" "$(nsx "$ns" "$IPT" -S | grep -v '^-P')" "after unpublish"
}

test_ingress_redirect_writes_what_docker_writes() {
  ns=$(new_ns t); docker=$(new_ns d)
  before=$(state "$ns")
  expect_exit 0 "$SWARMLB" -n "$ns" ingress redirect tcp/8080:80 --ip 10.255.0.4
  assert_eq "-P PREROUTING ACCEPT
-P INPUT ACCEPT
-P OUTPUT ACCEPT
-P POSTROUTING ACCEPT
-A PREROUTING -d 10.255.0.4/32 -p tcp -m tcp --dport 8080 -j REDIRECT --to-ports 80" "$(nsx "$ns" "$IPT" -t nat -S)" "$IPT -t nat -S"
  assert_eq "-P INPUT ACCEPT
-P FORWARD ACCEPT
-P OUTPUT ACCEPT
-A INPUT -d 10.255.0.4/32 -p tcp -m tcp --dport 80 -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT
-A INPUT -d 10.255.0.4/32 -p sctp -j DROP
-A INPUT -d 10.255.0.4/32 -p udp -j DROP
-A INPUT -d 10.255.0.4/32 -p tcp -j DROP
-A OUTPUT -s 10.255.0.4/32 -p tcp -m tcp --sport 80 -m conntrack --ctstate ESTABLISHED -j ACCEPT
-A OUTPUT -s 10.255.0.4/32 -p sctp -j DROP
-A OUTPUT -s 10.255.0.4/32 -p udp -j DROP
-A OUTPUT -s 10.255.0.4/32 -p tcp -j DROP" "$(nsx "$ns" "$IPT" -S)" "$IPT -S"
  docker_redirect "$docker" tcp 8080 80 10.255.0.4
  assert_eq "$(firewall "$docker")" "$(firewall "$ns")" "the tables Docker's redirector makes"
  # A second port (published equal to target, as Docker writes it too) goes before the DROP rules.
  expect_exit 0 "$SWARMLB" -n "$ns" ingress redirect udp/53:53 --ip 10.255.0.4
  docker_redirect "$docker" udp 53 53 10.255.0.4
  assert_contains "$(nsx "$ns" "$IPT" -S INPUT | sed -n 3p)" "-A INPUT -d 10.255.0.4/32 -p udp -m udp --dport 53 -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT"
  assert_contains "$(nsx "$ns" "$IPT" -t nat -S)" "-A PREROUTING -d 10.255.0.4/32 -p udp -m udp --dport 53 -j REDIRECT --to-ports 53"
  accepts_every_rule "$ns" nat
  accepts_every_rule "$ns" filter
  # the first port's removal keeps the DROPs for the second; the last takes them.
  expect_exit 0 "$SWARMLB" -n "$ns" ingress unredirect tcp/8080:80 --ip 10.255.0.4
  assert_eq 6 "$(nsx "$ns" "$IPT" -S | grep -c -- '-j DROP')" "DROP rules while udp/53 stays"
  expect_exit 0 "$SWARMLB" -n "$ns" ingress unredirect udp/53:53 --ip 10.255.0.4
  assert_eq "$before" "$(state "$ns")" "state after the last unredirect"
  # nf_tables: the tables the first redirect made go with the last rule (a legacy table stays: see the README)
  [ "$BACKEND" = legacy ] || assert_eq "" "$(tables "$ns")" "tables after the last unredirect"
}

# strace holds each exchange with the kernel (nf_tables' sendto, libiptc's getsockopt) a tenth of a
# second, so that SIGINT lands in the middle of the change (after the first table appears).
test_ingress_redirect_rolled_back_by_sigint_leaves_no_table_it_created() {
  ns=$(new_ns t)
  before=$(state "$ns")
  case $BACKEND in nft) call=sendto ;; legacy) call=getsockopt ;; esac
  # A script's background job ignores SIGINT; reset it, as for a command in a terminal's foreground.
  env --default-signal=INT strace -o /dev/null -e trace=$call -e inject=$call:delay_exit=100000 \
    "$SWARMLB" -n "$ns" ingress redirect tcp/8080:80 --ip 10.255.0.4 >/tmp/$PREFIX.out 2>/tmp/$PREFIX.err & tracer=$!
  for i in $(seq 1 200); do tables "$ns" | grep -q ' nat$' && break; sleep 0.02; done
  tables "$ns" | grep -q ' nat$' || fail "the nat table never appeared: $(cat /tmp/$PREFIX.err)"
  kill -INT "$(ps -o pid= --ppid $tracer)"
  rc=0; wait $tracer || rc=$?
  assert_eq 130 "$rc" "exit status"
  assert_eq "swarmlb: interrupted by SIGINT; earlier steps rolled back, namespace unchanged" "$(cat /tmp/$PREFIX.err)"
  assert_eq "$before" "$(state "$ns")" "state after the rollback"
  if [ "$BACKEND" = nft ]; then
    assert_eq "" "$(tables "$ns")" "nf_tables tables after the rollback"
  else
    # x_tables makes a namespace's table when first used and drops it only with the namespace: it stays, empty.
    # (nat, and filter if the change got that far; `state` above shows them empty)
    assert_eq "" "$(tables "$ns" | grep -vx -e 'legacy nat' -e 'legacy filter')" "other tables after the rollback"
  fi
}

test_ingress_bad_input_is_one_line_and_changes_nothing() {
  ns=$(node n)
  "$SWARMLB" -n "$ns" ingress publish tcp/8080 --to 172.18.0.2 >/dev/null
  before=$(state "$ns")
  for args in "publish icmp/8080 --to 172.18.0.2" "publish tcp/0 --to 172.18.0.2" "publish tcp/8080 --to 172.18.0" \
              "publish tcp/8080" "publish tcp/80 --to 172.18.0.2 --gwbridge a/b" "redirect tcp/8080 --ip 10.255.0.4" \
              "redirect tcp/8080:0 --ip 10.255.0.4" "redirect tcp/8080:80 --ip 10.255.0.400" \
              "balance tcp/8080 --fwm 0 --vip 10.255.0.5 --dev eth0 --snat 10.255.0.0/16 --to-source 10.255.0.2"; do
    # shellcheck disable=SC2086
    expect_exit 2 "$SWARMLB" -n "$ns" ingress $args
    one_line "$ERR"
  done
  # a bridge that is not there: found before anything changes (exit 1), named
  expect_exit 1 "$SWARMLB" -n "$ns" ingress publish tcp/9090 --to 172.18.0.2 --gwbridge br-nothere
  one_line "$ERR"; assert_contains "$ERR" "br-nothere"
  expect_exit 1 "$SWARMLB" -n "$ns" --json ingress unpublish tcp/9090 --to 172.18.0.2
  assert_eq "" "$OUT" "stdout of a failure under --json"
  schema_check error <<<"$ERR"
  assert_eq "$before" "$(state "$ns")" "state after refused commands"
  "$SWARMLB" -n "$ns" --json ingress publish udp/9090 --to 172.18.0.2 --dry-run | schema_check change
  assert_eq "$before" "$(state "$ns")" "state after --dry-run"
}

test_ingress_inspect_shows_published_ports_and_a_missing_accept() {
  ns=$(node n)
  nsx "$ns" "$IPT" -P FORWARD DROP
  "$SWARMLB" -n "$ns" ingress publish tcp/8080 --to 172.18.0.2 >/dev/null
  expect_exit 0 "$SWARMLB" -n "$ns" inspect
  assert_contains "$(tr -s ' ' <<<"$OUT")" "tcp/8080 172.18.0.2:8080 NONE NONE NONE -"
  "$SWARMLB" -n "$ns" inspect --json | schema_check report
  nsx "$ns" "$IPT" -D DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j ACCEPT
  expect_exit 3 "$SWARMLB" -n "$ns" inspect
  assert_contains "$OUT" "published port tcp/8080 has no ACCEPT in filter DOCKER-INGRESS while the FORWARD policy is DROP"
  local rc=0 json; json=$("$SWARMLB" -n "$ns" inspect --json) || rc=$?
  assert_eq 3 "$rc" "inspect --json exit"
  schema_check report <<<"$json"
  assert_contains "$json" '"kind" : "ingress_not_accepted"'
}
