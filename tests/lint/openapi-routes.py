#!/usr/bin/env python3
"""openapi-routes.py DOC ROUTES.C...: compare the routes of the workers'
route tables with the operations of the OpenAPI document, both ways.

Prints one line per problem and exits 1 if there is any:
  missing METHOD PATH      a route of a routes.c the document does not have
  extra METHOD PATH        an operation of the document no routes.c has
  operationId METHOD PATH  an operation whose operationId is not the camelCase
                           name of its handler (appt_book -> apptBook)
  duplicate operationId X  the same operationId twice
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
    for p in problems:
        print(p)
    print(f"# {len(routes)} routes, {len(ops)} operations, {len(problems)} problems",
          file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
