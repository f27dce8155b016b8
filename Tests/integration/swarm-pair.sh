# Tests against a real two-node Docker swarm (Docker 28.5 from sid, two VMs on one Ethernet segment): each node of
# Tests/docker/pair.sh runs this file against itself, DOCKER_NODE holding its Docker view, PAIR the directory both
# nodes share. On each node: inspect --all finds nothing wrong, every view is ip's or bridge's in every namespace,
# inspect --expect of Docker's `docker network inspect -v` finds the overlay peers as Docker programmed them. On
# node 1 (the manager) only: the routing mesh answers on both nodes from tasks of both, a peer entry deleted by hand
# is named, and after node 2 is drained the peers follow and swarmlb agrees with Docker.

require_backend
[ -n "${DOCKER_NODE:-}" ] && [ -n "${PAIR:-}" ] && [ -s "$DOCKER_NODE/network-my-network.json" ] || {
  echo "swarm-pair.sh runs on the nodes Tests/docker/pair.sh builds (make docker-test): DOCKER_NODE or PAIR is not set" >&2
  echo "0 passed, 1 failed, 0 skipped"; exit 1; }
node=$SWARMLB_VM_NODE other=$((3 - SWARMLB_VM_NODE))

# overlay_ns NET: the overlay namespace Docker made for NET on this node (1-<first 10 characters of its id>).
overlay_ns() {
  local id; id=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[0]["Id"][:10])' "$DOCKER_NODE/network-$1.json")
  [ -e "/run/docker/netns/1-$id" ] || fail "no /run/docker/netns/1-$id for $1"
  echo "/run/docker/netns/1-$id"
}
# vxlan_of NS: the vxlan device of an overlay namespace.
vxlan_of() { nsenter --net="$1" ip -o link show type vxlan | awk -F': ' '{print $2; exit}' | cut -d@ -f1; }
# tasks_on JSON NODE: the addresses of the tasks of a `docker network inspect -v` that run on NODE, one a line.
tasks_on() {
  python3 -c '
import json, sys
for s in (json.load(open(sys.argv[1]))[0].get("Services") or {}).values():
    for t in s.get("Tasks") or []:
        if t["Info"]["Host IP"] == sys.argv[2]: print(t["EndpointIP"])' "$1" "$2" | sort
}
# problems_of JSON: "kind message" of every problem of an inspect --json report, one a line.
problems_of() { python3 -c 'import json, sys; [print(p["kind"], p["message"]) for r in json.load(sys.stdin) for p in r.get("problems") or []]'; }
mounted_namespaces() { local f; for f in /run/docker/netns/*; do [ "$(stat -f -c %T "$f")" != nsfs ] || echo "$f"; done; }

test_1_inspect_all_finds_nothing_wrong() {
  local out rc=0 ns
  out=$("$SWARMLB" inspect --all) || rc=$?
  [ $rc = 0 ] || { printf '%s\n' "$out" >&2; fail "inspect --all exited $rc on node $node of the healthy swarm"; }
  for ns in $(overlay_ns my-network) $(overlay_ns ingress); do assert_contains "$out" "== $ns (overlay)"; done
  assert_contains "$out" "== /run/docker/netns/ingress_sbox (ingress)"
  # The overlay section lists the other node's tasks as peers behind its address.
  assert_contains "$out" "192.168.99.$other"
  "$SWARMLB" inspect --all --json | schema_check reports
}

# same_view WHAT NS OURS THEIRS: the two outputs are the same bytes (and not empty, but for neighbours: a task's
# namespace may have none yet); read again (three times at most) when they differ, as a neighbour's state or a
# learned FDB entry may change between the two reads on a live node.
same_view() {
  local try ours theirs
  for try in 1 2 3; do
    ours=$(eval "$3"; echo .); theirs=$(eval "$4"; echo .)
    [ "$ours" != "$theirs" ] || { [ "${#ours}" -gt 1 ] || [ "$1" = "inspect neigh" ] || { echo "$1 in $2: nothing listed" >&2; return 1; }; return 0; }
    sleep 1
  done
  diff --label "$2: $4" --label "swarmlb" <(printf '%s' "$theirs") <(printf '%s' "$ours") >&2
  return 1
}

test_2_every_view_is_ip_or_bridge_in_every_namespace() {
  local ns n=0 differ=0 what run names
  names=$(mounted_namespaces | tr '\n' ' ')
  for ns in $(overlay_ns my-network) $(overlay_ns ingress) /run/docker/netns/ingress_sbox; do assert_contains "$names" "$ns"; done
  assert_contains "$names" "/run/docker/netns/lb_"
  for ns in host $names; do
    run=""; [ "$ns" = host ] || run="nsenter --net=$ns"
    sl="$SWARMLB"; [ "$ns" = host ] || sl="$SWARMLB -n $ns"
    for what in "link|ip -o link show" "addr|ip -o addr show" "route|ip route show" "neigh|ip neigh show" "fdb|bridge fdb show"; do
      n=$((n + 1))
      same_view "inspect ${what%%|*}" "$ns" "$sl inspect ${what%%|*}" "$run ${what#*|}" || differ=$((differ + 1))
    done
  done
  [ $differ = 0 ] || fail "$differ of $n views differ from ip's or bridge's on node $node"
}

test_3_inspect_expect_finds_the_peers_docker_programmed() {
  local net ns vx json out rc task mac tasks
  for net in my-network ingress; do
    json=$DOCKER_NODE/network-$net.json ns=$(overlay_ns $net) vx=$(vxlan_of "$ns")
    tasks=$(tasks_on "$json" 192.168.99.$other)
    [ -n "$tasks" ] || fail "Docker's view of $net on node $node holds no task of node $other"
    # What the classic tools show: each task of the other node has its neighbour entry and an FDB entry to that node.
    for task in $tasks; do
      mac=$(nsenter --net="$ns" ip neigh show "$task" dev "$vx" | awk '{print $3}')
      [ -n "$mac" ] || fail "$net: no neighbour entry for $task in $ns"
      assert_contains "$(nsenter --net="$ns" bridge fdb show dev "$vx")" "$mac dst 192.168.99.$other"
    done
    rc=0; out=$("$SWARMLB" -n "$ns" inspect --expect "$json") || rc=$?
    [ $rc = 0 ] || { printf '%s\n' "$out" >&2; fail "inspect --expect of docker network inspect -v $net exited $rc in $ns"; }
    for task in $tasks; do assert_contains "$out" "$task"; done
  done
}

if [ "$node" = 1 ]; then

test_4_published_port_answers_on_both_nodes_from_tasks_of_both() {
  local a i answers
  for a in 192.168.99.1 192.168.99.2; do
    answers=$(for i in 1 2 3 4 5 6; do curl -sS --max-time 20 "http://$a:8080/" || echo "no answer"; done | sort -u | tr '\n' ' ')
    assert_eq "swarmlb-node1 swarmlb-node2 " "$answers" "the tasks answering on $a:8080 (6 requests)"
  done
}

test_5_a_peer_entry_deleted_by_hand_is_named() {
  local ns vx json task mac rc fdb_before problems out
  json=$DOCKER_NODE/network-my-network.json ns=$(overlay_ns my-network) vx=$(vxlan_of "$ns")
  task=$(tasks_on "$json" 192.168.99.2 | head -1)
  mac=$(nsenter --net="$ns" ip neigh show "$task" dev "$vx" | awk '{print $3}')
  [ -n "$mac" ] || fail "no neighbour entry for $task in $ns"
  fdb_before=$(nsenter --net="$ns" bridge fdb show dev "$vx" | sort)
  nsenter --net="$ns" bridge fdb del "$mac" dev "$vx" dst 192.168.99.2 self
  problems=$("$SWARMLB" inspect --all --json | problems_of) || true
  rc=0; "$SWARMLB" inspect --all > /dev/null || rc=$?
  out=$("$SWARMLB" -n "$ns" inspect --expect "$json" 2>&1; echo "exit $?")
  nsenter --net="$ns" bridge fdb add "$mac" dev "$vx" dst 192.168.99.2 self permanent
  assert_eq 3 "$rc" "inspect --all with $task's FDB entry deleted"
  assert_eq 1 "$(grep -c . <<<"$problems")" "problems found by inspect --all: $problems"
  assert_contains "$problems" "overlay_peer_incomplete "
  assert_contains "$problems" "peer $task ($mac) has a neighbour entry but no FDB entry"
  assert_contains "$out" "exit 3"
  assert_contains "$out" "$task"
  assert_eq "$fdb_before" "$(nsenter --net="$ns" bridge fdb show dev "$vx" | sort)" "the FDB entries once restored"
  "$SWARMLB" inspect --all > /dev/null || fail "inspect --all exited $? once the entry was restored"
}

test_9_peers_follow_a_drain_and_swarmlb_agrees_with_docker() {
  local ns vx json=$DOCKER_NODE/network-my-network.json gone task rc out until fresh
  ns=$(overlay_ns my-network) vx=$(vxlan_of "$ns")
  gone=$(tasks_on "$json" 192.168.99.2)
  [ -n "$gone" ] || fail "no task of node 2 in Docker's view before the drain"
  # Node 2 checks itself first (the drain changes it); a dead node 2 fails this in bounded time.
  until=$((SECONDS + 900))
  until [ -e "$PAIR/node2-checked" ]; do
    [ ! -e "$PAIR/abort.2" ] || fail "node 2 gave up"
    [ $SECONDS -lt $until ] || fail "after 900 s node 2 had not finished its checks"
    sleep 2
  done
  timeout 240 docker node update --availability drain swarmlb-node2 > /dev/null
  fresh=$DOCKER_NODE/network-my-network-drained.json
  node2_empty() {
    timeout 240 docker network inspect -v my-network > "$fresh" && [ -z "$(tasks_on "$fresh" 192.168.99.2)" ] &&
      [ -n "$(tasks_on "$fresh" 192.168.99.1)" ]
  }
  until=$((SECONDS + 600))
  until node2_empty; do [ $SECONDS -lt $until ] || fail "after 600 s Docker's view still holds tasks of node 2"; sleep 3; done
  # The peers follow: Docker removes node 2's task entries from the overlay namespace.
  entries_gone() {
    local t; for t in $gone; do [ -z "$(nsenter --net="$ns" ip neigh show "$t" dev "$vx")" ] || return 1; done
    ! nsenter --net="$ns" bridge fdb show dev "$vx" | grep -v '^00:00:00:00:00:00' | grep -q 'dst 192.168.99.2'
  }
  until=$((SECONDS + 300))
  until entries_gone; do
    [ $SECONDS -lt $until ] || { nsenter --net="$ns" ip neigh show; nsenter --net="$ns" bridge fdb show dev "$vx"; fail "after 300 s node 2's task entries stay in $ns"; }
    sleep 3
  done
  timeout 240 docker network inspect -v my-network > "$fresh"
  rc=0; out=$("$SWARMLB" -n "$ns" inspect --expect "$fresh") || rc=$?
  [ $rc = 0 ] || { printf '%s\n' "$out" >&2; fail "inspect --expect of the drained swarm's docker network inspect -v exited $rc"; }
  for task in $gone; do assert_not_contains "$out" "$task"; done
  out=$("$SWARMLB" inspect --all) || { printf '%s\n' "$out" >&2; fail "inspect --all exited $? after the drain"; }
}

fi
