# The operator's view on this kernel (no IPVS needed): exact error texts, the JSON schema of every
# --json output, change output in step order, completions and `make install` into a temporary prefix.
# As root: Tests/integration/suite.sh operator.sh

test_usage_errors_exit_2_with_exact_text() {
  expect_exit 2 "$SWARMLB" -n
  assert_eq "swarmlb: Missing value for '-n <ns>' (see 'swarmlb --help')" "$ERR" "-n alone"
  expect_exit 2 "$SWARMLB" -n '' vip list
  assert_eq "swarmlb: The value '' is invalid for '-n <ns>': not a valid network namespace (a name, a path or pid:N) (see 'swarmlb --help')" "$ERR" "-n ''"
  expect_exit 2 "$SWARMLB" -n pid:abc vip list
  assert_eq "swarmlb: The value 'pid:abc' is invalid for '-n <ns>': not a valid network namespace (pid:N takes a process id, 1 or more) (see 'swarmlb --help')" "$ERR" "-n pid:abc"
  expect_exit 2 "$SWARMLB" vip list --netns=pid:0
  assert_eq "swarmlb: The value 'pid:0' is invalid for '--netns <ns>': not a valid network namespace (pid:N takes a process id, 1 or more) (see 'swarmlb --help')" "$ERR" "--netns=pid:0"
  expect_exit 2 "$SWARMLB" dns serve --config /nonexistent --upstream host:dns.example
  assert_eq "swarmlb: The value 'host:dns.example' is invalid for '--upstream <upstream>': not a valid upstream ([host:]IP[:PORT]) (see 'swarmlb --help')" "$ERR" "dns serve --upstream host:dns.example"
  expect_exit 2 "$SWARMLB" -n A vip list -n B
  assert_eq "swarmlb: -n/--netns given more than once (\"B\", \"A\"): name one namespace (see 'swarmlb --help')" "$ERR" "two -n"
  expect_exit 2 "$SWARMLB" --json
  assert_eq '{"error":"--json must be followed by a command, e.g. '"'"'swarmlb -n NS vip list'"'"' (see '"'"'swarmlb --help'"'"')","exit_status":2}' "$ERR" "options without a command"
  local vip why
  for vip in "0.0.0.0:the unspecified address" "255.255.255.255:the broadcast address" "224.0.0.5:a multicast address" "127.0.0.2:a loopback address"; do
    why=${vip#*:}; vip=${vip%%:*}
    expect_exit 2 "$SWARMLB" vip add "$vip" --dev eth0 --fwm 0x101
    assert_eq "swarmlb: The value '$vip' is invalid for '<vip>': not a valid VIP ($why cannot be a service address) (see 'swarmlb --help')" "$ERR" "vip add $vip"
  done
  expect_exit 2 "$SWARMLB" fwm add 1 -p 0
  assert_eq "swarmlb: The value '0' is invalid for '-p <persistent>': not a valid persistence timeout (1 second or more, as ipvsadm -p) (see 'swarmlb --help')" "$ERR" "fwm add -p 0"
  expect_exit 2 "$SWARMLB" real add 0x101 10.0.0.3 --forward bridge
  assert_eq "swarmlb: The value 'bridge' is invalid for '--forward <forward>': not a valid forwarding method (masq, route or tunnel) (see 'swarmlb --help')" "$ERR" "real add --forward bridge"
}

# Options are typed at the parser: a bad value is a usage error even where the namespace named
# does not exist, since nothing is entered before every value is parsed.
test_values_are_checked_before_any_namespace_is_entered() {
  local args
  for args in "vip add 10.0.0.300 --dev eth0 --fwm 1" "mark add 1 --port tcp/0" "snat add 10.0.0.0/33 --to-source 10.0.0.5" \
              "real add 0x101 10.0.0.3:x" "fwm add 1 -s zz" "inspect iptables -t nothere" "ingress redirect tcp/80:0 --ip 10.0.0.4"; do
    # shellcheck disable=SC2086
    expect_exit 2 "$SWARMLB" -n "$PREFIX-absent" $args
    one_line "$ERR"; assert_contains "$ERR" "is invalid for"
  done
}

test_namespace_errors_name_the_cause() {
  expect_exit 1 "$SWARMLB" -n "$PREFIX-absent" vip list
  assert_eq "swarmlb: network namespace \"$PREFIX-absent\" not found (looked at /run/docker/netns/$PREFIX-absent, /run/netns/$PREFIX-absent)" "$ERR" "absent namespace"
  # Another user's namespace file: permission, not "not found".
  local pid; sleep 30 & pid=$!
  expect_exit 1 setpriv --reuid=65534 --regid=65534 --clear-groups "$SWARMLB" -n "pid:$pid" vip list
  kill $pid
  assert_eq "swarmlb: opening network namespace /proc/$pid/ns/net: operation not permitted (run as root, or with CAP_NET_ADMIN)" "$ERR" "EACCES"
}

test_errors_under_json_are_one_json_object_on_stderr() {
  expect_exit 1 "$SWARMLB" -n "$PREFIX-absent" --json vip list
  [ -z "$OUT" ] || fail "stdout not empty: $OUT"
  one_line "$ERR"
  schema_check error <<<"$ERR"
  expect_exit 2 "$SWARMLB" vip add 10.0.0.300 --dev eth0 --fwm 1 --json
  schema_check error <<<"$ERR"
  assert_eq '{"error":"The value '"'"'10.0.0.300'"'"' is invalid for '"'"'<vip>'"'"': not a valid IPv4 address (see '"'"'swarmlb --help'"'"')","exit_status":2}' "$ERR" "usage error as JSON"
}

test_change_output_in_step_order() {
  ns=$(new_ns o); with_eth0 "$ns" 10.0.0.5/24
  ip -n "$ns" addr add 10.0.0.2/32 dev eth0
  expect_exit 0 "$SWARMLB" -n "$ns" --backend legacy vip add 10.0.0.2 --dev eth0 --fwm 0x101 --dry-run
  assert_eq "# already present: ip addr add 10.0.0.2/32 dev eth0
iptables-legacy -t mangle -A OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff" "$OUT" "step order"
  expect_exit 0 "$SWARMLB" -n "$ns" --backend legacy vip del 10.0.0.9 --if-exists
  assert_eq "# not present: 10.0.0.9/32 is not assigned to any device and no mangle OUTPUT rule sets a mark for it" "$OUT" "vip del --if-exists"
  expect_exit 1 "$SWARMLB" -n "$ns" --backend legacy vip del 10.0.0.9
  assert_eq "swarmlb: nothing to delete: 10.0.0.9/32 is not assigned to any device and no mangle OUTPUT rule sets a mark for it (use --if-exists to accept)" "$ERR" "vip del"
}

test_json_outputs_follow_the_schema() {
  local -x SWARMLB_BACKEND=legacy  # the rules below are written with iptables-legacy, whatever BACKEND is
  ns=$(new_ns j); with_eth0 "$ns" 10.0.0.5/24
  local X="ip netns exec $ns iptables-legacy -w"
  $X -t mangle -A OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff
  $X -t mangle -A PREROUTING -p tcp -m tcp --dport 8080 -j MARK --set-xmark 0x10f/0xffffffff
  $X -t nat -A POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.5 2>/dev/null \
    || $X -t nat -A POSTROUTING -d 10.0.0.0/24 -j SNAT --to-source 10.0.0.5
  ip -n "$ns" addr add 10.0.0.2/32 dev eth0
  "$SWARMLB" -n "$ns" vip list --json | schema_check marks
  "$SWARMLB" -n "$ns" mark list --json | schema_check marks
  "$SWARMLB" -n "$ns" snat list --json | schema_check snats
  "$SWARMLB" -n "$ns" inspect iptables --json | schema_check tables
  "$SWARMLB" -n "$ns" inspect iptables --save --json | schema_check tables
  "$SWARMLB" -n "$ns" inspect addr --json | schema_check addresses
  "$SWARMLB" -n "$ns" vip add 10.0.0.7 --dev eth0 --fwm 0x107 --json | schema_check change
  "$SWARMLB" -n "$ns" vip del 10.0.0.9 --if-exists --json | schema_check change
  "$SWARMLB" -n "$ns" mark del 0x10f --port tcp/8080 --dry-run --json | schema_check change
  local rc=0 out; out=$("$SWARMLB" -n "$ns" inspect --json) || rc=$?
  [ "$rc" = 0 ] || [ "$rc" = 3 ] || fail "inspect exit $rc"
  schema_check report <<<"$out"
  assert_contains "$out" "\"namespace\" : \"/run/netns/$ns\""
  assert_contains "$("$SWARMLB" -n "$ns" vip list --json)" '"mark_hex" : "0x101"'
  assert_contains "$("$SWARMLB" -n "$ns" mark list --json)" '"port" : 8080'
}

test_inspect_all_shows_a_namespace_with_two_names_once() {
  ns=$(new_ns a)
  mkdir -p /run/docker/netns
  touch "/run/docker/netns/$PREFIX-alias"; mount --bind "/run/netns/$ns" "/run/docker/netns/$PREFIX-alias"
  local rc=0 out; out=$("$SWARMLB" inspect --all) || rc=$?
  umount "/run/docker/netns/$PREFIX-alias"; rm -f "/run/docker/netns/$PREFIX-alias"
  [ "$rc" = 0 ] || [ "$rc" = 3 ] || fail "inspect --all exit $rc"
  assert_eq 1 "$(grep -c "/run/netns/$ns" <<<"$out")" "headings naming the namespace"
  assert_contains "$out" "== /run/docker/netns/$PREFIX-alias = /run/netns/$ns"
}

# Docker unmounts a removed sandbox's namespace at once and deletes its file under /run/docker/netns at its next
# clean-up, a minute or two later (libnetwork's garbage collection): inspect --all on a live node meets such files.
# It skips them with a note, instead of failing as if a namespace could not be read (exit 1).
test_inspect_all_skips_the_file_of_a_sandbox_docker_unmounted() {
  ns=$(new_ns a)
  mkdir -p /run/docker/netns; touch "/run/docker/netns/$PREFIX-gone"
  local rc=0 out; out=$("$SWARMLB" inspect --all 2> "/tmp/$PREFIX.err") || rc=$?
  rm -f "/run/docker/netns/$PREFIX-gone"
  [ "$rc" = 0 ] || [ "$rc" = 3 ] || fail "inspect --all exit $rc: $(cat "/tmp/$PREFIX.err")"
  assert_contains "$out" "== /run/netns/$ns"
  assert_not_contains "$out" "$PREFIX-gone"
  assert_contains "$(cat "/tmp/$PREFIX.err")" \
    "swarmlb: note: skipped /run/docker/netns/$PREFIX-gone: an unmounted namespace file (Docker deletes a removed sandbox's at its next clean-up, within about two minutes)"
  rm -f "/tmp/$PREFIX.err"
}

test_inspect_without_ipvs_prints_the_rest_and_says_so() {
  [ ! -e /proc/net/ip_vs ] || skip "this kernel has IPVS"
  local -x SWARMLB_BACKEND=legacy
  ns=$(new_ns i); with_eth0 "$ns" 10.0.0.5/24
  ip netns exec "$ns" iptables-legacy -w -t mangle -A OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff
  local rc=0; out=$("$SWARMLB" -n "$ns" inspect) || rc=$?
  [ "$rc" = 3 ] || fail "inspect exit $rc: $out"
  assert_contains "$out" "note: IPVS is not available in this kernel"
  assert_contains "$out" "0x101 (257)"
  assert_contains "$out" "mark 0x101 set by \"-A OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff\" has no IPVS service FWM 257"
}

# complete WORD...: what bash completion offers after the words (the last one empty: a new word).
complete_words() {
  bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _swarmlb swarmlb "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$ROOT/completions/swarmlb.bash" "$@"
}

test_completions_offer_namespaces_and_values() {
  ns=$(new_ns comp)
  assert_contains "$(complete_words swarmlb vip list -n '')" "$ns"
  assert_contains "$(complete_words swarmlb vip add 10.0.0.2 --chain '')" "INPUT"
  assert_contains "$(complete_words swarmlb fwm add 1 -s '')" "wlc"
  assert_contains "$(complete_words swarmlb real add 1 10.0.0.3 --forward '')" "tunnel"
  assert_contains "$(complete_words swarmlb inspect iptables -t '')" "mangle"
  assert_contains "$(complete_words swarmlb vip list --backend '')" "nft"
  assert_contains "$(cat "$ROOT/completions/_swarmlb")" "/run/docker/netns"
  assert_contains "$(cat "$ROOT/completions/swarmlb.fish")" "/run/docker/netns"
}

test_committed_man_pages_and_completions_match_the_parser() {
  make -s -C "$ROOT" docs-check >/dev/null || fail "make docs-check failed"
  assert_contains "$(cat "$ROOT/man/swarmlb.1")" ".Xr ipvsadm 8"
  assert_contains "$(cat "$ROOT/man/swarmlb.1")" "SWARMLB_BACKEND"
}

# What an operator reads: examples, defaults, every exit status, the environment, related tools,
# and inspect's help naming the options of the subcommand it runs by default.
test_help_and_man_pages_say_what_an_operator_needs() {
  expect_exit 0 "$SWARMLB" --help
  assert_contains "$OUT" "Examples:"
  assert_contains "$OUT" "See also: ipvsadm(8), iptables(8), ip(8), nsenter(1)."
  assert_contains "$OUT" "SWARMLB_BACKEND"
  expect_exit 0 "$SWARMLB" inspect --help
  assert_contains "$OUT" "--all"; assert_contains "$OUT" "--expect"
  local page
  for page in swarmlb swarmlb-dns; do
    page=$(cat "$ROOT/man/$page.1")
    assert_contains "$page" ".Sh EXAMPLES"; assert_contains "$page" ".Sh ENVIRONMENT"; assert_contains "$page" ".It Ev XTABLES_LOCKFILE"
    assert_contains "$page" ".Sh \"SEE ALSO\""; assert_contains "$page" ".It 3"
    assert_contains "$page" "Default:"
  done
  # swarmlb-dns, which swarmlb execs, has no subcommands: its page lists no `help` subcommand.
  assert_not_contains "$(cat "$ROOT/man/swarmlb-dns.1")" ".It Em help"
}

test_make_install_into_a_temporary_prefix() {
  local prefix; prefix=$(mktemp -d /tmp/$PREFIX.install.XXXX)
  make -s -C "$ROOT" install PREFIX="$prefix" SKIP_BUILD=1 >/dev/null
  for f in bin/swarmlb bin/swarmlb-dns share/man/man1/swarmlb.1 share/man/man1/swarmlb-dns.1 \
           share/bash-completion/completions/swarmlb share/zsh/site-functions/_swarmlb share/fish/vendor_completions.d/swarmlb.fish; do
    [ -e "$prefix/$f" ] || fail "make install left out $f"
  done
  "$prefix/bin/swarmlb" --version >/dev/null
  # Without swarmlb-dns beside it, dns serve says so.
  rm "$prefix/bin/swarmlb-dns"
  expect_exit 1 "$prefix/bin/swarmlb" dns serve --config /dev/null
  assert_eq "swarmlb: execv $prefix/bin/swarmlb-dns: No such file or directory (ENOENT)" "$ERR" "dns serve without swarmlb-dns"
  rm -rf "$prefix"
}

# dns serve and apply exec their own executables with the options as parsed, not the command line
# edited by string: a namespace called "dns" (or "apply") once lost its -n value that way.
test_dns_serve_and_apply_get_their_options_whatever_the_namespace_is_called() {
  local ns f log pid rc=0 i
  for i in dns apply; do [ ! -e /run/docker/netns/$i ] || fail "/run/docker/netns/$i exists on this machine: this test needs the name"; done
  ns=$(new_ns named); mkdir -p /run/docker/netns
  trap 'for i in dns apply; do umount /run/docker/netns/$i 2>/dev/null; rm -f /run/docker/netns/$i; done' EXIT
  for i in dns apply; do touch /run/docker/netns/$i; mount --bind /run/netns/$ns /run/docker/netns/$i; done
  f=$(mktemp --suffix=.yaml); printf 'network: n\nsubnet: 10.0.0.0/24\nservices:\n  - {name: web, vip: 10.0.0.2, fwmark: 0x101, tasks: [{name: web.1, ip: 10.0.0.3}]}\n' > "$f"
  log=$(mktemp)
  "$SWARMLB" -n dns --json dns serve --config "$f" --upstream 127.0.0.1:9 > "$log" 2>&1 & pid=$!
  for i in $(seq 1 100); do [ "$(nsx "$ns" dig +short +tries=1 +time=1 @127.0.0.11 web 2>/dev/null)" = 10.0.0.2 ] && break; sleep 0.1; done
  assert_eq "10.0.0.2" "$(nsx "$ns" dig +short +tries=1 +time=3 @127.0.0.11 web)" "an answer from the resolver in namespace dns"
  kill $pid; wait $pid || true
  assert_not_contains "$(cat "$log")" "Missing value"
  # apply gets as far as the kernel: the VIP's device is missing, a runtime error (1), not a usage error (2).
  expect_exit 1 "$SWARMLB" -n apply apply --config "$f" --dev nosuchdev0 --dry-run
  assert_not_contains "$ERR" "Missing value"
  rm -f "$f" "$log"
}

# Docker 29 writes its resolver's redirect natively in nf_tables (table ip docker-dns), whatever the
# iptables backend: inspect reads it as the DNS redirect and dns serve sees Docker's resolver running.
test_docker_29s_nf_tables_dns_redirect_counts_as_the_resolvers() {
  ns=$(new_ns d29); nsx "$ns" ip link set lo up
  nsx "$ns" nft -f - <<'NFT'
table ip docker-dns {
  chain dns-dnat {
    type nat hook output priority -100; policy accept;
    ip daddr 127.0.0.11 udp dport 53 counter dnat to 127.0.0.11:41287
    ip daddr 127.0.0.11 tcp dport 53 counter dnat to 127.0.0.11:37711
  }
  chain dns-snat {
    type nat hook postrouting priority 100; policy accept;
    ip saddr 127.0.0.11 udp sport 41287 counter snat to :53
    ip saddr 127.0.0.11 tcp sport 37711 counter snat to :53
  }
}
NFT
  local before rc=0 f
  before=$(nsx "$ns" nft list ruleset)
  out=$("$SWARMLB" -n "$ns" inspect 2>&1) || rc=$?
  assert_eq 3 "$rc" "inspect exit with nothing listening"
  assert_contains "$out" "nf_tables table ip docker-dns redirects DNS to 127.0.0.11 but nothing listens there (udp/41287, tcp/37711)"
  # Docker's resolver: both ports listened on.
  nsx "$ns" python3 -c 'import socket, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.11", 41287))
t = socket.socket(); t.bind(("127.0.0.11", 37711)); t.listen()
time.sleep(60)' & local listener=$!
  for i in $(seq 1 50); do nsx "$ns" ss -Hltn | grep -q 37711 && break; sleep 0.1; done
  out=$("$SWARMLB" -n "$ns" inspect 2>&1) || true
  assert_not_contains "$out" "redirects DNS"
  assert_not_contains "$out" "dns_"
  f=$(mktemp --suffix=.yaml); printf 'network: n\nsubnet: 10.0.0.0/24\nservices: []\n' > "$f"
  expect_exit 1 "$SWARMLB" -n "$ns" dns serve --config "$f" --upstream 127.0.0.1:9
  assert_eq "swarmlb: a resolver already serves 127.0.0.11 in this namespace (udp/41287 tcp/37711, port 53 redirected by nf_tables table ip docker-dns); stop it first" "$ERR"
  kill $listener; wait $listener 2>/dev/null || true
  assert_eq "$before" "$(nsx "$ns" nft list ruleset)" "the ruleset after inspect and the refused dns serve"
  rm -f "$f"
}

# A services file that cannot be read says why, in dns serve and in apply, and --config completes file names.
test_an_unreadable_config_says_why() {
  local ns; ns=$(new_ns cfg)
  expect_exit 1 "$SWARMLB" -n "$ns" dns serve --config /nonexistent.yaml
  assert_eq "swarmlb: /nonexistent.yaml: cannot read the file: No such file or directory (ENOENT)" "$ERR"
  expect_exit 2 "$SWARMLB" -n "$ns" apply --config /tmp --dev eth0
  assert_eq "swarmlb: /tmp: a directory, not a regular file (a services file is read only from one)" "$ERR"
  assert_contains "$(cd "$ROOT" && complete_words swarmlb dns serve --config "")" "Makefile"
}

# inspect --all: each namespace once, however many names it has (the host's own too), headed by its role,
# judged from what it holds; what needs IPVS (load balancers with services) is in inspect.sh, in the VM.
test_inspect_all_gives_each_namespace_its_role_once() {
  local c o x l i X
  c=$(new_ns c); IPT=iptables docker_dns_rules "$c"
  o=$(new_ns o); ip -n "$o" link add br0 type bridge; ip -n "$o" link add vxlan0 type vxlan id 4242 dstport 4789
  x=$(new_ns x); ip -n "$x" link add br0 type bridge
  l=$(new_ns l); with_eth0 "$l" 10.0.0.5/24; ip -n "$l" addr add 10.0.0.2/32 dev eth0
  ip netns exec "$l" iptables -w -t mangle -A INPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff
  i=$(new_ns i); ip netns exec "$i" iptables -w -t mangle -A PREROUTING -p tcp -m tcp --dport 8080 -j MARK --set-xmark 0x10f/0xffffffff
  mkdir -p /run/docker/netns
  touch "/run/docker/netns/$PREFIX-lb" "/run/docker/netns/$PREFIX-host"
  mount --bind "/run/netns/$l" "/run/docker/netns/$PREFIX-lb"; mount --bind /proc/self/ns/net "/run/docker/netns/$PREFIX-host"
  local rc=0 out json; out=$("$SWARMLB" inspect --all) || rc=$?
  json=$("$SWARMLB" inspect --all --json) || true
  umount "/run/docker/netns/$PREFIX-lb" "/run/docker/netns/$PREFIX-host"; rm -f "/run/docker/netns/$PREFIX-lb" "/run/docker/netns/$PREFIX-host"
  [ "$rc" = 0 ] || [ "$rc" = 3 ] || fail "inspect --all exit $rc"
  assert_contains "$out" "== /run/netns/$c (container)"
  assert_contains "$out" "== /run/netns/$o (overlay)"
  assert_contains "$out" "== /run/netns/$x (other)"
  assert_contains "$out" "== /run/docker/netns/$PREFIX-lb = /run/netns/$l (load_balancer)"
  assert_contains "$out" "== /run/netns/$i (ingress)"
  assert_eq 1 "$(grep -c "^== .*/run/netns/$l" <<<"$out")" "headings naming the load balancer"
  assert_eq 1 "$(grep -c "^== /run/docker/netns/$PREFIX-host" <<<"$out")" "headings naming the host"
  assert_not_contains "$out" "== the namespace swarmlb runs in"
  schema_check reports <<<"$json"
  python3 -c '
import json, sys
roles = {r.get("namespace"): r["role"] for r in json.load(sys.stdin)}
want = {"/run/netns/'"$c"'": "container", "/run/netns/'"$o"'": "overlay", "/run/netns/'"$x"'": "other",
        "/run/docker/netns/'"$PREFIX"'-lb": "load_balancer", "/run/netns/'"$i"'": "ingress"}
assert {k: roles.get(k) for k in want} == want, roles
' <<<"$json"
}

# inspect --expect FILE reads the file before the namespace: a bad one is one line naming file, line and
# field (exit 2), an unreadable one says why (exit 1), and nothing is read from or changed in the namespace.
test_inspect_expect_refuses_a_bad_file_in_one_line() {
  local ns f before; ns=$(new_ns e); with_eth0 "$ns" 10.0.0.5/24
  f=/tmp/$PREFIX.expect.yaml
  before=$(state "$ns")
  expect_exit 1 "$SWARMLB" -n "$ns" inspect --expect /nonexistent.json
  assert_eq "swarmlb: /nonexistent.json: cannot read the file: No such file or directory (ENOENT)" "$ERR"
  printf 'network: n\nservices:\n  - name: web\n    vip: 10.0.0.2\n    tasks:\n      - {name: web.1, ip: 10.0.0.300}\n' > "$f"
  expect_exit 2 "$SWARMLB" -n "$ns" inspect --expect "$f"
  one_line "$ERR"
  assert_eq "swarmlb: $f:6: field services[0].tasks[0].ip: invalid IPv4 address: \"10.0.0.300\"" "$ERR"
  printf '[{"Name": "a", "Services": {}}, {"Name": "b", "Services": {}}]\n' > "$f"
  expect_exit 2 "$SWARMLB" -n "$ns" --json inspect --expect "$f"
  schema_check error <<<"$ERR"
  assert_contains "$ERR" "holds 2 networks (a, b); this command takes one (docker network inspect -v NET)"
  expect_exit 2 "$SWARMLB" inspect --all --expect "$f"
  assert_contains "$ERR" "--expect compares one namespace with its file; it takes -n NS, not --all"
  assert_eq "$before" "$(state "$ns")" "the namespace after the refused files"
  rm -f "$f"
}

# A hostile services file (issue 22) is one line and exit 2 in every command that reads one, at once,
# with the namespace unchanged: nesting beyond the limit (a stack overflow before), a FIFO (blocked),
# /dev/zero (grew to GBs), a comment libyaml refuses, a leading zero, YAML's null as a name.
test_a_hostile_services_file_is_one_line_and_exit_2_in_every_command() {
  local ns f before kind; ns=$(new_ns h); with_eth0 "$ns" 10.0.0.5/24
  f=/tmp/$PREFIX.hostile.yaml
  before=$(state "$ns")
  for kind in deep fifo zero control octal null; do
    rm -f "$f"
    case $kind in
      deep) { head -c 100000 /dev/zero | tr '\0' '['; head -c 100000 /dev/zero | tr '\0' ']'; } > "$f" ;;
      fifo) mkfifo "$f" ;;
      zero) ln -s /dev/zero "$f" ;;
      control) printf 'network: n\nservices:\n  - name: web # \x01\n    vip: 10.0.0.2\n' > "$f" ;;
      octal) printf 'network: n\nservices:\n  - name: web\n    vip: 10.0.0.2\n    fwmark: 0401\n' > "$f" ;;
      null) printf 'network: n\nservices:\n  - name: null\n    vip: 10.0.0.2\n' > "$f" ;;
    esac
    expect_exit 2 timeout 20 "$SWARMLB" -n "$ns" inspect --expect "$f"
    one_line "$ERR"; assert_contains "$ERR" "swarmlb: $f"
    local expect_err=$ERR
    expect_exit 2 timeout 20 "$SWARMLB" -n "$ns" apply --config "$f" --dev eth0 --dry-run
    assert_eq "$expect_err" "$ERR" "apply's line for a $kind file"
    expect_exit 2 timeout 20 "$SWARMLB" -n "$ns" dns serve --config "$f" --upstream 127.0.0.1:9
    assert_eq "$expect_err" "$ERR" "dns serve's line for a $kind file"
    case $kind in
      deep) assert_eq "swarmlb: $f:1: nests deeper than 64 levels (the limit)" "$ERR" ;;
      fifo) assert_eq "swarmlb: $f: a FIFO, not a regular file (a services file is read only from one)" "$ERR" ;;
      zero) assert_eq "swarmlb: $f: a device, not a regular file (a services file is read only from one)" "$ERR" ;;
      control) assert_contains "$ERR" "swarmlb: $f:3: not valid YAML or JSON: control characters are not allowed" ;;
      octal) assert_eq "swarmlb: $f:5: field services[0].fwmark: 0401 has a leading zero (octal to YAML 1.1 tools): write it in decimal or 0x hex" "$ERR" ;;
      null) assert_contains "$ERR" "swarmlb: $f:3: field services[0].name: null is YAML's null" ;;
    esac
  done
  assert_eq "$before" "$(state "$ns")" "the namespace after the refused files"
  rm -f "$f"
}

