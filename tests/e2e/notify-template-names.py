#!/usr/bin/env python3
"""notify-template-names.py DIR...: every outbox template name the C code
under DIR (cgi-bin/, lib/, tools/) can enqueue, one per line as
"NAME FILE:LINE"; exit 1 if a template argument cannot be resolved.

A template is the 4th argument of outbox_enqueue(db, channel, user,
TEMPLATE, ...), or the matching argument of a wrapper: any function that
passes one of its own parameters on as the template of a call it makes
(found to a fixed point, so outbox_notify and the wrappers of later
workers count). An argument is resolved when it is
  - a string literal, or several (a ? "a" : "b");
  - NULL (no notification);
  - a name #defined as, or a `static const char NAME[] =`, a literal;
  - EXPR.field / EXPR->field: every literal in that position of the
    initializers of a struct with a member called field, in the same file
    (tables such as { "cancel", ..., "appointment_cancelled", ... }).
Anything else is reported as unresolved, so a new way of naming a
template cannot slip past the check.
"""
import os
import re
import sys

CALLEE = {"outbox_enqueue": 3}
LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')
IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def strip_comments(text):
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text[i] in "\"'":
            q, j = text[i], i + 1
            while j < n and text[j] != q:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def split_args(s):
    """Top-level comma-separated pieces of s."""
    parts, depth, cur, i = [], 0, [], 0
    while i < len(s):
        c = s[i]
        if c == '"':
            j = i + 1
            while j < len(s) and s[j] != '"':
                j += 2 if s[j] == "\\" else 1
            cur.append(s[i:j + 1])
            i = j + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        if c == "," and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(c)
        i += 1
    if "".join(cur).strip():
        parts.append("".join(cur).strip())
    return parts


def balanced(s, i, open_c="(", close_c=")"):
    """Index just past the bracket closing the one at s[i]."""
    depth = 0
    while i < len(s):
        c = s[i]
        if c == '"':
            i += 1
            while i < len(s) and s[i] != '"':
                i += 2 if s[i] == "\\" else 1
        elif c == open_c:
            depth += 1
        elif c == close_c:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(s)


def calls(text, name):
    """(offset, [args]) of each call of name in text (not its definition
    or prototypes: at the start of a line, or after a type name)."""
    for m in re.finditer(r"\b%s\s*\(" % re.escape(name), text):
        before = text[text.rfind("\n", 0, m.start()) + 1:m.start()]
        if before == "" or re.search(r"(^|[\s*])(?!return\b)[A-Za-z_]\w*[\s*]+$", before):
            continue
        start = m.end() - 1
        end = balanced(text, start)
        yield m.start(), split_args(text[start + 1:end - 1])


def functions(text):
    """(name, [param names], body) of each function definition."""
    for m in re.finditer(r"^([A-Za-z_][A-Za-z0-9_]*)\s*\(", text, re.M):
        start = m.end() - 1
        end = balanced(text, start)
        rest = text[end:end + 200].lstrip()
        if not rest.startswith("{"):
            continue
        params = []
        for p in split_args(text[start + 1:end - 1]):
            w = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", p)
            params.append(w[-1] if w else "")
        b0 = text.index("{", end)
        yield m.group(1), params, text[b0:balanced(text, b0, "{", "}")]


def struct_tables(text, field):
    """Literals in the position of member field in the file's struct tables."""
    names = []
    for m in re.finditer(r"struct\s*([A-Za-z_][A-Za-z0-9_]*)?\s*\{", text):
        b0 = m.end() - 1
        b1 = balanced(text, b0, "{", "}")
        members = [x.strip() for x in text[b0 + 1:b1 - 1].split(";") if x.strip()]
        idx = None
        for k, decl in enumerate(members):
            if re.search(r"\b%s\s*(\[[^\]]*\])?$" % re.escape(field), decl):
                idx = k
        if idx is None:
            continue
        # The table: "... } name[] = {" right after the body (anonymous
        # struct), or "struct tag name[] = {" anywhere in the file.
        heads = [b1] if m.group(1) is None else []
        if m.group(1):
            heads += [x.end() for x in re.finditer(
                r"struct\s+%s\s+[A-Za-z_][A-Za-z0-9_]*\s*\[[^\]]*\]\s*=" % m.group(1), text)]
        for h in heads:
            eq = text.find("=", h)
            if eq < 0 or text[h:eq].count(";"):
                continue
            t0 = text.find("{", eq)
            t1 = balanced(text, t0, "{", "}")
            for row in split_args(text[t0 + 1:t1 - 1]):
                if not row.startswith("{"):
                    continue
                cells = split_args(row[1:-1])
                desig = [c for c in cells if c.startswith("." + field)]
                cell = desig[0].split("=", 1)[1].strip() if desig else (
                    cells[idx] if idx < len(cells) and not cells[0].startswith(".") else "")
                names += LITERAL.findall(cell)
    return names


def constants(texts):
    table = {}
    for t in texts:
        for m in re.finditer(r'^\s*#\s*define\s+([A-Za-z_]\w*)\s+"([^"]*)"\s*$', t, re.M):
            table[m.group(1)] = m.group(2)
        for m in re.finditer(r'static\s+const\s+char\s+([A-Za-z_]\w*)\s*\[\s*\]\s*=\s*"([^"]*)"', t):
            table[m.group(1)] = m.group(2)
    return table


def resolve(arg, text, consts):
    lits = LITERAL.findall(arg)
    if lits:
        return lits
    if arg == "NULL":
        return []
    if IDENT.match(arg) and arg in consts:
        return [consts[arg]]
    m = re.search(r"(?:\.|->)([A-Za-z_]\w*)$", arg)
    if m:
        found = struct_tables(text, m.group(1))
        if found:
            return found
    return None


def main():
    files = {}
    for d in sys.argv[1:]:
        for sub in ("cgi-bin", "lib", "tools"):
            for root, _, names in os.walk(os.path.join(d, sub)):
                for n in names:
                    if n.endswith((".c", ".h")):
                        p = os.path.join(root, n)
                        files[p] = strip_comments(open(p, encoding="utf-8").read())
    consts = constants(files.values())
    callee = dict(CALLEE)
    changed = True
    while changed:
        changed = False
        for text in files.values():
            for fname, params, body in functions(text):
                if fname in callee:
                    continue
                for c, pos in list(callee.items()):
                    for _, args in calls(body, c):
                        if pos < len(args) and args[pos] in params:
                            callee[fname] = params.index(args[pos])
                            changed = True
    bad = 0
    for path, text in sorted(files.items()):
        wrappers = {f: params for f, params, _ in functions(text) if f in callee}
        for c, pos in callee.items():
            for off, args in calls(text, c):
                if pos >= len(args):
                    continue
                line = text.count("\n", 0, off) + 1
                arg = args[pos]
                # Inside a wrapper, passing its own parameter on is not a use.
                if any(arg in params for params in wrappers.values()) and IDENT.match(arg):
                    continue
                names = resolve(arg, text, consts)
                if names is None:
                    print("UNRESOLVED %s:%d %s(..., %s, ...)" % (path, line, c, arg))
                    bad = 1
                    continue
                for n in names:
                    print("%s %s:%d" % (n, path, line))
    return bad


if __name__ == "__main__":
    sys.exit(main())
