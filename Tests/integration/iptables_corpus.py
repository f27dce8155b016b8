#!/usr/bin/env python3
"""iptables 1.8.9's own extension tests (extensions/*.t, iptables-test.py's format) against swarmlb's listing.

iptables_corpus.py BACKEND SWARMLB NAMESPACE CORPUS_DIR [MARKED...]: for each IPv4 test file, in a fresh
namespace NAMESPACE, loads every line marked OK into each of its chains with that backend's own iptables
(`*TABLE` and `:CHAIN,...` headers, `%` iptables commands and `@` commands run as iptables-test.py runs them),
then compares `swarmlb inspect iptables -t T` with `iptables-BACKEND -S -t T` and `--save` with
`iptables-BACKEND-save -t T` (less its `#` lines), rule by rule. A rule is identical when both of its lines are.
Prints per-extension counts, then each differing rule. Exit 0 when every difference is marked by swarmlb
(`[undecoded ...]` / `[unsupported ...]`) and its extension is one of MARKED; 1 otherwise (a silent difference
always fails).
"""
import glob
import os
import shlex
import subprocess
import sys

backend, swarmlb, ns, corpus = sys.argv[1:5]
marked_ok = set(sys.argv[5:])
ipt = f"iptables-{backend}"
env = dict(os.environ, SWARMLB_BACKEND=backend)


def sh(args, check=False):
    return subprocess.run(args, capture_output=True, text=True, env=env, check=check)


def nsx(*args):
    return sh(["ip", "netns", "exec", ns, *args])


def files():
    names = sorted(glob.glob(os.path.join(corpus, "extensions", "lib*.t")))
    names = [f for f in names if os.path.basename(f).startswith(("libipt_", "libxt_"))]
    return names + [os.path.join(corpus, "extensions", "iptables.t")]


def load(path):
    """Loads the file's OK lines; returns the tables written. Rules go in batches, one iptables-restore
    --noflush per run of rules between two `%`/`@` commands (as iptables-test.py's fast mode loads them);
    a batch iptables-restore refuses is loaded again rule by rule, so that a rule iptables cannot load
    here is left out alone, as with one iptables process per rule."""
    table, chains, tables, batch = "filter", [], set(), []

    def flush():
        if not batch:
            return
        text = f"*{table}\n" + "".join(f"-A {chain} {rule}\n" for chain, rule in batch) + "COMMIT\n"
        if subprocess.run(["ip", "netns", "exec", ns, f"{ipt}-restore", "-w", "--noflush"], input=text,
                          capture_output=True, text=True, env=env).returncode == 0:
            tables.add(table)
        else:
            for chain, rule in batch:
                if nsx(ipt, "-w", "-t", table, "-A", chain, *shlex.split(rule)).returncode == 0:
                    tables.add(table)
        batch.clear()

    for line in open(path):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("*"):
            flush()
            table = line[1:].strip()
            continue
        if line.startswith(":"):
            chains = [c.strip() for c in line[1:].split(",")]
            continue
        if line.startswith("%"):
            flush()
            words = shlex.split(line[1:])
            if words and words[0] == "iptables":
                words[0] = ipt
            nsx(*words)
            continue
        if line.startswith("@"):
            flush()
            try:
                nsx(*shlex.split(line[1:]))
            except OSError:
                pass
            continue
        item = line.split(";")
        if len(item) < 3 or item[2] != "OK":
            continue
        if len(item) > 3 and item[3] in ("LEGACY", "NFT") and item[3] != backend.upper():
            continue
        batch.extend((chain, item[0]) for chain in chains)
    flush()
    return tables


def rule_lines(text, save):
    lines = [l for l in text.splitlines() if not (save and l.startswith("#"))]
    return lines, [l for l in lines if l.startswith("-A ")]


totals = {"loaded": 0, "identical": 0}
per_file, differences, unmarked, unlisted, failures = [], [], 0, 0, []
for path in files():
    ext = os.path.basename(path)[:-2]
    ext = ext.split("_", 1)[1] if "_" in ext else ext
    sh(["ip", "netns", "del", ns])
    sh(["ip", "netns", "add", ns], check=True)
    loaded = identical = 0
    for table in sorted(load(path)):
        views = []
        for save in (False, True):
            classic = nsx(f"{ipt}-save" if save else ipt, *([] if save else ["-S"]), "-t", table)
            ours = nsx(swarmlb, "inspect", "iptables", "-t", table, *(["--save"] if save else []))
            if ours.returncode != 0:
                failures.append(f"{ext}: swarmlb inspect iptables -t {table} exited {ours.returncode}: {ours.stderr.strip()}")
            views.append((rule_lines(classic.stdout, save), rule_lines(ours.stdout, save)))
        (s_all, s_rules), (o_all, o_rules) = views[0]
        (v_all, v_rules), (w_all, w_rules) = views[1]
        if len(s_rules) != len(o_rules) or len(v_rules) != len(w_rules):
            failures.append(f"{ext} -t {table}: {len(s_rules)} rules listed by {ipt}, {len(o_rules)} by swarmlb")
        nonrule = ([l for l in s_all if not l.startswith("-A ")], [l for l in o_all if not l.startswith("-A ")])
        if nonrule[0] != nonrule[1]:
            failures.append(f"{ext} -t {table}: chains differ: {nonrule[0]} vs {nonrule[1]}")
        saved_nonrule = ([l for l in v_all if not l.startswith("-A ")], [l for l in w_all if not l.startswith("-A ")])
        if [l for l in saved_nonrule[0]] != [l for l in saved_nonrule[1]]:
            failures.append(f"{ext} -t {table}: -save headers differ: {saved_nonrule[0]} vs {saved_nonrule[1]}")
        for s, o, v, w in zip(s_rules, o_rules, v_rules, w_rules):
            loaded += 1
            if s == o and v == w:
                identical += 1
                continue
            mark = "[undecoded " in o or "[unsupported " in o
            if not mark:
                unmarked += 1
            elif ext not in marked_ok:
                unlisted += 1
            differences.append(f"{'marked' if mark else 'SILENT'} {ext} -t {table}\n  {ipt}: {s}\n  swarmlb: {o}" +
                               ("" if v == s and w == o else f"\n  {ipt}-save: {v}\n  swarmlb --save: {w}"))
    per_file.append((ext, loaded, identical))
    totals["loaded"] += loaded
    totals["identical"] += identical
sh(["ip", "netns", "del", ns])

for ext, loaded, identical in per_file:
    if loaded:
        print(f"{ext:14} {identical:4}/{loaded:<4} identical{'' if identical == loaded else ''}")
print("\n".join(differences))
print("\n".join(failures))
print(f"corpus [{backend}]: {totals['identical']}/{totals['loaded']} rules identical in -S and -save; "
      f"{unmarked} silent differences, {unlisted} marked ones of extensions not listed, {len(failures)} failures")
sys.exit(0 if unmarked == 0 and unlisted == 0 and not failures else 1)
