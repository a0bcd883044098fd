import { select } from 'd3-selection';
import { curveBasis, line } from 'd3-shape';
import { zoom, zoomIdentity, type ZoomBehavior } from 'd3-zoom';
import type { GraphLayout } from '../../src/docs/site-data.js';

/** One box of a drawn graph. */
export interface DrawNode {
  readonly key: number;
  readonly label: string;
  /** Small text under the label (materialization, count, …). */
  readonly sublabel?: string;
  /** CSS classes: the kind (`model`, `seed`, `source`, `exposure`, `folder`, `column`) and states. */
  readonly classes: string;
  /** Status dot: `ok`, `warn`, `fail`, or none. */
  readonly status?: 'ok' | 'warn' | 'fail';
  /** Tooltip (text only). */
  readonly title: string;
}

export interface DrawOptions {
  readonly onClick?: (key: number, event: MouseEvent) => void;
  readonly onDoubleClick?: (key: number) => void;
  /** Edges touching this key are highlighted. */
  readonly highlight?: number;
}

/**
 * Draws a laid-out graph as SVG with d3: boxes, curved edges with arrowheads, pan and zoom (wheel,
 * drag, double-click on the background to fit). Returns a function that fits the graph to view.
 */
export function drawGraph(container: HTMLElement, layout: GraphLayout, nodes: ReadonlyMap<number, DrawNode>, options: DrawOptions = {}): () => void {
  container.replaceChildren();
  const svg = select(container).append('svg').attr('class', 'graph-svg').attr('role', 'img').attr('aria-label', 'lineage graph');
  const defs = svg.append('defs');
  for (const [id, cls] of [['arrow', 'arrow'], ['arrow-hi', 'arrow hi']] as const) {
    defs
      .append('marker')
      .attr('id', id)
      .attr('viewBox', '0 0 10 10')
      .attr('refX', 9)
      .attr('refY', 5)
      .attr('markerWidth', 7)
      .attr('markerHeight', 7)
      .attr('orient', 'auto-start-reverse')
      .append('path')
      .attr('class', cls)
      .attr('d', 'M 0 0 L 10 5 L 0 10 z');
  }
  const viewport = svg.append('g').attr('class', 'viewport');
  const path = line<[number, number]>().curve(curveBasis);
  const edges = viewport.append('g').attr('class', 'edges');
  for (const edge of layout.edges) {
    const points: [number, number][] = [];
    for (let i = 0; i + 1 < edge.points.length; i += 2) points.push([edge.points[i]!, edge.points[i + 1]!]);
    if (points.length < 2) continue;
    const hi = options.highlight !== undefined && (edge.from === options.highlight || edge.to === options.highlight);
    const drawn = edges
      .append('path')
      .attr('class', hi ? 'edge hi' : 'edge')
      .attr('d', path(points))
      .attr('marker-end', hi ? 'url(#arrow-hi)' : 'url(#arrow)');
    if (edge.weight && edge.weight > 1) drawn.attr('stroke-width', Math.min(6, 1 + Math.log2(edge.weight)));
  }
  const boxes = viewport.append('g').attr('class', 'nodes');
  for (const placed of layout.nodes) {
    const node = nodes.get(placed.key);
    if (!node) continue;
    const g = boxes
      .append('g')
      .attr('class', `node ${node.classes}`)
      .attr('transform', `translate(${placed.x - placed.width / 2},${placed.y - placed.height / 2})`)
      .attr('data-key', placed.key)
      .attr('tabindex', 0)
      .attr('role', 'button');
    g.append('title').text(node.title);
    g.append('rect').attr('class', 'box').attr('width', placed.width).attr('height', placed.height).attr('rx', 6);
    g.append('rect').attr('class', 'stripe').attr('width', 5).attr('height', placed.height).attr('rx', 2);
    const label = g.append('text').attr('class', 'label').attr('x', 13).attr('y', node.sublabel ? placed.height / 2 - 2 : placed.height / 2 + 4);
    label.text(fitLabel(node.label, placed.width - 34));
    if (node.sublabel) g.append('text').attr('class', 'sublabel').attr('x', 13).attr('y', placed.height / 2 + 10).text(node.sublabel);
    if (node.status) g.append('circle').attr('class', `status ${node.status}`).attr('cx', placed.width - 10).attr('cy', 10).attr('r', 4);
    const key = placed.key;
    g.on('click', (event: MouseEvent) => options.onClick?.(key, event));
    g.on('dblclick', (event: MouseEvent) => {
      event.stopPropagation();
      options.onDoubleClick?.(key);
    });
    g.on('keydown', (event: KeyboardEvent) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        options.onClick?.(key, new MouseEvent('click'));
      }
    });
  }
  const behaviour: ZoomBehavior<SVGSVGElement, unknown> = zoom<SVGSVGElement, unknown>()
    .scaleExtent([0.05, 4])
    .on('zoom', (event: { transform: { toString(): string } }) => viewport.attr('transform', event.transform.toString()));
  const svgNode = svg.node()!;
  select(svgNode).call(behaviour).on('dblclick.zoom', null);
  const fit = (): void => {
    const width = container.clientWidth || 800;
    const height = container.clientHeight || 600;
    const whole = Math.min(width / Math.max(1, layout.width), height / Math.max(1, layout.height)) * 0.95;
    // Below this scale labels cannot be read: show the upstream end at a readable size instead.
    const readable = 0.55;
    const scale = Math.min(1.4, Math.max(whole, readable));
    const x = whole >= readable ? (width - layout.width * scale) / 2 : 10;
    const y = layout.height * scale <= height ? (height - layout.height * scale) / 2 : 10;
    select(svgNode).call(behaviour.transform, zoomIdentity.translate(x, y).scale(scale));
  };
  svg.on('dblclick', fit);
  fit();
  return fit;
}

/** Shortens a label with an ellipsis to about `width` pixels (12px font, ~7px a character). */
function fitLabel(text: string, width: number): string {
  const max = Math.max(4, Math.floor(width / 7.6));
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
