# Tests of `swarmlb inspect` against a real Docker swarm node (20.10, 26 or 28) (Tests/docker/node.sh builds it inside the
# VM and saved Docker's view in $DOCKER_NODE), on the iptables backend Docker itself uses (BACKEND): the role of
# each namespace Docker made, inspect --expect with Docker's own `docker network inspect -v` (clean, then with a
# stale real server, moby#33790), the file a removed container's namespace leaves for a while, and IPVS's
# timeouts as ipvsadm prints them.

require_backend
[ -n "${DOCKER_NODE:-}" ] && [ -s "$DOCKER_NODE/network-my-network.json" ] || {
  echo "docker-inspect.sh runs on the node Tests/docker/node.sh builds (make docker-test): DOCKER_NODE is not set" >&2
  echo "0 passed, 1 failed, 0 skipped"; exit 1; }

# The load-balancer namespace of my-network (lb_<first 9 characters of its id>).
lb_of_my_network() {
  local id; id=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[0]["Id"][:9])' "$DOCKER_NODE/network-my-network.json")
  [ -e "/run/docker/netns/lb_$id" ] || fail "no /run/docker/netns/lb_$id for my-network"
  echo "/run/docker/netns/lb_$id"
}

test_inspect_all_gives_every_docker_namespace_its_role() {
  local json; json=$("$SWARMLB" inspect --all --json) || fail "inspect --all exited $? on the healthy node"
  schema_check reports <<<"$json"
  python3 -c '
import json, re, sys
roles = {r.get("namespace"): r["role"] for r in json.load(sys.stdin)}
def want(name):
    if name.startswith("lb_"): return "load_balancer"
    if name == "ingress_sbox": return "ingress"
    if name.startswith("1-"): return "overlay"
    if re.fullmatch("[0-9a-f]{12}", name): return "container"
names = sorted(sys.argv[1:])
got = {n: roles.get("/run/docker/netns/" + n) for n in names}
expected = {n: want(n) for n in names}
assert got == expected, (got, expected)
assert "load_balancer" in got.values() and "ingress" in got.values() and "overlay" in got.values() and "container" in got.values(), got
' $(docker_namespaces) <<<"$json"
  out=$("$SWARMLB" inspect --all) || true
  assert_contains "$out" "== $(lb_of_my_network) (load_balancer)"
  assert_contains "$out" "== /run/docker/netns/ingress_sbox (ingress)"
}

# A container removed leaves the file of its namespace under /run/docker/netns, unmounted, until Docker's next
# clean-up (20.10: a minute or two; 26: a few seconds): inspect --all skips it with a note and still finds the node
# healthy. Tried again when the clean-up came first. Docker 28 deletes the file at once (a named difference,
# docs/testing.md): nothing is left to skip, and inspect --all right after the removal is clean, without a note.
test_inspect_all_skips_the_file_of_a_sandbox_docker_just_removed() {
  local try rc err=$DOCKER_NODE/inspect-all-beside-a-removed-sandbox.err before after
  if [ "$(docker_major)" -ge 28 ]; then
    before=$(ls /run/docker/netns)
    timeout 240 /usr/bin/docker run --rm --network none local/bb:latest true || fail "docker run --rm --network none"
    after=$(ls /run/docker/netns)
    rc=0; "$SWARMLB" inspect --all > /dev/null 2> "$err" || rc=$?
    assert_eq "$before" "$after" "Docker $(docker_major) left a file under /run/docker/netns after docker run --rm"
    assert_eq 0 "$rc" "inspect --all right after docker run --rm (stderr: $(cat "$err"))"
    assert_eq "" "$(cat "$err")" "inspect --all's stderr with no removed sandbox's file"
    return 0
  fi
  for try in 1 2 3; do
    timeout 240 /usr/bin/docker run --rm --network none local/bb:latest true || fail "docker run --rm --network none"
    rc=0; "$SWARMLB" inspect --all > /dev/null 2> "$err" || rc=$?
    grep -q "^swarmlb: note: skipped /run/docker/netns/[0-9a-f]\{12\}: an unmounted namespace file" "$err" || continue
    assert_eq 0 "$rc" "inspect --all beside a removed sandbox's file (stderr: $(cat "$err"))"
    assert_eq "" "$(grep -v '^swarmlb: note: skipped ' "$err")" "inspect --all's other errors"
    return 0
  done
  fail "Docker $(docker_major) deleted the removed sandbox's file before inspect --all read /run/docker/netns, $try times"
}

test_inspect_expect_docker_network_inspect_then_a_stale_real() {
  local lb json mark; lb=$(lb_of_my_network); json=$DOCKER_NODE/network-my-network.json
  out=$("$SWARMLB" -n "$lb" inspect --expect "$json") || { printf '%s\n' "$out" >&2; fail "inspect --expect exited $? on the healthy node"; }
  mark=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[0]["Services"]["my-web"]["LocalLBIndex"])' "$json")
  assert_contains "$out" "$(printf '0x%x (%d)  my-web' "$mark" "$mark")"
  nsenter --net="$lb" ipvsadm -a -f "$mark" -r 10.0.0.250:0 -m
  local rc=0; out=$("$SWARMLB" -n "$lb" inspect --expect "$json") || rc=$?
  nsenter --net="$lb" ipvsadm -d -f "$mark" -r 10.0.0.250:0
  assert_eq 3 "$rc" "inspect --expect with a stale real"
  assert_eq "1 problem found:
  real server 10.0.0.250:0 of service my-web (FWM $mark) is no task of the service (stale backend, moby#33790)" \
    "$(sed -n '/^[0-9]* problems\? found:$/,$p' <<<"$out")"
}

test_inspect_ipvs_timeout_is_ipvsadm_in_the_load_balancer() {
  local lb; lb=$(lb_of_my_network)
  assert_eq "$(nsenter --net="$lb" ipvsadm -L --timeout)" "$("$SWARMLB" -n "$lb" inspect ipvs --timeout)"
}
