// The state-machine graph: an ASL definition turned into an ELK graph
// (Parallel branches and Map processors as nested groups), laid out by
// elkjs and drawn as SVG with zoom, pan and fit.
import ELK from 'elkjs/lib/elk.bundled.js';
import { s, h } from './dom.js';

const elk = new ELK();

const NODE_H = 40;
const nodeWidth = (label) => Math.max(110, Math.min(320, 7.4 * label.length + 36));

// toElk converts a (sub)machine into ELK children and edges; ids are
// paths so that names may repeat in different branches.
function machineGraph(m, prefix, meta) {
  const children = [];
  const edges = [];
  const start = `${prefix}#start`;
  const end = `${prefix}#end`;
  children.push({ id: start, width: 14, height: 14 });
  meta.set(start, { kind: 'start' });
  let needsEnd = false;
  const id = (name) => `${prefix}/${name}`;
  const edge = (from, to, kind, label) => {
    const e = { id: `e${meta.size}_${edges.length}`, sources: [from], targets: [to] };
    if (label) e.labels = [{ text: label, width: 7 * label.length, height: 14 }];
    edges.push(e);
    meta.set(e.id, { kind: 'edge', edgeKind: kind, label, from, to });
  };
  edge(start, id(m.StartAt), 'next');
  for (const [name, st] of Object.entries(m.States || {})) {
    const nid = id(name);
    const type = st.Type;
    meta.set(nid, { kind: 'state', name, type, prefix, hasNext: !!st.Next });
    if (type === 'Parallel' || type === 'Map') {
      const inner = [];
      const innerEdges = [];
      if (type === 'Parallel') {
        (st.Branches || []).forEach((b, i) => {
          const bid = `${nid}~b${i}`;
          const g = machineGraph(b, bid, meta);
          meta.set(bid, { kind: 'branch', label: `Branch ${i + 1}` });
          inner.push({ id: bid, children: g.children, edges: g.edges, layoutOptions: groupOpts, labels: [{ text: `Branch ${i + 1}` }] });
        });
      } else {
        const proc = st.ItemProcessor || st.Iterator;
        if (proc) {
          const g = machineGraph(proc, `${nid}~it`, meta);
          inner.push(...g.children);
          innerEdges.push(...g.edges);
        }
      }
      children.push({ id: nid, children: inner, edges: innerEdges, layoutOptions: groupOpts, labels: [{ text: name }] });
    } else {
      children.push({ id: nid, width: nodeWidth(name), height: NODE_H, labels: [{ text: name }] });
    }
    if (st.Next) edge(nid, id(st.Next), 'next');
    if (st.End || type === 'Succeed' || type === 'Fail') { edge(nid, end, 'next'); needsEnd = true; }
    if (type === 'Choice') {
      (st.Choices || []).forEach((c, i) => c.Next && edge(nid, id(c.Next), 'choice', `rule ${i + 1}`));
      if (st.Default) edge(nid, id(st.Default), 'choice', 'default');
    }
    for (const c of st.Catch || []) edge(nid, id(c.Next), 'catch', (c.ErrorEquals || []).join(', '));
  }
  if (needsEnd) {
    children.push({ id: end, width: 14, height: 14 });
    meta.set(end, { kind: 'end' });
  }
  return { children, edges };
}

const groupOpts = {
  'elk.padding': '[top=30,left=14,bottom=14,right=14]',
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
};

export async function layout(definition) {
  const meta = new Map();
  const g = machineGraph(definition, '', meta);
  const root = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '36',
      'elk.spacing.nodeNode': '28',
      'elk.spacing.edgeLabel': '4',
      'elk.edgeLabels.inline': 'false',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.crossingMinimization.forceNodeModelOrder': 'true',
      'elk.json.shapeCoords': 'ROOT',
      'elk.json.edgeCoords': 'ROOT',
    },
    children: g.children,
    edges: g.edges,
  };
  const out = await elk.layout(root);
  return { root: out, meta };
}

// Graph draws a laid-out definition into a container and keeps the view
// (zoom and pan) across re-colouring.
export class Graph {
  constructor(container, { onSelect } = {}) {
    this.container = container;
    this.onSelect = onSelect;
    this.view = { x: 0, y: 0, k: 1 };
    this.nodes = new Map(); // state name -> [svg group]
    this.edges = [];
  }

