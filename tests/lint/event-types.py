#!/usr/bin/env python3
"""event-types.py: every event type the C code can emit.

usage: event-types.py FILE.c|DIR...

Finds every call of events_append() and of its wrappers (functions that pass
one of their own parameters on as the type), and resolves the type argument
to the string literals it can be:
  - a literal ("appointment.booked"), or adjacent literals;
  - a conditional (is_add ? "care_team.added" : "care_team.removed");
  - a variable: the expressions assigned to it in the function, or at file
    scope, or a #define of a literal;
  - a table field (changes[ch].event, t->event): that field of every row of
    the file's static tables whose struct has it (positional or designated);
  - a parameter of the enclosing function: then that function is a wrapper
    and its callers are resolved instead.
Anything else is an error: an event type the check cannot see could be
missing from docs/EVENTS.md. Rows written to the events table by SQL of
their own (INSERT INTO events outside lib/events.c) are errors too.

Prints "TYPE<TAB>FILE:LINE" per use, sorted; errors on stderr as
"FILE:LINE: message". Exit status 0, or 1 if there were errors.
"""
import os
import re
import sys

KEYWORDS = {"if", "while", "for", "switch", "return", "sizeof", "do", "else",
            "case", "default", "goto", "break", "continue"}
PUNCT = ["->", "++", "--", "<<=", ">>=", "<<", ">>", "<=", ">=", "==", "!=",
         "&&", "||", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "..."]


class Tok:
    __slots__ = ("kind", "val", "line")

    def __init__(self, kind, val, line):
        self.kind, self.val, self.line = kind, val, line

    def __repr__(self):
        return "%s:%r" % (self.kind, self.val)


def unescape(body):
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            n = body[i + 1]
            out.append({"n": "\n", "t": "\t", "r": "\r", "0": "\0"}.get(n, n))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def tokenize(text):
    """Tokens of C text; comments dropped; directives returned apart."""
    toks, directives = [], []
    i, line, n = 0, 1, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
            at_line_start = True
            continue
        if c in " \t\r\f\v":
            i += 1
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            line += text.count("\n", i, j)
            i = j
            continue
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if c == "#" and at_line_start:
            j = i
            while True:
                k = text.find("\n", j)
                if k < 0:
                    k = n
                    break
                if text[k - 1] == "\\":
                    j = k + 1
                    continue
                break
            directives.append((text[i:k].replace("\\\n", " "), line))
            line += text.count("\n", i, k)
            i = k
            continue
        at_line_start = False
        if c == '"':
            j, buf = i + 1, []
            while j < n and text[j] != '"':
                if text[j] == "\\":
                    buf.append(text[j:j + 2])
                    j += 2
                else:
                    buf.append(text[j])
                    j += 1
            val = unescape("".join(buf))
            if toks and toks[-1].kind == "str":
                toks[-1].val += val
            else:
                toks.append(Tok("str", val, line))
            i = j + 1
            continue
        if c == "'":
            j = i + 1
            while j < n and text[j] != "'":
                j += 2 if text[j] == "\\" else 1
            toks.append(Tok("char", text[i:j + 1], line))
            i = j + 1
            continue
        m = re.match(r"[A-Za-z_][A-Za-z0-9_]*", text[i:i + 256])
        if m:
            toks.append(Tok("id", m.group(0), line))
            i += len(m.group(0))
            continue
        m = re.match(r"[0-9][0-9A-Za-z_.]*", text[i:i + 64])
        if m:
            toks.append(Tok("num", m.group(0), line))
            i += len(m.group(0))
            continue
        for p in PUNCT:
            if text.startswith(p, i):
                toks.append(Tok("p", p, line))
                i += len(p)
                break
        else:
            toks.append(Tok("p", c, line))
            i += 1
    return toks, directives


