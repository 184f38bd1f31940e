#!/usr/bin/env bash
# test-doc-links: every relative link of README.md, docs/*.md and
# bench/README.md names a file or folder of the source tree, and every
# "#anchor" a heading of the page it points to (GitHub's slugs). Links to
# other sites (http:, https:, mailto:) are not followed. TAP. Needs no
# build and no stack (also runs under make distcheck).
#
# PENDING: pages other branches of issue 14 are adding; while one is
# missing its link is reported as "not ok ... # TODO" (an expected
# failure), and as a plain "ok" once it is there. Drop a name from the
# list once the branch that adds it is merged.
set -u
SRC=$(cd -- "${srcdir:-$(dirname -- "$0")/../..}" && pwd -P)
PY=$(command -v python3) || { echo "1..0 # SKIP python3 is not installed"; exit 0; }
PENDING=""
cd "$SRC" || exit 1
exec "$PY" - "$PENDING" README.md docs/*.md bench/README.md <<'PYEOF'
import os, re, sys
pending = set(sys.argv[1].split())
pages = [p for p in sys.argv[2:] if os.path.exists(p)]
link = re.compile(r'(?<!!)\[[^\]]*\]\(([^)\s]+)\)')
fence = re.compile(r'^\s*(```|~~~)')

def slugs(path):
    out, on = set(), False
    for line in open(path, encoding='utf-8'):
        if fence.match(line):
            on = not on
            continue
        m = None if on else re.match(r'^#{1,6}\s+(.*?)\s*#*\s*$', line)
        if m:
            s = m.group(1).strip().lower()
            s = re.sub(r'[^\w\- ]', '', s).replace(' ', '-')
            out.add(s)
    return out

n = bad = 0
def ok(good, name, todo=False):
    global n, bad
    n += 1
    if good:
        print('ok %d - %s' % (n, name))
    elif todo:
        print('not ok %d - %s # TODO added by another branch of issue 14' % (n, name))
    else:
        bad += 1
        print('not ok %d - %s' % (n, name))

ok(len(pages) >= 3, 'the pages are there (%d)' % len(pages))
for page in pages:
    on = False
    for no, line in enumerate(open(page, encoding='utf-8'), 1):
        if fence.match(line):
            on = not on
            continue
        if on:
            continue
        for target in link.findall(line):
            if re.match(r'^[a-z]+:', target):
                continue
            path, _, anchor = target.partition('#')
            dest = os.path.normpath(os.path.join(os.path.dirname(page), path)) if path else page
            name = '%s:%d -> %s' % (page, no, target)
            if dest.startswith('..'):
                ok(False, name + ' (outside the source tree)')
                continue
            if not os.path.exists(dest):
                ok(False, name, dest in pending)
                continue
            if anchor and dest.endswith('.md'):
                ok(anchor in slugs(dest), name + ' (anchor)')
            else:
                ok(True, name)
print('1..%d' % n)
sys.exit(1 if bad else 0)
PYEOF
