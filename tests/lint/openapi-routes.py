#!/usr/bin/env python3
"""openapi-routes.py DOC ROUTES.C...: compare the routes of the workers'
route tables with the operations of the OpenAPI document, both ways.

Prints one line per problem and exits 1 if there is any:
  missing METHOD PATH      a route of a routes.c the document does not have
  extra METHOD PATH        an operation of the document no routes.c has
  operationId METHOD PATH  an operation whose operationId is not the camelCase
                           name of its handler (appt_book -> apptBook)
  duplicate operationId X  the same operationId twice
  problem-code STATUS CODE a problem code the C code answers (problem() with a
                           literal status and code, or a 409 *conflict()
                           helper) missing from components/responses/
                           ProblemSTATUS's code enum in the document
  idempotency METHOD PATH  a handler that runs through idem_run() whose
                           operation lists no Idempotency-Key header, or an
                           operation that lists one whose handler does not
Path parameters are compared by position only ({id} = {provider_id}).
GET /healthz/{worker} is answered by lib/worker.c for every worker (no
routes.c lists it): it is expected in the document as operationId healthGet.
With --list it prints "METHOD PATH operationId" for every route instead.
"""
import glob
import os
import re
import sys

import yaml

METHODS = ("get", "put", "post", "patch", "delete")
ROUTE = re.compile(r'\{\s*HTTP_([A-Z]+)\s*,\s*"([^"]+)"\s*,\s*([A-Za-z_0-9]+)')
BUILTIN = {("GET", "/healthz/{}"): "healthGet"}


def norm(path):
    return re.sub(r"\{[^}]*\}", "{}", path)


def camel(name):
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def routes_of(files):
    out = dict(BUILTIN)
    for f in files:
        with open(f, encoding="utf-8") as fh:
            text = re.sub(r"/\*.*?\*/", "", fh.read(), flags=re.S)
        for m in ROUTE.finditer(text):
            out[(m.group(1), norm(m.group(2)))] = camel(m.group(3))
    return out


IDEM = re.compile(r"^(\w+)\(struct ctx \*\w+\)\s*\{\s*return idem_run\(", re.M)


def idempotent_handlers(files):
    """camelCase names of the handlers that are one idem_run() call."""
    out = set()
    for d in {os.path.dirname(f) for f in files}:
        for f in glob.glob(os.path.join(d, "*.c")):
            with open(f, encoding="utf-8") as fh:
                out |= {camel(m.group(1)) for m in IDEM.finditer(fh.read())}
    return out


PROBLEM = re.compile(r'\bproblem\(\w+, *(\d{3}), *"([a-z_]+)"')
CONFLICT = re.compile(r'\b(?:wr_|clin_|mfa_)?conflict\((?:[^;"]|\n)*?"([a-z_]+)"')


def problem_codes(root):
    """(status, code) of every problem the C code under ROOT/lib and
    ROOT/cgi-bin answers with a literal code."""
    out = set()
    for f in glob.glob(os.path.join(root, "lib", "*.c")) + \
            glob.glob(os.path.join(root, "cgi-bin", "*", "*.c")):
        with open(f, encoding="utf-8") as fh:
            text = re.sub(r"/\*.*?\*/", "", fh.read(), flags=re.S)
        out |= {(int(m.group(1)), m.group(2)) for m in PROBLEM.finditer(text)}
        out |= {(409, m.group(1)) for m in CONFLICT.finditer(text)
                if not re.match(r"conflict\(struct", m.group(0))}
    return out


def documented_codes(doc, status):
    r = (doc.get("components", {}).get("responses") or {}).get(f"Problem{status}")
    try:
        parts = r["content"]["application/problem+json"]["schema"]["allOf"]
    except (KeyError, TypeError):
        return None
    for p in parts:
        enum = (p.get("properties") or {}).get("code", {}).get("enum")
        if enum is not None:
            return set(enum)
    return None


def has_idem_header(doc, item, op):
    for p in (item.get("parameters") or []) + (op.get("parameters") or []):
        if "$ref" in p:
            p = doc["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]]
        if p.get("in") == "header" and p.get("name", "").lower() == "idempotency-key":
            return True
    return False


def main(argv):
    listing = argv[1:2] == ["--list"]
    if listing:
        argv = argv[1:]
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as fh:
        doc = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    routes = routes_of(argv[2:])
    if listing:
        for (m, p), op in sorted(routes.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            print(m, p, op)
        return 0
    ops = {}
    seen = {}
    problems = []
    for path, item in (doc.get("paths") or {}).items():
        for method in METHODS:
            op = (item or {}).get(method)
            if op is None:
                continue
            key = (method.upper(), norm(path))
            ops[key] = (path, op.get("operationId"), has_idem_header(doc, item, op))
            oid = op.get("operationId")
            if oid is not None and oid in seen:
                problems.append(f"duplicate operationId {oid}")
            seen[oid] = key
    for key in sorted(set(routes) - set(ops)):
        problems.append(f"missing {key[0]} {key[1]}")
    for key in sorted(set(ops) - set(routes)):
        problems.append(f"extra {key[0]} {ops[key][0]}")
    for key in sorted(set(ops) & set(routes)):
        if ops[key][1] != routes[key]:
            problems.append(f"operationId {key[0]} {ops[key][0]}: "
                            f"{ops[key][1]!r}, want {routes[key]!r}")
    idem = idempotent_handlers(argv[2:])
    for key in sorted(set(ops) & set(routes)):
        if (routes[key] in idem) != ops[key][2]:
            problems.append(f"idempotency {key[0]} {ops[key][0]}: handler "
                            f"{'uses' if routes[key] in idem else 'does not use'} idem_run, "
                            f"document {'lists' if ops[key][2] else 'does not list'} Idempotency-Key")
    # ROOT/cgi-bin/WORKER/routes.c
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(argv[2]))))
    pcodes = problem_codes(root)
    for st, code in sorted(pcodes):
        if code not in (documented_codes(doc, st) or set()):
            problems.append(f"problem-code {st} {code}")
    for p in problems:
        print(p)
    print(f"# {len(routes)} routes, {len(ops)} operations, {len(idem)} idempotent "
          f"handlers, {len(pcodes)} problem codes, {len(problems)} problems",
          file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