def match_close(toks, i):
    """Index of the bracket closing the one at i."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    open_, close = toks[i].val, pairs[toks[i].val]
    depth = 0
    for j in range(i, len(toks)):
        if toks[j].kind == "p":
            if toks[j].val == open_:
                depth += 1
            elif toks[j].val == close:
                depth -= 1
                if depth == 0:
                    return j
    return len(toks) - 1


def split_top(toks, sep=","):
    """Split a token list at top-level separators."""
    parts, cur, depth = [], [], 0
    for t in toks:
        if t.kind == "p" and t.val in "([{":
            depth += 1
        elif t.kind == "p" and t.val in ")]}":
            depth -= 1
        if depth == 0 and t.kind == "p" and t.val == sep:
            parts.append(cur)
            cur = []
        else:
            cur.append(t)
    if cur or parts:
        parts.append(cur)
    return parts


def decl_name(toks):
    """The declared name of a declaration or parameter's tokens."""
    for i, t in enumerate(toks):	# function pointer: (*name)
        if (t.kind == "p" and t.val == "(" and i + 2 < len(toks) and
                toks[i + 1].val == "*" and toks[i + 2].kind == "id"):
            return toks[i + 2].val
    name = None
    for t in toks:
        if t.kind == "p" and t.val in ("[", ":", "="):
            break
        if t.kind == "id":
            name = t.val
    return name


class Func:
    def __init__(self, name, params, body, path):
        self.name, self.params, self.body, self.path = name, params, body, path


def included_defines(path, directives):
    """The #define lines of the headers path includes with quotes (one
    level), found next to path or under a folder above it."""
    out = []
    for d, _ in directives:
        m = re.match(r'#\s*include\s+"([^"]+)"', d.strip())
        if not m:
            continue
        base = os.path.dirname(os.path.abspath(path))
        while True:
            cand = os.path.join(base, m.group(1))
            if os.path.isfile(cand):
                with open(cand, encoding="utf-8", errors="replace") as f:
                    _, hdirs = tokenize(f.read())
                out += [h for h, _ in hdirs if re.match(r'#\s*define\b', h.strip())]
                break
            up = os.path.dirname(base)
            if up == base:
                break
            base = up
    return out


class Table:
    def __init__(self, fields, init, path):
        self.fields, self.init, self.path = fields, init, path


class Unit:
    """One C file: functions, file-scope tokens, tables, struct fields, macros."""

    def __init__(self, path, text):
        self.path = path
        self.toks, directives = tokenize(text)
        self.macros = {}
        for d in [d for d, _ in directives] + included_defines(path, directives):
            m = re.match(r'#\s*define\s+([A-Za-z_]\w*)\s+((?:"(?:[^"\\]|\\.)*"\s*)+)$', d.strip())
            if m:
                self.macros[m.group(1)] = "".join(unescape(s) for s in
                                                  re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2)))
        self.funcs, self.tables, self.structs, self.top = [], [], {}, []
        self.parse()

    def parse(self):
        t, i = self.toks, 0
        while i < len(t):
            tok = t[i]
            if tok.kind == "p" and tok.val == "{":
                end = match_close(t, i)
                # A function: ident ( params ) {
                j = i - 1
                if j >= 0 and t[j].val == ")":
                    depth, k = 0, j
                    while k >= 0:
                        if t[k].val == ")":
                            depth += 1
                        elif t[k].val == "(":
                            depth -= 1
                            if depth == 0:
                                break
                        k -= 1
                    if k > 0 and t[k - 1].kind == "id" and t[k - 1].val not in KEYWORDS:
                        params = [decl_name(p) for p in split_top(t[k + 1:j])]
                        self.funcs.append(Func(t[k - 1].val, params, t[i + 1:end], self.path))
                        i = end + 1
                        continue
                # struct [tag] { fields }
                if j >= 0 and (t[j].val == "struct" or (j > 0 and t[j - 1].val == "struct")):
                    fields = [decl_name(f) for f in split_top(t[i + 1:end], ";") if f]
                    if t[j].kind == "id" and t[j].val != "struct":
                        self.structs[t[j].val] = fields
                    # an inline struct of a table: name [ ] = { ... }
                    k = end + 1
                    if k + 3 < len(t) and t[k].kind == "id" and t[k + 1].val == "[":
                        close = match_close(t, k + 1)
                        if close + 2 < len(t) and t[close + 1].val == "=" and t[close + 2].val == "{":
                            iend = match_close(t, close + 2)
                            self.tables.append(Table(fields, t[close + 3:iend], self.path))
                            self.top.extend(t[i:iend + 1])
                            i = iend + 1
                            continue
                    self.top.extend(t[i:end + 1])
                    i = end + 1
                    continue
                # struct tag name[] = { ... } (struct defined elsewhere)
                if j >= 2 and t[j].val == "=" and t[j - 1].val == "]":
                    k = j - 1
                    while k >= 0 and t[k].val != "[":
                        k -= 1
                    if k >= 2 and t[k - 2].kind == "id":
                        tag = None
                        for q in range(k - 2, max(-1, k - 8), -1):
                            if t[q].val == "struct" and q + 1 < len(t):
                                tag = t[q + 1].val
                                break
                        if tag is not None:
                            self.tables.append(Table(tag, t[i + 1:end], self.path))
                self.top.extend(t[i:end + 1])
                i = end + 1
                continue
            self.top.append(tok)
            i += 1


