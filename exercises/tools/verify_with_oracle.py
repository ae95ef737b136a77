#!/usr/bin/env python3
"""Checks .exercise files against real nginx through the oracle: the start must miss the goal, the solution meet it.

    python3 exercises/tools/verify_with_oracle.py [--keep] exercises/*.exercise

Needs the oracle (../shared/oracle, or $ORACLE) and what it needs (root, nginx 1.22.1). `vhost` and `location`
expectations cannot be observed by the oracle and are reported as skipped.
"""
import json, os, shutil, subprocess, sys, tempfile

ORACLE = os.environ.get("ORACLE") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../shared/oracle/oracle.py")

def parse(path):
    meta, sections, cur = {}, [], None
    for line in open(path).read().split("\n"):
        if line.startswith("==="):
            w = line[3:].split()
            cur = [w[0], w[1] if len(w) > 1 else None, []]
            sections.append(cur)
        elif cur is None:
            if ":" in line and not line.strip().startswith("#"):
                k, v = line.split(":", 1); meta[k.strip()] = v.strip()
        else:
            cur[2].append(line)
    out = {"config": [], "solution": [], "hint": []}
    for kind, arg, body in sections:
        while body and not body[-1].strip(): body.pop()
        text = "\n".join(body) + ("\n" if body else "")
        if kind in ("config", "solution"): out[kind].append((arg or "nginx.conf", text))
        elif kind == "hint": out["hint"].append(text)
        else: out[kind] = text
    out.update(meta)
    return out

def find_arrow(line):
    q = None; i = 0
    while i < len(line):
        c = line[i]
        if q:
            if c == q: q = None
            elif c == "\\" and q == '"': i += 1
        elif c == "\\": i += 1
        elif c in "\"'": q = c
        elif line.startswith("=>", i) and i > 0 and line[i-1].isspace() and (i + 2 == len(line) or line[i+2].isspace()):
            return i
        i += 1
    return None

def parse_value(s):
    s = s.strip()
    vals = []
    # Split on " | " outside quotes: a simplified twin of crates/ngxplay-core/src/expect.rs.
    parts, cur, q, i = [], "", False, 0
    while i < len(s):
        c = s[i]
        if c == '"' and (not cur.strip() or q):
            q = not q; cur += c
        elif c == "\\" and q:
            cur += s[i:i+2]; i += 1
        elif c == "|" and not q and cur.endswith(" "):
            parts.append(cur); cur = ""
        else:
            cur += c
        i += 1
    parts.append(cur)
    for p in parts:
        p = p.strip()
        if p == "none": vals.append(None)
        elif p.startswith('"'): vals.append(json.loads(p))
        else: vals.append(p)
    return vals

def split_items(s):
    items, cur, q, i = [], "", False, 0
    while i < len(s):
        c = s[i]
        if c == '"': q = not q
        if c == "\\" and q: cur += s[i:i+2]; i += 2; continue
        if c == "," and not q: items.append(cur); cur = ""
        else: cur += c
        i += 1
    items.append(cur)
    return [x.strip() for x in items]

def actual(field, r):
    up = r.get("upstream") or {}
    st = r.get("status")
    return {
        "status": None if st is None else str(st),
        "upstream": up.get("upstream"), "server": up.get("server"), "uri": up.get("uri"), "host": up.get("host"),
        "file": r.get("file"), "redirect": r.get("location"), "body": r.get("body"), "source": r.get("source"),
    }.get(field, "UNOBSERVABLE")

def run(ex, which, keep):
    d = tempfile.mkdtemp(prefix="ex-%s-%s-" % (ex["id"], which))
    files = ex[which]
    reqs, exps = [], []
    for n, line in enumerate(ex["requests"].split("\n"), 1):
        a = find_arrow(line) if line.strip() and not line.strip().startswith("#") else None
        if a is None:
            reqs.append(line); continue
        reqs.append(line[:a].rstrip())
        exps.append((n, line[:a].strip(), [(it.split(None, 1)[0], parse_value(it.split(None, 1)[1])) for it in split_items(line[a+2:])]))
    open(os.path.join(d, "nginx.conf"), "w").write(files[0][1])
    for p, t in files[1:]:
        fp = os.path.join(d, "fs", p.lstrip("/")); os.makedirs(os.path.dirname(fp), exist_ok=True); open(fp, "w").write(t)
    open(os.path.join(d, "requests.txt"), "w").write("\n".join(reqs))
    if ex.get("files"): open(os.path.join(d, "files.txt"), "w").write(ex["files"])
    if ex.get("backends"): open(os.path.join(d, "backends.txt"), "w").write(ex["backends"])
    subprocess.run([sys.executable, ORACLE, d], check=True, capture_output=True)
    res = json.load(open(os.path.join(d, "expected.json")))
    if not res["config_test"]["ok"]:
        print("  %s: CONFIG FAILS: %s" % (which, res["config_test"]["errors"]))
        if not keep:
            shutil.rmtree(d, ignore_errors=True)
        return False
    failed = 0
    for line, req, items in exps:
        rs = [r for r in res["results"] if r["line"] == line]
        for field, vals in items:
            acts = [actual(field, r) for r in rs]
            if "UNOBSERVABLE" in acts:
                print("  %s: line %d %s: %s not observable" % (which, line, req, field)); continue
            ok = bool(rs) and (all(a == vals[0] for a in acts) if len(vals) == 1 else acts == vals)
            if not ok:
                failed += 1
                print("  %s: line %d %s: %s expected %s got %s" % (which, line, req, field, vals, acts))
    if keep:
        print("  kept", d)
    else:
        shutil.rmtree(d, ignore_errors=True)
    return failed == 0

keep = "--keep" in sys.argv
bad = 0
for path in [a for a in sys.argv[1:] if a != "--keep"]:
    ex = parse(path)
    print("==", ex["id"])
    s = run(ex, "config", keep)
    sol = run(ex, "solution", keep)
    ok = not s and sol
    bad += not ok
    print("  start meets the goal:", s, "| solution meets the goal:", sol, "=>", "OK" if ok else "PROBLEM")
sys.exit(1 if bad else 0)