# -n names a namespace file: a FIFO or a device is refused at once, never waited on.
test_netns_that_is_no_namespace_file_is_refused_at_once() {
  local fifo=/tmp/$PREFIX.netns-fifo; rm -f "$fifo"; mkfifo "$fifo"
  expect_exit 1 timeout 10 "$SWARMLB" -n "$fifo" vip list
  assert_eq "swarmlb: setns $fifo (not a namespace file): Invalid argument (EINVAL)" "$ERR"
  expect_exit 1 timeout 10 "$SWARMLB" -n /dev/zero vip list
  assert_eq "swarmlb: setns /dev/zero (not a namespace file): Invalid argument (EINVAL)" "$ERR"
  rm -f "$fifo"
}

# Without IPVS (the host kernel), what inspect --expect compares by marks and addresses: each mark labelled
# with its service, a VIP marked otherwise, a VIP neither marked nor assigned, tasks without real servers.
test_inspect_expect_labels_marks_and_compares_vips() {
  [ ! -e /proc/net/ip_vs ] || skip "this kernel has IPVS"
  local ns f; ns=$(new_ns e); with_eth0 "$ns" 10.0.0.5/24
  f=/tmp/$PREFIX.expect.json
  ip -n "$ns" addr add 10.0.0.2/32 dev eth0
  ip netns exec "$ns" iptables -w -t mangle -A INPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff
  ip netns exec "$ns" iptables -w -t mangle -A INPUT -d 10.0.0.7/32 -j MARK --set-xmark 0x107/0xffffffff
  ip -n "$ns" addr add 10.0.0.7/32 dev eth0
  cat > "$f" <<'JSON'
[{"Name": "my-network", "Id": "0123456789ab", "IPAM": {"Config": [{"Subnet": "10.0.0.0/24"}]},
  "Services": {
    "web": {"VIP": "10.0.0.2", "LocalLBIndex": 257, "Tasks": [{"Name": "web.1.a", "EndpointIP": "10.0.0.3"}]},
    "api": {"VIP": "10.0.0.7", "LocalLBIndex": 258, "Tasks": []},
    "db": {"VIP": "10.0.0.9", "LocalLBIndex": 259, "Tasks": []},
    "": {"Tasks": [{"Name": "plain", "EndpointIP": "10.0.0.20"}]}}}]
JSON
  expect_exit 3 "$SWARMLB" -n "$ns" inspect --expect "$f"
  assert_contains "$OUT" "MARK         SERVICE  SET IN"
  assert_contains "$OUT" "0x101 (257)  web      INPUT   10.0.0.2"
  assert_contains "$OUT" "0x107 (263)  api      INPUT   10.0.0.7"
  assert_contains "$OUT" "  VIP 10.0.0.7 of service api is marked 0x107 (mangle INPUT), not the file's 0x102"
  assert_contains "$OUT" "  VIP 10.0.0.9 of service db has no mangle rule marking it (the file's mark 0x103)"
  assert_contains "$OUT" "  VIP 10.0.0.9 of service db is not assigned as a /32 on any interface"
  assert_contains "$OUT" "  task web.1.a (10.0.0.3) of service web is no real server of FWM 257 (there is no such IPVS service)"
  local json; json=$("$SWARMLB" -n "$ns" inspect --expect "$f" --json) || true
  schema_check report <<<"$json"
  python3 -c '
import json, sys
d = json.load(sys.stdin)
assert [(s["mark"], s.get("service")) for s in d["services"]] == [(257, "web"), (263, "api")], d["services"]
kinds = [p["kind"] for p in d["problems"]]
for k in ["vip_wrong_mark", "vip_unmarked", "vip_not_assigned", "task_without_real"]: assert k in kinds, kinds
' <<<"$json"
  rm -f "$f"
}
