#!/usr/bin/python3
"""Splice d1-tblgen's generated tables into docs/isa.md.

  utils/update_docs.py BUILD_DIR          rewrite docs/isa.md
  utils/update_docs.py BUILD_DIR --check  exit 1 if docs/isa.md is stale

The tables come from include/d1/Target/{ISA,Machine}.td (the build writes
BUILD_DIR/docs/isa-tables.md); everything outside the markers is prose.
"""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BEGIN = "<!-- BEGIN GENERATED: d1-tblgen -gen-isa-docs -->\n"
END = "<!-- END GENERATED -->\n"


def main():
    build = sys.argv[1]
    check = "--check" in sys.argv[2:]
    doc_path = os.path.join(ROOT, "docs", "isa.md")
    with open(os.path.join(build, "docs", "isa-tables.md")) as f:
        tables = f.read()
    with open(doc_path) as f:
        doc = f.read()
    if BEGIN not in doc or END not in doc:
        sys.exit("docs/isa.md lacks the generated-table markers")
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = head + BEGIN + tables + END + tail
    if check:
        if new != doc:
            sys.exit("docs/isa.md is out of date with ISA.td: run utils/update_docs.py " + build)
        print("docs/isa.md is up to date")
        return
    with open(doc_path, "w") as f:
        f.write(new)


if __name__ == "__main__":
    main()
