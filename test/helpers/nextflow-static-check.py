#!/usr/bin/env python3
"""A static check of share/nextflow that needs no Nextflow (this is not an
execution): brackets balance in every .nf file (outside comments and
strings, and inside the GStrings' ${...}); every module directory has a
main.nf declaring one process with a versions.yml output and a meta.yml
(valid YAML) naming its inputs and outputs; every include points at a
module that exists.  Prints one line per problem; exit 1 if any."""
import os
import re
import sys

import yaml

PAIRS = {")": "(", "]": "[", "}": "{"}


def balance(text):
    """The first bracket problem in Groovy text, or None."""
    stack, i, n, line = [], 0, len(text), 1
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
        if text.startswith("//", i) and (i == 0 or text[i - 1] != ":" and text[i - 1] != "\\"):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            if j < 0:
                return f"line {line}: unterminated /* comment"
            line += text.count("\n", i, j)
            i = j + 2
            continue
        if ch in "'\"":
            quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else ch
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            if j >= n:
                return f"line {line}: unterminated string {quote}"
            inner = text[i + len(quote):j]
            if quote[0] == '"':   # GString: its ${...} must balance too
                depth = 0
                for k, c in enumerate(inner):
                    if c == "{" and k > 0 and inner[k - 1] == "$" and (k < 2 or inner[k - 2] != "\\"):
                        depth += 1
                    elif c == "}" and depth:
                        depth -= 1
                if depth:
                    return f"line {line}: a ${{ in a string is not closed"
            line += inner.count("\n")
            i = j + len(quote)
            continue
        if ch in "([{":
            stack.append((ch, line))
        elif ch in ")]}":
            if not stack or stack[-1][0] != PAIRS[ch]:
                return f"line {line}: unbalanced '{ch}'"
            stack.pop()
        i += 1
    return f"line {stack[-1][1]}: '{stack[-1][0]}' is never closed" if stack else None


def main(root):
    problems = []
    nf_files = [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".nf")]
    for path in nf_files:
        text = open(path).read()
        err = balance(text)
        if err:
            problems.append(f"{path}: {err}")
        for inc in re.findall(r"include\s*\{[^}]*\}\s*from\s*'([^']+)'", text):
            target = os.path.normpath(os.path.join(os.path.dirname(path), inc)) + ".nf"
            if not os.path.isfile(target):
                problems.append(f"{path}: includes {inc}, which does not exist")
    mod_root = os.path.join(root, "modules", "local", "vcfsynth")
    modules = sorted(os.listdir(mod_root)) if os.path.isdir(mod_root) else []
    for want in ("fit", "synth", "attack", "fidelity", "hybrid"):
        if want not in modules:
            problems.append(f"{mod_root}: no module {want}")
    for mod in modules:
        d = os.path.join(mod_root, mod)
        main_nf, meta_yml = os.path.join(d, "main.nf"), os.path.join(d, "meta.yml")
        if not os.path.isfile(main_nf) or not os.path.isfile(meta_yml):
            problems.append(f"{d}: needs main.nf and meta.yml")
            continue
        text = open(main_nf).read()
        if len(re.findall(r"^process\s+VCFSYNTH_\w+\s*\{", text, re.M)) != 1:
            problems.append(f"{main_nf}: not exactly one process VCFSYNTH_...")
        if not re.search(r'path\s+"versions\.yml"\s*,\s*emit:\s*versions', text):
            problems.append(f"{main_nf}: emits no versions")
        if text.count("END_VERSIONS > versions.yml") < 2:
            problems.append(f"{main_nf}: script and stub must both write versions.yml")
        meta = yaml.safe_load(open(meta_yml))
        if not isinstance(meta, dict) or not all(k in meta for k in ("name", "description", "input", "output")):
            problems.append(f"{meta_yml}: needs name, description, input and output")
        elif not any("versions" in o for o in meta["output"]):
            problems.append(f"{meta_yml}: does not list the versions output")
    for p in problems:
        print(p)
    print(f"{len(nf_files)} .nf files, {len(modules)} modules checked", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