def calls_in(toks, names):
    """(name, index of name, argument token lists) for calls of names in toks."""
    out = []
    for i, t in enumerate(toks):
        if (t.kind == "id" and t.val in names and i + 1 < len(toks) and toks[i + 1].val == "(" and
                not (i > 0 and toks[i - 1].kind == "id" and toks[i - 1].val not in KEYWORDS)):
            close = match_close(toks, i + 1)
            out.append((t.val, i, split_top(toks[i + 2:close])))
    return out


def assignments(toks, name):
    """Expressions assigned to name (declaration initializers included)."""
    out = []
    for i, t in enumerate(toks):
        if t.kind == "id" and t.val == name and i + 1 < len(toks) and toks[i + 1].val == "=":
            if i > 0 and toks[i - 1].val in (".", "->"):
                continue
            j, depth, expr = i + 2, 0, []
            while j < len(toks):
                v = toks[j].val
                if toks[j].kind == "p" and v in "([{":
                    depth += 1
                elif toks[j].kind == "p" and v in ")]}":
                    if depth == 0:
                        break
                    depth -= 1
                elif depth == 0 and toks[j].kind == "p" and v in (";", ","):
                    break
                expr.append(toks[j])
                j += 1
            out.append(expr)
    return out


class Checker:
    def __init__(self, units):
        self.units = units
        self.types = []	# (type, path, line)
        self.errors = []	# (path, line, message)
        self.wrappers = {"events_append": 2}	# function -> index of the type parameter

    def structs(self):
        allf = {}
        for u in self.units:
            allf.update(u.structs)
        return allf

    def table_values(self, unit, field, line):
        """Literals of field in the static tables (this file first, then all)."""
        allstructs = self.structs()
        for units in ([unit], self.units):
            vals, found = [], False
            for u in units:
                for tb in u.tables:
                    fields = tb.fields if isinstance(tb.fields, list) else allstructs.get(tb.fields)
                    if not fields or field not in fields:
                        continue
                    found = True
                    pos = fields.index(field)
                    for row in split_top(tb.init):
                        if not row or row[0].val != "{":
                            continue
                        items = split_top(row[1:match_close(row, 0)])
                        expr = None
                        for it in items:
                            if len(it) > 2 and it[0].val == "." and it[1].val == field and it[2].val == "=":
                                expr = it[3:]
                        if expr is None and not any(it and it[0].val == "." for it in items):
                            expr = items[pos] if pos < len(items) else None
                        if expr:
                            vals.append(expr)
            if found:
                return [(v, u) for v in vals]
        self.errors.append((unit.path, line, "no static table has a field '%s'" % field))
        return []

    def resolve(self, expr, func, unit, line, seen=()):
        """Literals expr can be; None when it is the enclosing function's parameter k."""
        if not expr:
            self.errors.append((unit.path, line, "empty event type argument"))
            return []
        while expr and expr[0].val == "(" and match_close(expr, 0) == len(expr) - 1:
            expr = expr[1:-1]
        if all(t.kind == "str" for t in expr):
            return ["".join(t.val for t in expr)]
        if len(expr) == 1 and expr[0].kind == "id" and expr[0].val == "NULL":
            return []
        q = [i for i, t in enumerate(expr) if t.val == "?"]
        if q:
            rest = expr[q[0] + 1:]
            depth, colon = 0, None
            for i, t in enumerate(rest):
                if t.val == "?":
                    depth += 1
                elif t.val == ":":
                    if depth == 0:
                        colon = i
                        break
                    depth -= 1
            if colon is not None:
                return (self.resolve(rest[:colon], func, unit, line, seen) +
                        self.resolve(rest[colon + 1:], func, unit, line, seen))
        if len(expr) == 1 and expr[0].kind == "id":
            name = expr[0].val
            if func is not None and name in func.params:
                return None
            if name in unit.macros:
                return [unit.macros[name]]
            if name in seen:
                return []
            exprs = assignments(func.body if func else [], name) or assignments(unit.top, name)
            if not exprs:
                self.errors.append((unit.path, line, "cannot see what '%s' holds" % name))
                return []
            out = []
            for e in exprs:
                r = self.resolve(e, func, unit, line, seen + (name,))
                out += r or []
            return out
        if len(expr) >= 2 and expr[-2].val in (".", "->") and expr[-1].kind == "id":
            out = []
            for e, u in self.table_values(unit, expr[-1].val, line):
                out += self.resolve(e, None, u, line, seen) or []
            return out
        self.errors.append((unit.path, line, "cannot resolve the event type argument '%s'" %
                            " ".join(t.val for t in expr)))
        return []

    def run(self):
        # Wrappers: functions passing a parameter of theirs on as the type.
        changed = True
        while changed:
            changed = False
            for u in self.units:
                for f in u.funcs:
                    for name, _, args in calls_in(f.body, self.wrappers):
                        k = self.wrappers[name]
                        if k < len(args) and len(args[k]) == 1 and args[k][0].val in f.params:
                            idx = f.params.index(args[k][0].val)
                            if self.wrappers.get(f.name) != idx:
                                self.wrappers[f.name] = idx
                                changed = True
        for u in self.units:
            for f in u.funcs:
                for name, i, args in calls_in(f.body, self.wrappers):
                    k = self.wrappers[name]
                    line = f.body[i].line
                    if k >= len(args):
                        self.errors.append((u.path, line, "%s() with too few arguments" % name))
                        continue
                    r = self.resolve(args[k], f, u, line)
                    if r is None:
                        continue	# f is a wrapper: its callers are resolved
                    for t in r:
                        self.types.append((t, u.path, line))
            for t in u.toks:
                if (t.kind == "str" and re.search(r"\bINSERT\s+INTO\s+events\b", t.val, re.I) and
                        not u.path.endswith(os.path.join("lib", "events.c"))):
                    self.errors.append((u.path, t.line, "events rows are written by events_append(), "
                                        "not SQL of its own"))


def sources(args):
    for a in args:
        if os.path.isdir(a):
            for root, dirs, files in os.walk(a):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
                for f in sorted(files):
                    if f.endswith(".c"):
                        yield os.path.join(root, f)
        else:
            yield a


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    units = []
    for p in sources(sys.argv[1:]):
        with open(p, encoding="utf-8", errors="replace") as f:
            units.append(Unit(p, f.read()))
    c = Checker(units)
    c.run()
    for t, p, line in sorted(set(c.types)):
        print("%s\t%s:%d" % (t, p, line))
    for p, line, msg in c.errors:
        print("%s:%d: %s" % (p, line, msg), file=sys.stderr)
    return 1 if c.errors else 0


if __name__ == "__main__":
    sys.exit(main())