  async render(definition) {
    let root, meta;
    try {
      ({ root, meta } = await layout(definition));
    } catch (e) {
      this.container.replaceChildren(h('p', { class: 'error-box' }, `The graph could not be laid out: ${e.message || e}`));
      this.nodes.clear();
      this.edges = [];
      return;
    }
    this.meta = meta;
    this.size = { w: root.width || 100, h: root.height || 100 };
    const vp = s('g', { class: 'viewport' });
    const marker = (id, cls) => s('marker', { id, viewBox: '0 0 10 10', refX: '9', refY: '5', markerUnits: 'userSpaceOnUse', markerWidth: '9', markerHeight: '9', orient: 'auto-start-reverse' },
      s('path', { d: 'M0,0 L10,5 L0,10 z', class: cls }));
    const defs = s('defs', {}, marker('arrow', 'arrowhead'), marker('arrow-taken', 'arrowhead taken'));
    const svg = s('svg', { class: 'graph-svg', role: 'img', 'aria-label': 'state machine graph' }, defs, vp);
    const groups = s('g', {});
    const edgeLayer = s('g', {});
    const nodeLayer = s('g', {});
    vp.append(groups, edgeLayer, nodeLayer);
    this.nodes.clear();
    this.edges = [];
    const walk = (n) => {
      for (const c of n.children || []) {
        const m = meta.get(c.id) || {};
        if (c.children && c.children.length) {
          const isBranch = m.kind === 'branch';
          const g = s('g', { class: `group ${isBranch ? 'branch' : 'state-group'}`, dataset: { state: m.name || '' } },
            s('rect', { x: c.x, y: c.y, width: c.width, height: c.height, rx: 8 }),
            s('text', { x: c.x + 10, y: c.y + 19, class: 'group-label' }, isBranch ? m.label : `${m.name} · ${m.type}`));
          if (!isBranch) this.bindState(g, m.name);
          groups.append(g);
          walk(c);
        } else if (m.kind === 'start' || m.kind === 'end') {
          nodeLayer.append(s('circle', { cx: c.x + c.width / 2, cy: c.y + c.height / 2, r: 7, class: `terminal ${m.kind}` }));
        } else if (m.kind === 'state') {
          const g = s('g', { class: 'node', dataset: { state: m.name, type: m.type }, tabindex: '0' },
            s('rect', { x: c.x, y: c.y, width: c.width, height: c.height, rx: m.type === 'Choice' ? 18 : 6 }),
            s('text', { x: c.x + c.width / 2, y: c.y + c.height / 2 + 1, class: 'label', 'text-anchor': 'middle', 'dominant-baseline': 'middle' }, m.name),
            s('text', { x: c.x + c.width - 6, y: c.y + 11, class: 'type', 'text-anchor': 'end' }, m.type),
            s('text', { x: c.x + 6, y: c.y + c.height - 5, class: 'count' }, ''));
          this.bindState(g, m.name);
          nodeLayer.append(g);
        }
      }
      for (const e of n.edges || []) {
        const m = meta.get(e.id);
        for (const sec of e.sections || []) {
          const pts = [sec.startPoint, ...(sec.bendPoints || []), sec.endPoint];
          const d = pts.map((p, i) => `${i ? 'L' : 'M'}${p.x},${p.y}`).join(' ');
          const path = s('path', { d, class: `edge edge-${m.edgeKind}`, 'marker-end': 'url(#arrow)' });
          edgeLayer.append(path);
          this.edges.push({ el: path, from: meta.get(m.from), to: meta.get(m.to) });
        }
        for (const l of e.labels || []) {
          if (l.x === undefined) continue;
          edgeLayer.append(s('text', { x: l.x, y: l.y + 11, class: `edge-label edge-label-${m.edgeKind}` }, l.text));
        }
      }
    };
    walk(root);
    this.svg = svg;
    this.vp = vp;
    const controls = h('div', { class: 'graph-controls' },
      h('button', { type: 'button', title: 'Zoom in', on: { click: () => this.zoomBy(1.25) } }, '+'),
      h('button', { type: 'button', title: 'Zoom out', on: { click: () => this.zoomBy(0.8) } }, '−'),
      h('button', { type: 'button', title: 'Fit', class: 'fit', on: { click: () => this.fit() } }, 'Fit'));
    this.container.replaceChildren(svg, controls);
    this.enablePanZoom();
    requestAnimationFrame(() => this.fit());
  }

  bindState(el, name) {
    if (!this.nodes.has(name)) this.nodes.set(name, []);
    this.nodes.get(name).push(el);
    el.addEventListener('click', (ev) => { ev.stopPropagation(); this.onSelect?.(name); });
    el.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') this.onSelect?.(name); });
  }

