"""Pictures of a flow for the people who write and review it: Mermaid text (pasted in an
issue or a Markdown file) and a self-contained SVG drawn here, with no external tool.

Both accept a flow with graph errors: a `next` naming a missing step is drawn as a dashed
"missing" box, which is often the quickest way to see the mistake.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from html import escape

from flows.model import Flow, Step, StepKind

_TAG = re.compile(r"<[^>]*>")
_SHAPES = {StepKind.CHOICE: ("{", "}"), StepKind.END: ("([", "])")}
_FILL = {StepKind.END: "#e3f4e6", StepKind.CHOICE: "#fff6d8", StepKind.ACTION: "#e6eefc"}
BOX_HEIGHT, H_GAP, V_GAP, MARGIN = 48, 36, 64, 24


def _first_words(text: str, words: int = 6, width: int = 40) -> str:
    plain = " ".join(_TAG.sub("", text).split())
    short = " ".join(plain.split(" ")[:words])
    if len(short) > width:
        short = short[: width - 1].rstrip()
    return short + "…" if short != plain else short


def _edges(step: Step) -> list[tuple[str, str | None]]:
    """(target, label) pairs: a choice's edges carry their option's label."""
    if step.options:
        return [(option.next, option.label) for option in step.options]
    return [(step.next, None)] if step.next else []


# Mermaid


def _mermaid_text(text: str) -> str:
    return escape(text, quote=False).replace('"', "#quot;")


def _node(step_id: str) -> str:
    """Mermaid ids are prefixed: a step called `end` would otherwise close the chart."""
    return "s_" + step_id.replace("-", "_")


def to_mermaid(flow: Flow) -> str:
    lines = ["flowchart TD"]
    known = {step.id for step in flow.steps}
    for step in flow.steps:
        opening, closing = _SHAPES.get(step.kind, ("[", "]"))
        text = _mermaid_text(f"{step.id} · {step.kind}") + "<br/>"
        text += _mermaid_text(_first_words(step.text))
        lines.append(f'    {_node(step.id)}{opening}"{text}"{closing}')
    missing = sorted({target for step in flow.steps for target, _ in _edges(step)} - known)
    for target in missing:
        lines.append(f'    {_node(target)}["{_mermaid_text(target)} (missing)"]')
    for step in flow.steps:
        for target, label in _edges(step):
            arrow = f'-->|"{_mermaid_text(label)}"|' if label else "-->"
            lines.append(f"    {_node(step.id)} {arrow} {_node(target)}")
    lines.append("    classDef endStep fill:#e3f4e6,stroke:#2e7d32")
    lines.append("    classDef startStep stroke-width:3px")
    lines.append("    classDef missingStep stroke:#c62828,stroke-dasharray:4")
    ends = [_node(step.id) for step in flow.steps if step.kind is StepKind.END]
    if ends:
        lines.append(f"    class {','.join(ends)} endStep")
    if flow.start in known:
        lines.append(f"    class {_node(flow.start)} startStep")
    if missing:
        lines.append(f"    class {','.join(_node(target) for target in missing)} missingStep")
    return "\n".join(lines) + "\n"


# SVG


@dataclass(frozen=True)
class _Box:
    step_id: str
    kind: str
    x: int
    y: int
    width: int
    end: bool = False
    missing: bool = False
    start: bool = False

    @property
    def center(self) -> int:
        return self.x + self.width // 2


def _layers(flow: Flow) -> list[list[str]]:
    """Breadth-first layers from `start`; steps it cannot reach, then missing targets,
    come in further layers so that everything written is drawn."""
    known = {step.id for step in flow.steps}
    layer_of: dict[str, int] = {}
    roots = [flow.start] if flow.start in known else []
    roots += [step.id for step in flow.steps]
    for root in roots:
        if root in layer_of:
            continue
        layer_of[root] = max(layer_of.values(), default=-1) + 1
        queue = deque([root])
        while queue:
            current = queue.popleft()
            step = flow.step(current)
            targets = [target for target, _ in _edges(step)] if step else []
            for target in targets:
                if target not in layer_of:
                    layer_of[target] = layer_of[current] + 1
                    queue.append(target)
    layers: list[list[str]] = [[] for _ in range(max(layer_of.values(), default=-1) + 1)]
    for step_id, layer in layer_of.items():
        layers[layer].append(step_id)
    return layers


def _boxes(flow: Flow) -> dict[str, _Box]:
    layers = _layers(flow)
    width = max([len(step_id) for layer in layers for step_id in layer] + [14]) * 8 + 24
    widest = max((len(layer) for layer in layers), default=1)
    total = widest * width + (widest - 1) * H_GAP
    boxes: dict[str, _Box] = {}
    for row, layer in enumerate(layers):
        span = len(layer) * width + (len(layer) - 1) * H_GAP
        left = MARGIN + (total - span) // 2
        for column, step_id in enumerate(layer):
            step = flow.step(step_id)
            boxes[step_id] = _Box(
                step_id,
                str(step.kind) if step else "missing",
                left + column * (width + H_GAP),
                MARGIN + row * (BOX_HEIGHT + V_GAP),
                width,
                end=step is not None and step.kind is StepKind.END,
                missing=step is None,
                start=step_id == flow.start,
            )
    return boxes


def _box_svg(box: _Box, fill: str) -> list[str]:
    stroke = "#c62828" if box.missing else "#37474f"
    extra = ' stroke-dasharray="5 4"' if box.missing else ""
    stroke_width = 3 if box.start else 1.5
    radius = BOX_HEIGHT // 2 if box.end else 6
    return [
        f'<g class="step {escape(box.kind)}">',
        f'<rect x="{box.x}" y="{box.y}" width="{box.width}" height="{BOX_HEIGHT}" '
        f'rx="{radius}" fill="{fill}" stroke="{stroke}" stroke-width="{stroke_width}"{extra}/>',
        f'<text x="{box.center}" y="{box.y + 20}" text-anchor="middle" font-weight="bold" '
        f'font-size="13">{escape(box.step_id)}</text>',
        f'<text x="{box.center}" y="{box.y + 37}" text-anchor="middle" font-size="11" '
        f'fill="#546e7a">{escape(box.kind)}</text>',
        "</g>",
    ]


def _edge_svg(source: _Box, target: _Box, caption: str | None) -> list[str]:
    """Downward edges are straight, sideways ones join the facing sides, and edges back up
    (loops) bend round the right of both boxes."""
    middle = BOX_HEIGHT // 2
    if target.y > source.y:
        x1, y1, x2, y2 = source.center, source.y + BOX_HEIGHT, target.center, target.y
        path = f"M{x1},{y1} L{x2},{y2}"
        label_x, label_y = (x1 + x2) // 2, (y1 + y2) // 2
    elif target.y == source.y and target is not source:
        leftwards = target.x < source.x
        x1 = source.x if leftwards else source.x + source.width
        x2 = target.x + target.width if leftwards else target.x
        y1 = y2 = source.y + middle
        path = f"M{x1},{y1} L{x2},{y2}"
        label_x, label_y = (x1 + x2) // 2, y1 - 6
    else:
        x1, y1 = source.x + source.width, source.y + middle
        x2, y2 = target.x + target.width, target.y + middle - 8 * (source is target)
        bend = max(x1, x2) + 40 + min(abs(y1 - y2) // 8, 40)  # stays inside the margin
        path = f"M{x1},{y1} C{bend},{y1} {bend},{y2} {x2 + 4},{y2}"
        label_x, label_y = bend - 8, (y1 + y2) // 2
    parts = [f'<path d="{path}" fill="none" stroke="#546e7a" marker-end="url(#arrow)"/>']
    if caption:
        shown = caption if len(caption) <= 28 else caption[:27] + "…"
        parts.append(
            f'<text x="{label_x}" y="{label_y}" text-anchor="middle" font-size="11" '
            f'stroke="#ffffff" stroke-width="3" paint-order="stroke">{escape(shown)}</text>'
        )
    return parts


def _merged_edges(flow: Flow) -> dict[tuple[str, str], str | None]:
    """One arrow per pair of steps; options leading to the same step share it."""
    merged: dict[tuple[str, str], str | None] = {}
    for step in flow.steps:
        for target, label in _edges(step):
            key = (step.id, target)
            if key in merged and merged[key] and label:
                merged[key] = f"{merged[key]} / {label}"
            else:
                merged[key] = label
    return merged


def to_svg(flow: Flow) -> str:
    boxes = _boxes(flow)
    width = max((box.x + box.width for box in boxes.values()), default=0) + MARGIN + 80
    height = max((box.y + BOX_HEIGHT for box in boxes.values()), default=0) + MARGIN
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif">',
        f"<title>{escape(flow.id)} — {escape(flow.title)}</title>",
        "<defs>",
        '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#546e7a"/></marker>',
        "</defs>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for (source, target), label in _merged_edges(flow).items():
        parts += _edge_svg(boxes[source], boxes[target], label)
    for box in boxes.values():
        drawn = flow.step(box.step_id)
        fill = "#ffebee" if drawn is None else _FILL.get(drawn.kind, "#ffffff")
        parts += _box_svg(box, fill)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
