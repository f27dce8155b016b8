#!/bin/bash
# Parity of swarmlb's nf_tables backend (NFTFirewall) with iptables-nft 1.8.9, in throwaway namespaces:
# (a) rules swarmlb writes read exactly as iptables-nft's own, to nft and to iptables-nft;
# (b) rules iptables-nft writes read through swarmlb exactly as iptables-nft -S / -save print them;
# (c) reading creates nothing; (d) concurrent writers lose and duplicate nothing; plus the edit semantics.
# Run from the worktree root: bash Tests/integration/nft-parity.sh (root; needs nf_tables, not xt_ipvs).
# $NFT_DRIVER is the command that drives NFTFirewall with iptables-style arguments (one commit each;
# --batch reads such lines from stdin and commits each table's at once; -S, --save, --tables read).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export SWARMLB_BACKEND=nft  # the driver writes through the nft backend
NFT_DRIVER=${NFT_DRIVER:-$ROOT/.build/debug/swarmlb-fw}
[ -x "$NFT_DRIVER" ] || { echo "no NFT_DRIVER at $NFT_DRIVER" >&2; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

# The Docker-style rules, one iptables command per line (docker_rules of lib.sh, the mangle marks
# swarmlb writes by VIP and by port, the DNS chains with SNAT --to-source :53, and more matches).
RULES=$(cat <<'EOF'
-t nat -N DOCKER_OUTPUT
-t nat -N DOCKER_POSTROUTING
-t nat -A OUTPUT -d 127.0.0.11/32 -j DOCKER_OUTPUT
-t nat -A POSTROUTING -d 127.0.0.11/32 -j DOCKER_POSTROUTING
-t nat -A DOCKER_OUTPUT -d 127.0.0.11/32 -p tcp -m tcp --dport 53 -j DNAT --to-destination 127.0.0.11:38534
-t nat -A DOCKER_OUTPUT -d 127.0.0.11/32 -p udp -m udp --dport 53 -j DNAT --to-destination 127.0.0.11:39353
-t nat -A DOCKER_POSTROUTING -s 127.0.0.11/32 -p tcp -m tcp --sport 38534 -j SNAT --to-source :53
-t nat -A DOCKER_POSTROUTING -s 127.0.0.11/32 -p udp -m udp --sport 39353 -j SNAT --to-source :53
-t nat -N DOCKER-INGRESS
-t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS
-t nat -A OUTPUT -m addrtype --dst-type LOCAL -j DOCKER-INGRESS
-t nat -A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080
-t nat -A DOCKER-INGRESS -j RETURN
-t nat -A POSTROUTING -o docker_gwbridge -m addrtype --src-type LOCAL -j MASQUERADE
-t nat -A POSTROUTING ! -s 10.0.0.0/8 ! -o eth+ -p udp -m udp ! --dport 53 -j MASQUERADE --to-ports 1000-2000 --random
-t nat -A POSTROUTING -d 10.0.0.0/24 -j SNAT --to-source 10.0.0.5
-t nat -A PREROUTING -i eth0 -p gre -j ACCEPT
-t nat -A PREROUTING -d 10.255.0.4/32 -p tcp -m tcp --dport 8080 -j REDIRECT --to-ports 80
-t nat -A PREROUTING -p udp -m udp --dport 81 -j REDIRECT --to-ports 90-95 --random
-t filter -N DOCKER-ISOLATION
-t filter -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-t filter -A FORWARD -m state ! --state INVALID,NEW -j DROP
-t filter -A FORWARD -m mark --mark 0x1/0xff -m comment --comment "swarm test's \"rule\"" -g DOCKER-ISOLATION
-t filter -A DOCKER-ISOLATION -f -j RETURN
-t filter -A DOCKER-ISOLATION ! -f -i veth+ -j DROP
-t filter -A INPUT -m comment --comment plain_1
-t filter -A INPUT -p tcp -m tcp ! --tcp-flags SYN,ACK SYN -j DROP
-t filter -A INPUT -p tcp -m tcp --sport 1000 --dport 80 -j ACCEPT
-t filter -A INPUT -p udp -m udp --dport 1000:2000 -j ACCEPT
-t filter -A INPUT -p udp -m udp --sport 0:100 -j ACCEPT
-t filter -A INPUT ! -s 10.1.2.3/32 ! -d 1.2.3.0/25 -m mark ! --mark 0x101 -j ACCEPT
-t filter -A INPUT -p tcp -m tcp -j ACCEPT
-t mangle -A PREROUTING -p tcp -m tcp --dport 8080 -j MARK --set-xmark 0x10f/0xffffffff
-t mangle -A INPUT -d 10.0.0.4/32 -j MARK --set-xmark 0x10f/0xffffffff
-t mangle -A OUTPUT -d 10.0.0.2/32 -j MARK --set-xmark 0x101/0xffffffff
-t mangle -A OUTPUT -j MARK --set-mark 5
-t raw -A PREROUTING -s 10.1.2.0/23 -j ACCEPT
EOF
)

# apply NS WRITER...: each line of $RULES as its own command of WRITER ("iptables-nft -w" or "$NFT_DRIVER").
apply() {
  local ns=$1 line; shift
  while IFS= read -r line; do
    eval "ip netns exec $ns $* $line" || fail "$* $line"
  done <<<"$RULES"
}
# views NS: everything both tools show of the ruleset (nft's own netlink view, -S of each table, -save).
views() {
  local ns=$1 t
  nsx "$ns" nft --debug=netlink list ruleset
  for t in mangle raw filter nat; do echo "== -t $t -S"; nsx "$ns" iptables-nft -t $t -S; done
  echo "== save"; nsx "$ns" iptables-nft-save | grep -v '^#'
}

# (a) swarmlb writes exactly what iptables-nft writes: same nft expressions, handles and chain
# types/hooks/priorities, same -S and -save; and iptables-nft -C finds every rule swarmlb wrote.
test_write_parity() {
  local ipt=$(new_ns ipt) us=$(new_ns us) line
  apply "$ipt" iptables-nft -w
  apply "$us" "$NFT_DRIVER"
  assert_eq "$(views "$ipt")" "$(views "$us")" "rules written one by one by iptables-nft and by swarmlb"
  assert_contains "$(nsx "$us" nft list ruleset)" "type route hook output priority mangle; policy accept;"
  while IFS= read -r line; do
    [[ $line == *" -A "* ]] || continue
    eval "nsx $us iptables-nft ${line/ -A / -C }" || fail "iptables-nft -C does not find: $line"
  done <<<"$RULES"
}

# (a) the same rules in one commit per table: still what iptables-nft writes rule by rule.
test_batch_parity() {
  local ipt=$(new_ns ipt) us=$(new_ns us)
  apply "$ipt" iptables-nft -w
  nsx "$us" "$NFT_DRIVER" --batch <<<"$RULES" || fail "batch commit"
  assert_eq "$(views "$ipt")" "$(views "$us")" "rules written by iptables-nft one by one and by swarmlb in one batch per table"
}

# object_messages TRACE: the nf_tables objects an strace -xx of a writer sent (type, flags, family and
# attributes, byte for byte), one per line; swarmlb's NLM_F_ACK (it reads every answer) left out.
object_messages() {
  python3 - "$1" <<'PY'
import re, sys
pattern = (r'nlmsg_type=NFNL_SUBSYS_NFTABLES<<8\|(NFT_MSG_NEW\w+|NFT_MSG_DEL\w+), nlmsg_flags=([A-Z_|0-9x]+), '
           r'nlmsg_seq=\d+, nlmsg_pid=\d+\}, \{nfgen_family=(\w+), version=\w+, res_id=[^}]*\}(?:, (\[.*?\]\]|"[^"]*"))?')
for m in re.finditer(pattern, open(sys.argv[1]).read()):
    kind, flags, family, body = m.groups()
    print(kind, "|".join(f for f in flags.split("|") if f != "NLM_F_ACK"), family, body)
PY
}

# (a) byte for byte: the table, chain and rule messages swarmlb sends are the ones iptables-nft sends
# (compat payloads, NFTA_RULE_COMPAT, attribute padding and all), rule by rule and in one batch per table.
test_message_parity() {
  command -v strace >/dev/null || skip "strace is not installed"
  local ipt=$(new_ns ipt) us=$(new_ns us) batch=$(new_ns batch) line t=/tmp/$PREFIX
  while IFS= read -r line; do
    eval "nsx $ipt strace -f -qq -e trace=sendmsg,sendto -xx -s 65535 -v -o $t.one iptables-nft -w $line" && cat $t.one >> $t.ipt
    eval "nsx $us strace -f -qq -e trace=sendmsg,sendto -xx -s 65535 -v -o $t.one $NFT_DRIVER $line" && cat $t.one >> $t.us
  done <<<"$RULES"
  nsx "$batch" strace -f -qq -e trace=sendto -xx -s 65535 -v -o $t.batch "$NFT_DRIVER" --batch <<<"$RULES"
  local expected=$(object_messages $t.ipt)
  [ "$(wc -l <<<"$expected")" -ge 40 ] || fail "only $(wc -l <<<"$expected") messages read from iptables-nft's trace"
  assert_eq "$expected" "$(object_messages $t.us)" "netlink messages, one command at a time"
  assert_eq "$expected" "$(object_messages $t.batch)" "netlink messages, one batch per table"
}

# (b) rules written by iptables-nft (and a policy with counters) read back through swarmlb as -S and -save print them.
test_read_parity() {
  local ipt=$(new_ns ipt) t
  apply "$ipt" iptables-nft -w
  nsx "$ipt" iptables-nft -P FORWARD DROP
  nsx "$ipt" iptables-nft -t nat -I PREROUTING 2 -i + -j ACCEPT
  nsx "$ipt" iptables-nft -A INPUT -p udp ! --sport 0:100 -j ACCEPT
  nsx "$ipt" iptables-nft -A INPUT -s 10.0.0.9 -j ACCEPT -c 5 100
  printf '*filter\n:OUTPUT DROP [7:700]\nCOMMIT\n' | nsx "$ipt" iptables-nft-restore -c --noflush  # policy counters
  # Rules nft itself wrote, in words iptables-nft can read: native ports, a userdata comment, no counter.
  nsx "$ipt" nft add rule ip filter INPUT tcp dport 22 accept
  nsx "$ipt" nft add rule ip filter INPUT ip saddr 10.9.9.9 iifname "wg*" counter accept comment '"from nft"'
  for t in filter nat mangle raw; do
    assert_eq "$(nsx "$ipt" iptables-nft -t $t -S)" "$(nsx "$ipt" "$NFT_DRIVER" -t $t -S)" "-t $t -S"
  done
  assert_eq "$(nsx "$ipt" iptables-nft-save | grep -v '^#')" "$(nsx "$ipt" "$NFT_DRIVER" --save | grep -v '^#')" "-save"
  assert_eq "$(printf 'mangle\nraw\nfilter\nnat')" "$(nsx "$ipt" "$NFT_DRIVER" --tables)" "tables, in iptables-nft-save's order"
}

# A rule nft wrote that iptables has no words for is shown, marked, never dropped; and it can be deleted.
test_unmapped_rule() {
  local ns=$(new_ns ns)
  nsx "$ns" iptables-nft -A INPUT -s 10.0.0.1 -j ACCEPT
  nsx "$ns" nft add rule ip filter INPUT meta skuid 1000 counter accept
  nsx "$ns" iptables-nft -A INPUT -j DROP
  assert_eq "-P INPUT ACCEPT
-P FORWARD ACCEPT
-P OUTPUT ACCEPT
-A INPUT -s 10.0.0.1/32 -j ACCEPT
-A INPUT [unsupported nft expressions: [ meta load skuid => reg 1 ] [ cmp eq reg 1 0x000003e8 ]] -j ACCEPT
-A INPUT -j DROP" "$(nsx "$ns" "$NFT_DRIVER" -S)" "-S with an unmapped rule"
  # nft's native NAT (constants in registers, then nat): each unmapped expression printed as nft prints it.
  nsx "$ns" iptables-nft -t nat -A OUTPUT -j ACCEPT
  nsx "$ns" nft add rule ip nat OUTPUT ip daddr 127.0.0.11 udp dport 53 dnat to 127.0.0.11:5353
  local line debug x
  line=$(nsx "$ns" "$NFT_DRIVER" -t nat -S | grep unsupported) || fail "no unsupported rule in nat OUTPUT"
  debug=$(nsx "$ns" nft --debug=netlink list chain ip nat OUTPUT)
  assert_contains "$line" "[ immediate reg 1 0x0b00007f ] [ immediate reg 2 0x0000e914 ] [ nat dnat ip addr_min reg 1 addr_max reg 1 proto_min reg 2 proto_max reg 2 flags 0x3 ]"
  mapfile -t parts < <(grep -o '\[ [^]]* \]' <<<"${line#*expressions: }")
  [ ${#parts[@]} -ge 3 ] || fail "unmapped expressions: $line"
  for x in "${parts[@]}"; do assert_contains "$debug" "$x"; done
}

# (c) reading tables that do not exist shows their built-in chains, as iptables-nft does, and creates nothing.
test_read_creates_nothing() {
  local ns=$(new_ns ns) t
  for t in filter nat mangle raw; do nsx "$ns" "$NFT_DRIVER" -t $t -S >/dev/null; done
  assert_eq "" "$(nsx "$ns" "$NFT_DRIVER" --tables)" "no tables"
  assert_eq "" "$(nsx "$ns" "$NFT_DRIVER" --save)" "nothing to save"
  assert_eq "" "$(nsx "$ns" nft list tables)" "nft list tables after reading"
  for t in filter nat mangle raw; do
    assert_eq "$(nsx "$ns" iptables-nft -t $t -S)" "$(nsx "$ns" "$NFT_DRIVER" -t $t -S)" "-t $t -S of a table that does not exist"
  done
  assert_eq "" "$(nsx "$ns" nft list tables)" "nft list tables after reading"
}

# The edit semantics (FirewallEdit): insert positions, no duplicates, delete of the first equal
# rule or nothing, chains created and deleted (flushed first) once, append to a missing chain refused.
test_edit_semantics() {
  local ipt=$(new_ns ipt) us=$(new_ns us) d="$NFT_DRIVER"
  nsx "$ipt" iptables-nft -A INPUT -s 10.0.0.1 -j ACCEPT
  nsx "$ipt" iptables-nft -I INPUT 1 -s 10.0.0.2 -j ACCEPT
  nsx "$ipt" iptables-nft -I INPUT 2 -s 10.0.0.3 -j ACCEPT
  nsx "$ipt" iptables-nft -I INPUT 4 -s 10.0.0.4 -j ACCEPT
  nsx "$ipt" iptables-nft -A INPUT -s 10.0.0.5 -j ACCEPT
  nsx "$ipt" iptables-nft -D INPUT -s 10.0.0.1 -j ACCEPT
  nsx "$us" "$d" -A INPUT -s 10.0.0.1 -j ACCEPT
  nsx "$us" "$d" -I INPUT 1 -s 10.0.0.2 -j ACCEPT
  nsx "$us" "$d" -I INPUT 2 -s 10.0.0.3 -j ACCEPT
  nsx "$us" "$d" -I INPUT 2 -s 10.0.0.3 -j ACCEPT  # present: nothing
  nsx "$us" "$d" -I INPUT 4 -s 10.0.0.4 -j ACCEPT
  nsx "$us" "$d" -A INPUT -s 10.0.0.5 -j ACCEPT
  nsx "$us" "$d" -A INPUT -s 10.0.0.5 -j ACCEPT    # present: nothing
  nsx "$us" "$d" -D INPUT -s 10.0.0.1 -j ACCEPT
  nsx "$us" "$d" -D INPUT -s 10.0.0.1 -j ACCEPT    # absent: nothing
  assert_eq "$(nsx "$ipt" iptables-nft -S)" "$(nsx "$us" iptables-nft -S)" "after inserts, appends and deletes"
  assert_eq "$(views "$ipt")" "$(views "$us")" "the same, to nft"

  # Equal means equal once read: counters aside, and whoever wrote it (here nft, with no counter at all).
  nsx "$us" iptables-nft -A INPUT -s 10.0.0.8 -j ACCEPT -c 5 100
  nsx "$us" "$d" -A INPUT -s 10.0.0.8 -j ACCEPT    # present: nothing
  nsx "$us" nft add rule ip filter INPUT tcp dport 22 accept
  nsx "$us" "$d" -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT  # present: nothing
  assert_eq 1 "$(nsx "$us" iptables-nft -S INPUT | grep -c -- '-s 10.0.0.8/32')" "copies of the counted rule"
  assert_eq 1 "$(nsx "$us" iptables-nft -S INPUT | grep -c -- '--dport 22')" "copies of nft's rule"
  nsx "$us" "$d" -D INPUT -p tcp -m tcp --dport 22 -j ACCEPT
  assert_not_contains "$(nsx "$us" iptables-nft -S INPUT)" "--dport 22"

  nsx "$us" "$d" -N X
  nsx "$us" "$d" -N X                              # exists: nothing
  nsx "$us" "$d" -A X -j RETURN
  nsx "$us" "$d" -A X -d 10.9.9.9 -j DROP
  assert_eq "-N X
-A X -j RETURN
-A X -d 10.9.9.9/32 -j DROP" "$(nsx "$us" iptables-nft -S | grep -- ' X')" "chain X"
  nsx "$us" "$d" -X X                              # holds rules: flushed, then deleted
  nsx "$us" "$d" -X X                              # absent: nothing
  assert_not_contains "$(nsx "$us" nft list ruleset)" "chain X"
  expect_exit 1 nsx "$us" "$d" -A NOSUCH -j ACCEPT
  assert_contains "$ERR" "No such file or directory (ENOENT)"
  # One commit, one batch: a refused edit leaves the table as it was (the first rule is not there either).
  printf '%s\n' "-A INPUT -s 10.7.7.7 -j ACCEPT" "-A NOSUCH -j ACCEPT" | { expect_exit 1 nsx "$us" "$d" --batch; }
  assert_not_contains "$(nsx "$us" iptables-nft -S)" "10.7.7.7"
}

# count_each OUT PATTERN N: each of the N rules PATTERN (with %d for 1..N) is in OUT exactly once.
count_each() {
  local out=$1 pattern=$2 n=$3 i line
  for i in $(seq 1 "$n"); do
    line=$(printf -- "$pattern" $((i / 250)) $((i % 250)))
    [ "$(grep -cxF -- "$line" <<<"$out")" = 1 ] || fail "$(grep -cxF -- "$line" <<<"$out") copies of: $line"
  done
}
# lines PATTERN N: the N rules of PATTERN, one per line.
lines() { local i; for i in $(seq 1 "$2"); do printf -- "$1\n" $(($i / 250)) $(($i % 250)); done; }

# (d) concurrent writers, from an empty namespace (so they also race to create the table and chain):
# a big swarmlb commit (its plan takes long enough to be overtaken: refused by generation, replanned),
# small swarmlb commits and iptables-nft -A, all into INPUT at once, lose and double nothing.
test_concurrent_writers() {
  local ns=$(new_ns ns) big=1500 small=100 out
  lines "-A INPUT -s 10.1.%d.%d -j ACCEPT" $big > /tmp/$PREFIX.big
  lines "-A INPUT -s 10.2.%d.%d -j ACCEPT" $small > /tmp/$PREFIX.small
  ( while read -r l; do eval "nsx $ns iptables-nft -w $l" || exit 1; done < /tmp/$PREFIX.small ) & local p1=$!
  nsx "$ns" "$NFT_DRIVER" --each < <(lines "-A INPUT -s 10.3.%d.%d -j ACCEPT" $small) & local p2=$!
  sleep 0.1
  nsx "$ns" "$NFT_DRIVER" --batch < /tmp/$PREFIX.big || fail "the big swarmlb commit failed"
  wait $p1 || fail "iptables-nft writer failed"
  wait $p2 || fail "small swarmlb commits failed"
  out=$(nsx "$ns" iptables-nft -S INPUT)
  count_each "$out" "-A INPUT -s 10.1.%d.%d/32 -j ACCEPT" $big
  count_each "$out" "-A INPUT -s 10.2.%d.%d/32 -j ACCEPT" $small
  count_each "$out" "-A INPUT -s 10.3.%d.%d/32 -j ACCEPT" $small
  assert_eq $((big + 2 * small + 1)) "$(wc -l <<<"$out")" "lines of -S INPUT"
}

# (d) swarmlb writers appending the same rules at once (one big commit, and a burst of one commit
# per rule in the other order) write each rule once: a plan overtaken by the other writer is
# refused (ERESTART) and made again on the new state, where the rules already there are skipped.
# Without the generation check the big commit would append rules the burst has just added.
test_concurrent_same_rules() {
  local ns=$(new_ns ns) n=300 out chain
  for chain in FORWARD INPUT OUTPUT; do  # three rounds: a race lost is not certain in one
    lines "-A $chain -d 10.4.%d.%d -j DROP" $n > /tmp/$PREFIX.same
    nsx "$ns" "$NFT_DRIVER" --each < <(tac /tmp/$PREFIX.same) & local p=$!
    sleep 0.1
    nsx "$ns" "$NFT_DRIVER" --batch < /tmp/$PREFIX.same || fail "the big swarmlb commit failed"
    wait $p || fail "the per-rule swarmlb commits failed"
    out=$(nsx "$ns" iptables-nft -S $chain)
    count_each "$out" "-A $chain -d 10.4.%d.%d/32 -j DROP" $n
    assert_eq $((n + 1)) "$(wc -l <<<"$out")" "lines of -S $chain"
  done
}

run test_write_parity
run test_batch_parity
run test_message_parity
run test_read_parity
run test_unmapped_rule
run test_read_creates_nothing
run test_edit_semantics
run test_concurrent_writers
run test_concurrent_same_rules
finish