  // colour sets each state's status class (statusOf(name) -> status or
  // undefined for not reached), a count label, the taken edges and the
  // selected state.
  colour(statusOf, countOf, taken, selected) {
    if (!this.vp) return;
    for (const [name, els] of this.nodes) {
      const st = statusOf(name) || 'notreached';
      for (const el of els) {
        el.classList.remove('st-notreached', 'st-running', 'st-succeeded', 'st-failed', 'st-caught', 'st-cancelled', 'selected');
        el.classList.add(`st-${st}`);
        if (name === selected) el.classList.add('selected');
        const count = el.querySelector('.count');
        if (count) count.textContent = countOf ? countOf(name) : '';
      }
    }
    const done = (n) => ['succeeded', 'caught', 'failed'].includes(statusOf(n));
    for (const e of this.edges) {
      let t;
      if (e.from?.kind === 'start') t = !!statusOf(e.to?.name);
      else if (e.to?.kind === 'end') t = done(e.from?.name) && ['Succeed', 'Fail'].includes(e.from.type) || statusOf(e.from?.name) === 'succeeded' && !hasNext(e.from);
      else t = taken.has(`${e.from?.name}\u0000${e.to?.name}`);
      e.el.classList.toggle('taken', !!t);
      e.el.setAttribute('marker-end', t ? 'url(#arrow-taken)' : 'url(#arrow)');
    }
  }

  apply() {
    const { x, y, k } = this.view;
    this.vp.setAttribute('transform', `translate(${x},${y}) scale(${k})`);
  }

  fit() {
    if (!this.svg) return;
    const r = this.svg.getBoundingClientRect();
    if (!r.width || !r.height) return;
    const pad = 16;
    const k = Math.min((r.width - 2 * pad) / this.size.w, (r.height - 2 * pad) / this.size.h, 1.5);
    this.view = { k, x: (r.width - this.size.w * k) / 2, y: pad };
    this.apply();
  }

  zoomBy(f, cx, cy) {
    const r = this.svg.getBoundingClientRect();
    cx = cx ?? r.width / 2;
    cy = cy ?? r.height / 2;
    const k = Math.max(0.1, Math.min(4, this.view.k * f));
    const f2 = k / this.view.k;
    this.view = { k, x: cx - (cx - this.view.x) * f2, y: cy - (cy - this.view.y) * f2 };
    this.apply();
  }

  enablePanZoom() {
    const svg = this.svg;
    svg.addEventListener('wheel', (ev) => {
      ev.preventDefault();
      const r = svg.getBoundingClientRect();
      this.zoomBy(ev.deltaY < 0 ? 1.1 : 1 / 1.1, ev.clientX - r.left, ev.clientY - r.top);
    }, { passive: false });
    // Panning starts once the pointer moves a few pixels, so a click on a
    // state or a group still reaches it (pointer capture would retarget it).
    let drag = null;
    svg.addEventListener('pointerdown', (ev) => {
      drag = { x: ev.clientX, y: ev.clientY, vx: this.view.x, vy: this.view.y, moving: false, id: ev.pointerId };
    });
    svg.addEventListener('pointermove', (ev) => {
      if (!drag) return;
      const dx = ev.clientX - drag.x;
      const dy = ev.clientY - drag.y;
      if (!drag.moving && Math.hypot(dx, dy) < 4) return;
      if (!drag.moving) { drag.moving = true; svg.setPointerCapture(drag.id); }
      this.view.x = drag.vx + dx;
      this.view.y = drag.vy + dy;
      this.apply();
    });
    const stop = () => { drag = null; };
    svg.addEventListener('pointerup', stop);
    svg.addEventListener('pointercancel', stop);
  }
}

// hasNext reports whether an edge source is a state that moves on to
// another state (so its edge to the end is not the one it takes).
function hasNext(m) {
  return m && m.kind === 'state' && m.hasNext;
}

// pathTo returns the states on a shortest path from a machine's StartAt
// to target following Next, Choice and Default edges, or [] when target
// is not in that machine. The iteration picker uses it to show the way
// an iteration came.
export function pathTo(machine, target) {
  if (!machine?.States?.[target]) return [];
  const prev = new Map([[machine.StartAt, null]]);
  const queue = [machine.StartAt];
  while (queue.length) {
    const cur = queue.shift();
    if (cur === target) break;
    const st = machine.States[cur] || {};
    const nexts = [st.Next, st.Default, ...(st.Choices || []).map((c) => c.Next)].filter(Boolean);
    for (const n of nexts) if (!prev.has(n)) { prev.set(n, cur); queue.push(n); }
  }
  if (!prev.has(target)) return [];
  const out = [];
  for (let c = target; c; c = prev.get(c)) out.unshift(c);
  return out;
}

// findMachine returns the processor of Map state name anywhere in def.
export function mapProcessor(def, name) {
  for (const [n, st] of Object.entries(def?.States || {})) {
    if (n === name && st.Type === 'Map') return st.ItemProcessor || st.Iterator;
    for (const b of st.Branches || []) { const f = mapProcessor(b, name); if (f) return f; }
    const p = st.ItemProcessor || st.Iterator;
    if (p) { const f = mapProcessor(p, name); if (f) return f; }
  }
  return null;
}
