#!/usr/bin/env python3
"""Folded stacks -> a flame graph SVG (root at the bottom, width = share of
instructions; hover a frame for its name and count, click to zoom into it,
click the root to zoom out).

  flamegraph.py IN.folded OUT.svg [--title TEXT] [--width PX]

Colours by where the code runs: user frames blue, kernel ('_[k]') orange,
firmware ('_[fw]') grey; the shade is a hash of the name, so a function keeps
its colour from one graph to the next."""
import argparse
import html
import zlib

ROW = 17
FONT = 11
PAD_TOP = 40
PAD_BOTTOM = 20
MARGIN = 10
MIN_PX = 0.3

SCRIPT = """
<script><![CDATA[
function zoom(g) {
  var x0 = +g.getAttribute('data-x'), w0 = +g.getAttribute('data-w'),
      y0 = +g.getAttribute('data-y');
  var W = +document.documentElement.getAttribute('data-width') - 2 * %(m)d;
  var frames = document.querySelectorAll('g.f');
  for (var i = 0; i < frames.length; i++) {
    var f = frames[i], x = +f.getAttribute('data-x'), w = +f.getAttribute('data-w'),
        y = +f.getAttribute('data-y');
    var r = f.querySelector('rect'), t = f.querySelector('text');
    var e = 1e-9, nx = 0, nw = 1, show = false;
    if (y >= y0 && x >= x0 - e && x + w <= x0 + w0 + e) {
      nx = (x - x0) / w0; nw = w / w0; show = true;      /* the frame and above */
    } else if (y < y0 && x <= x0 + e && x + w >= x0 + w0 - e) {
      show = true;                                        /* its callers: full width */
    }
    f.style.display = show ? '' : 'none';
    if (!show) continue;
    r.setAttribute('x', %(m)d + nx * W);
    r.setAttribute('width', Math.max(nw * W - 1, 0));
    t.setAttribute('x', %(m)d + nx * W + 3);
    var label = f.getAttribute('data-n'), room = Math.floor((nw * W - 6) / 6.5);
    t.textContent = room < 3 ? '' : (label.length > room ? label.slice(0, room - 2) + '..' : label);
  }
}
]]></script>
"""


def read_folded(path):
    root = {"n": 0, "kids": {}}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            stack, _, count = line.rpartition(" ")
            c = int(count)
            node = root
            node["n"] += c
            for name in stack.split(";"):
                node = node["kids"].setdefault(name, {"n": 0, "kids": {}})
                node["n"] += c
    return root


def colour(name):
    h = zlib.crc32(name.encode()) & 0xffff
    v = h / 0xffff
    if name.endswith("_[k]"):
        return f"rgb({220 + int(35 * v)},{110 + int(80 * v)},{30 + int(40 * v)})"
    if name.endswith("_[fw]"):
        g = 160 + int(60 * v)
        return f"rgb({g},{g},{g})"
    return f"rgb({60 + int(60 * v)},{130 + int(60 * v)},{210 + int(45 * v)})"


def layout(root, width):
    """[(depth, x fraction, w fraction, name, count)], root first."""
    out = []
    total = root["n"] or 1

    def walk(node, name, depth, x):
        w = node["n"] / total
        if w * width < MIN_PX:
            return
        out.append((depth, x, w, name, node["n"]))
        for kid_name in sorted(node["kids"]):
            kid = node["kids"][kid_name]
            walk(kid, kid_name, depth + 1, x)
            x += kid["n"] / total

    walk(root, "all", 0, 0.0)
    return out


def render(root, title, width):
    inner = width - 2 * MARGIN
    frames = layout(root, inner)
    depth = max((f[0] for f in frames), default=0) + 1
    height = PAD_TOP + depth * ROW + PAD_BOTTOM
    total = root["n"] or 1
    o = [f'<?xml version="1.0" standalone="no"?>',
         f'<svg version="1.1" width="{width}" height="{height}" data-width="{width}" '
         f'xmlns="http://www.w3.org/2000/svg" font-family="Verdana,sans-serif" '
         f'font-size="{FONT}">',
         SCRIPT % {"m": MARGIN},
         f'<rect width="100%" height="100%" fill="#f8f8f4"/>',
         f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="15">'
         f'{html.escape(title)}</text>',
         f'<text x="{MARGIN}" y="{height - 5}" fill="#666">{root["n"]:,} instructions; '
         f'user blue, kernel orange, firmware grey; click a frame to zoom, '
         f'the bottom one to reset</text>']
    for d, x, w, name, n in frames:
        y = height - PAD_BOTTOM - (d + 1) * ROW
        px, pw = MARGIN + x * inner, w * inner
        room = int((pw - 6) / 6.5)
        label = "" if room < 3 else (name if len(name) <= room else name[:room - 2] + "..")
        tip = f"{name} ({n:,} instructions, {100.0 * n / total:.2f}%)"
        o.append(f'<g class="f" data-x="{x:.9f}" data-w="{w:.9f}" data-y="{d}" '
                 f'data-n="{html.escape(name)}" onclick="zoom(this)" style="cursor:pointer">'
                 f'<title>{html.escape(tip)}</title>'
                 f'<rect x="{px:.2f}" y="{y}" width="{max(pw - 1, 0):.2f}" height="{ROW - 1}" '
                 f'fill="{"#ddd" if d == 0 else colour(name)}" rx="2"/>'
                 f'<text x="{px + 3:.2f}" y="{y + ROW - 5}">{html.escape(label)}</text></g>')
    o.append("</svg>")
    return "\n".join(o) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folded")
    ap.add_argument("svg")
    ap.add_argument("--title", default="Flame graph (guest instructions)")
    ap.add_argument("--width", type=int, default=1200)
    a = ap.parse_args()
    with open(a.svg, "w") as f:
        f.write(render(read_folded(a.folded), a.title, a.width))


if __name__ == "__main__":
    main()
