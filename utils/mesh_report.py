#!/usr/bin/python3
"""The mesh as d1-run's stats show it: per core and per link.

    mesh_report.py STATS_JSON [-o REPORT.png|.svg] [--unit UNIT]

STATS_JSON is `d1-run --stats-json`'s output. Prints a table of the cores
with code (cycles, the share of the run they waited, each issue unit's
share of its slots, DMA bytes) and of the links and DRAM ports that carried
anything (bytes, utilization), busiest first. With -o it also draws the
mesh: each core a cell coloured by its busiest compute unit's share (or
UNIT's: ALU, AGU, LoadPort, StorePort, Vector, Matrix, Control), each link
an arrow coloured by its utilization, the DRAM ports on the edges.
"""
import argparse
import json
import re
import sys

# Each unit's slots per cycle: the machine parameter that caps it.
UNIT_PARAMS = {"ALU": "issue_alu", "AGU": "issue_agu", "LoadPort": "port_load",
               "StorePort": "port_store", "Vector": "issue_vec", "Matrix": "issue_mat",
               "Control": "issue_ctl"}


def shares(stats):
    """{core id: {unit: share of the unit's slots over the run}}."""
    cycles = max(1, stats["cycles"])
    m = stats["machine"]
    return {c["id"]: {u: n / (cycles * max(1, m.get(UNIT_PARAMS.get(u, ""), 1)))
                      for u, n in c["issued"].items()} for c in stats["per_core"]}


def table(stats):
    cycles = max(1, stats["cycles"])
    sh = shares(stats)
    units = list(UNIT_PARAMS)
    print(f"{stats['cycles']} cycles, {len(stats['per_core'])} cores with code")
    print("core (row, col) | cycles | waited | " + " | ".join(units) + " | DRAM in | DRAM out | sent")
    for c in stats["per_core"]:
        cells = " | ".join(f"{sh[c['id']].get(u, 0):.1%}" for u in units)
        print(f"{c['id']} ({c['row']}, {c['col']}) | {c['cycles']} | "
              f"{c['wait_cycles'] / cycles:.1%} | {cells} | {c['dram_read_bytes']} | "
              f"{c['dram_write_bytes']} | {c['noc_send_bytes']}")
    links = stats.get("links", [])
    print(f"{len(links)} links and ports carried bytes" + (":" if links else ""))
    for l in links:
        print(f"  {l['name']}: {l['bytes']} bytes, {l['utilization']:.1%}")


def draw(stats, out, unit):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import cm, colors

    m = stats["machine"]
    cols = m["mesh_cols"]
    sh = shares(stats)
    cores = {c["id"]: c for c in stats["per_core"]}
    # The rectangle the program uses: its cores and the links' ends.
    ends = set(cores)
    link_ends = []
    for l in stats.get("links", []):
        g = re.match(r"link (\d+)->(\d+)", l["name"])
        if g:
            a, b = int(g.group(1)), int(g.group(2))
            ends |= {a, b}
            link_ends.append((a, b, l["utilization"]))
    rows_used = [i // cols for i in ends] or [0]
    cols_used = [i % cols for i in ends] or [0]
    r0, r1 = min(rows_used), max(rows_used)
    c0, c1 = min(cols_used), max(cols_used)
    fig, ax = plt.subplots(figsize=(2 + 1.2 * (c1 - c0 + 1), 1.5 + 1.2 * (r1 - r0 + 1)))
    busy = cm.get_cmap("Blues")
    hot = cm.get_cmap("inferno_r")
    for r in range(r0, r1 + 1):
        for c in range(c0, c1 + 1):
            i = r * cols + c
            s = sh.get(i)
            v = 0.0 if s is None else (s.get(unit, 0) if unit else max(s.get("Vector", 0),
                                                                        s.get("Matrix", 0)))
            ax.add_patch(plt.Rectangle((c - 0.35, r - 0.35), 0.7, 0.7,
                                       color=busy(v) if s is not None else "0.92"))
            label = f"{i}\n{v:.0%}" if s is not None else str(i)
            ax.text(c, r, label, ha="center", va="center", fontsize=8,
                    color="white" if v > 0.6 else "black")
    for a, b, u in link_ends:
        (ra, ca), (rb, cb) = divmod(a, cols), divmod(b, cols)
        # Each direction on its own side of the centre line.
        dr, dc = (rb - ra) * 0.3, (cb - ca) * 0.3
        off = 0.08 if (rb - ra) + (cb - ca) > 0 else -0.08
        x, y = ca + (off if ra != rb else 0) + dc * 0.2, ra + (off if ca != cb else 0) + dr * 0.2
        ax.annotate("", xy=(x + dc * 1.4, y + dr * 1.4), xytext=(x, y),
                    arrowprops=dict(arrowstyle="->", color=hot(u), lw=1 + 4 * u))
    for l in stats.get("links", []):
        g = re.match(r"port (\d+) \((west|east), row (\d+)\)", l["name"])
        if g and r0 <= int(g.group(3)) <= r1:
            x = c0 - 0.6 if g.group(2) == "west" else c1 + 0.6
            ax.plot([x], [int(g.group(3))], marker="s", markersize=12,
                    color=hot(l["utilization"]))
            ax.text(x, int(g.group(3)) + 0.3, f"port {g.group(1)}\n{l['utilization']:.0%}",
                    ha="center", fontsize=7)
    ax.set_xlim(c0 - 1, c1 + 1)
    ax.set_ylim(r1 + 1, r0 - 1)
    ax.set_aspect("equal")
    ax.set_xticks(range(c0, c1 + 1))
    ax.set_yticks(range(r0, r1 + 1))
    ax.set_xlabel("column")
    ax.set_ylabel("row")
    what = unit or "busiest of Vector and Matrix"
    ax.set_title(f"{stats['cycles']} cycles: cores by {what} share, links by utilization",
                 fontsize=9)
    fig.colorbar(cm.ScalarMappable(norm=colors.Normalize(0, 1), cmap=hot), ax=ax,
                 label="link / port utilization", shrink=0.7)
    fig.savefig(out, bbox_inches="tight")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("stats")
    ap.add_argument("-o", "--output", help="draw the mesh into this PNG or SVG file")
    ap.add_argument("--unit", choices=list(UNIT_PARAMS), help="colour the cores by this unit")
    a = ap.parse_args()
    try:
        stats = json.load(open(a.stats))
        stats["per_core"], stats["machine"]["mesh_cols"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        sys.exit(f"error: {a.stats}: not d1-run's stats JSON ({e})")
    table(stats)
    if a.output:
        draw(stats, a.output, a.unit)
        print(f"wrote {a.output}")


if __name__ == "__main__":
    main()
