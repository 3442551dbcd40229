// A small offline map in SVG (Web Mercator): a graticule background, or tiles when a tile URL is configured; pan by
// dragging or arrow keys, zoom by wheel, buttons or +/-; markers cluster when they come closer than CELL pixels (and
// clusters never overlap); a cluster fans its chargers out when clicked, so each is two clicks away; one draggable
// marker for picking a position. No library, nothing fetched unless a tile URL is set.
const NS = 'http://www.w3.org/2000/svg';
const TILE = 256;
const CELL = 44;
const COLORS = { available: '#1d7a3a', occupied: '#0b5cad', notAvailable: '#a4330f', inoperative: '#5c6670' };

function s(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

export function project(lat, lon, zoom) {
  const size = TILE * 2 ** zoom;
  const sin = Math.sin((Math.max(-85, Math.min(85, lat)) * Math.PI) / 180);
  return { x: ((lon + 180) / 360) * size, y: (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * size };
}

export function unproject(x, y, zoom) {
  const size = TILE * 2 ** zoom;
  const lon = (x / size) * 360 - 180;
  const n = Math.PI - (2 * Math.PI * y) / size;
  return { lat: (180 / Math.PI) * Math.atan(0.5 * (Math.exp(n) - Math.exp(-n))), lon };
}

// Groups points that come closer than CELL pixels at `zoom`: each point joins the first group within CELL of it,
// then groups whose centres are closer than CELL merge until none are (so no two markers overlap). A group's position
// is its members' mean.
export function cluster(points, zoom) {
  let groups = [];
  for (const p of points) {
    const at = project(p.lat, p.lon, zoom);
    const near = groups.find((g) => Math.hypot(g.x - at.x, g.y - at.y) < CELL);
    if (near) {
      near.members.push(p);
      near.sx += at.x;
      near.sy += at.y;
      near.x = near.sx / near.members.length;
      near.y = near.sy / near.members.length;
    } else {
      groups.push({ members: [p], sx: at.x, sy: at.y, x: at.x, y: at.y });
    }
  }
  for (let merged = true; merged;) {
    merged = false;
    for (let i = 0; i < groups.length && !merged; i += 1) {
      for (let j = i + 1; j < groups.length; j += 1) {
        const a = groups[i];
        const b = groups[j];
        if (Math.hypot(a.x - b.x, a.y - b.y) >= CELL) continue;
        a.members.push(...b.members);
        a.sx += b.sx;
        a.sy += b.sy;
        a.x = a.sx / a.members.length;
        a.y = a.sy / a.members.length;
        groups.splice(j, 1);
        merged = true;
        break;
      }
    }
  }
  groups = groups.map((g) => ({ members: g.members, ...unproject(g.x, g.y, zoom) }));
  return groups;
}

// Screen offsets for fanning out `n` markers around their cluster: a circle for a few, a spiral for many (each
// marker at least FOOT pixels from the next).
export function fanOffsets(n) {
  const FOOT = 30;
  if (n <= 8) {
    const r = Math.max(36, (FOOT * n) / (2 * Math.PI));
    return Array.from({ length: n }, (_, i) => ({ x: r * Math.cos((2 * Math.PI * i) / n - Math.PI / 2),
      y: r * Math.sin((2 * Math.PI * i) / n - Math.PI / 2) }));
  }
  const out = [];
  let leg = 28;
  let angle = 0;
  for (let i = 0; i < n; i += 1) {
    angle += FOOT / leg + i * 0.0005;
    out.push({ x: leg * Math.cos(angle), y: leg * Math.sin(angle) });
    leg += (2 * Math.PI * 5) / angle;
  }
  return out;
}

export class MapView {
  constructor(container, { tileUrl = '', center = [51.0, 10.0], zoom = 5, label = 'Map', onSelect } = {}) {
    this.tileUrl = tileUrl;
    this.zoom = zoom;
    this.center = { lat: center[0], lon: center[1] };
    this.points = [];
    this.fanned = null; // the ids of the cluster fanned out, until the view changes
    this.marker = null;
    this.onSelect = onSelect;
    this.svg = s('svg', { role: 'application', 'aria-label': `${label}: arrow keys pan, + and - zoom`, tabindex: 0 });
    const zin = Object.assign(document.createElement('button'), { type: 'button', className: 'btn', textContent: '+' });
    const zout = Object.assign(document.createElement('button'), { type: 'button', className: 'btn', textContent: '−' });
    zin.setAttribute('aria-label', 'Zoom in');
    zout.setAttribute('aria-label', 'Zoom out');
    zin.addEventListener('click', () => this.setZoom(this.zoom + 1));
    zout.addEventListener('click', () => this.setZoom(this.zoom - 1));
    const controls = document.createElement('div');
    controls.className = 'zoom';
    controls.append(zin, zout);
    this.attrib = document.createElement('div');
    this.attrib.className = 'map-attrib';
    this.attrib.textContent = tileUrl ? 'Map tiles: configured tile server' : 'Offline map: grid of latitude and longitude';
    this.root = container;
    this.root.classList.add('map');
    this.root.dataset.zoom = String(zoom);
    this.root.replaceChildren(this.svg, controls, this.attrib);
    this.listen();
    this.resizeObserver = new ResizeObserver(() => this.draw());
    this.resizeObserver.observe(this.root);
  }

  destroy() { this.resizeObserver.disconnect(); }

  size() { return { w: this.root.clientWidth || 600, h: this.root.clientHeight || 400 }; }

  // Screen position of lat/lon in the current view.
  toScreen(lat, lon) {
    const c = project(this.center.lat, this.center.lon, this.zoom);
    const p = project(lat, lon, this.zoom);
    const { w, h } = this.size();
    return { x: p.x - c.x + w / 2, y: p.y - c.y + h / 2 };
  }

  fromScreen(x, y) {
    const c = project(this.center.lat, this.center.lon, this.zoom);
    const { w, h } = this.size();
    return unproject(c.x + x - w / 2, c.y + y - h / 2, this.zoom);
  }

  setZoom(z, around) {
    const nz = Math.max(2, Math.min(18, z));
    if (nz === this.zoom) return;
    if (around) {
      const anchor = this.fromScreen(around.x, around.y);
      this.zoom = nz;
      const a = this.toScreen(anchor.lat, anchor.lon);
      this.center = this.fromScreen(this.size().w / 2 + a.x - around.x, this.size().h / 2 + a.y - around.y);
    } else {
      this.zoom = nz;
    }
    this.root.dataset.zoom = String(this.zoom);
    this.fanned = null;
    this.draw();
  }

  panBy(dx, dy) {
    const { w, h } = this.size();
    this.center = this.fromScreen(w / 2 + dx, h / 2 + dy);
    this.draw();
  }

  setPoints(points) { this.points = points; this.draw(); }

  // Shows every point (or the marker) with some margin.
  fit(points) {
    if (points.length === 0) return this.draw();
    const lats = points.map((p) => p.lat);
    const lons = points.map((p) => p.lon);
    this.center = { lat: (Math.min(...lats) + Math.max(...lats)) / 2, lon: (Math.min(...lons) + Math.max(...lons)) / 2 };
    const { w, h } = this.size();
    let z = 16;
    for (; z > 2; z -= 1) {
      const a = project(Math.max(...lats), Math.min(...lons), z);
      const b = project(Math.min(...lats), Math.max(...lons), z);
      if (b.x - a.x < w * 0.8 && b.y - a.y < h * 0.8) break;
    }
    this.zoom = z;
    this.root.dataset.zoom = String(z);
    this.draw();
  }

  // One draggable marker; onMove({lat, lon}) after each move (drag, click on the map, arrow keys on the marker).
  setMarker(pos, onMove) {
    this.marker = { ...pos };
    this.onMove = onMove;
    this.center = { ...pos };
    this.draw();
  }

  moveMarker(pos) {
    this.marker = { lat: Math.max(-85, Math.min(85, pos.lat)), lon: ((pos.lon + 540) % 360) - 180 };
    this.draw();
    if (this.onMove) this.onMove(this.marker);
  }

  listen() {
    let drag = null;
    this.svg.addEventListener('pointerdown', (ev) => {
      const onMarker = ev.target.closest && ev.target.closest('.drag-marker');
      const onAny = ev.target.closest && ev.target.closest('.marker');
      drag = { x: ev.clientX, y: ev.clientY, moved: false, marker: !!onMarker, onAny: !!onAny, id: ev.pointerId };
    });
    this.svg.addEventListener('pointermove', (ev) => {
      if (!drag) return;
      const dx = ev.clientX - drag.x;
      const dy = ev.clientY - drag.y;
      if (!drag.moved && Math.abs(dx) + Math.abs(dy) > 3) {
        drag.moved = true;
        this.svg.setPointerCapture(drag.id); // only once dragging: a plain click still reaches the marker
      }
      if (!drag.moved) return;
      if (drag.marker) {
        const r = this.svg.getBoundingClientRect();
        const p = this.fromScreen(ev.clientX - r.left, ev.clientY - r.top);
        this.marker = p;
        this.draw();
      } else {
        drag.x = ev.clientX;
        drag.y = ev.clientY;
        this.panBy(-dx, -dy);
      }
    });
    const end = (ev) => {
      if (!drag) return;
      const r = this.svg.getBoundingClientRect();
      if (drag.marker && drag.moved) this.moveMarker(this.marker);
      else if (!drag.moved && this.marker && !drag.onAny) {
        this.moveMarker(this.fromScreen(ev.clientX - r.left, ev.clientY - r.top));
      } else if (!drag.moved && !drag.onAny && this.fanned) {
        this.fanned = null; // a click beside the fan folds it
        this.draw();
      }
      drag = null;
    };
    this.svg.addEventListener('pointerup', end);
    this.svg.addEventListener('pointercancel', () => { drag = null; });
    this.svg.addEventListener('wheel', (ev) => {
      ev.preventDefault();
      const r = this.svg.getBoundingClientRect();
      this.setZoom(this.zoom + (ev.deltaY < 0 ? 1 : -1), { x: ev.clientX - r.left, y: ev.clientY - r.top });
    }, { passive: false });
    this.svg.addEventListener('keydown', (ev) => {
      const step = 60;
      const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      const onMarker = ev.target.classList && ev.target.classList.contains('drag-marker');
      if (moves[ev.key]) {
        ev.preventDefault();
        const [dx, dy] = moves[ev.key];
        if (onMarker) {
          const p = this.toScreen(this.marker.lat, this.marker.lon);
          this.moveMarker(this.fromScreen(p.x + dx / 6, p.y + dy / 6));
          this.svg.querySelector('.drag-marker').focus();
        } else this.panBy(dx, dy);
      } else if (ev.key === '+' || ev.key === '=') this.setZoom(this.zoom + 1);
      else if (ev.key === '-') this.setZoom(this.zoom - 1);
    });
  }

  draw() {
    const { w, h } = this.size();
    const layers = [s('rect', { width: w, height: h, fill: '#dfe9f2' })];
    if (this.tileUrl) layers.push(this.tiles(w, h));
    else layers.push(this.graticule(w, h));
    if (this.marker) {
      const p = this.toScreen(this.marker.lat, this.marker.lon);
      const m = s('g', { class: 'marker drag-marker', transform: `translate(${p.x},${p.y})`, tabindex: 0, role: 'button',
        'aria-label': `Position ${this.marker.lat.toFixed(5)}, ${this.marker.lon.toFixed(5)}: drag, or use the arrow keys to move` },
      s('path', { d: 'M0 0 L-11 -20 A13 13 0 1 1 11 -20 Z', fill: '#d21f1f', stroke: '#fff', 'stroke-width': 2 }),
      s('circle', { cy: -26, r: 5, fill: '#fff' }));
      layers.push(m);
    }
    let open = null;
    for (const c of cluster(this.points, this.zoom)) {
      const key = c.members.map((m) => m.id).sort().join('\n');
      if (c.members.length > 1 && this.fanned === key) open = c;
      else layers.push(this.clusterMark(c));
    }
    if (open) layers.push(this.fan(open));
    else this.fanned = null;
    const focused = document.activeElement && document.activeElement.classList &&
      document.activeElement.classList.contains('drag-marker');
    this.svg.replaceChildren(...layers);
    if (focused) this.svg.querySelector('.drag-marker').focus();
  }

  clusterMark(c) {
    const p = this.toScreen(c.lat, c.lon);
    const single = c.members.length === 1;
    const first = c.members[0];
    const label = single ? first.label
      : `${c.members.length} chargers: ${c.members.map((m) => m.id).join(', ')}; open to show each`;
    const g = s('g', { class: `marker ${single ? 'single' : 'cluster'}`, transform: `translate(${p.x},${p.y})`,
      tabindex: 0, role: 'button', 'aria-label': label, 'data-count': c.members.length, 'data-id': single ? first.id : '' },
    s('title', {}, label));
    if (single) {
      g.append(s('circle', { r: 10, fill: COLORS[first.tile] || '#0b5cad', stroke: '#fff', 'stroke-width': 3 }));
    } else {
      g.append(s('circle', { r: 16, fill: '#14243a', stroke: '#fff', 'stroke-width': 3 }),
        s('text', { 'text-anchor': 'middle', dy: 5, fill: '#fff', 'font-size': 14, 'font-weight': 700 }, String(c.members.length)));
    }
    const activate = () => {
      if (single) { if (this.onSelect) this.onSelect(first); } else {
        this.fanned = c.members.map((m) => m.id).sort().join('\n');
        this.draw();
        const firstFanned = this.svg.querySelector('.fan .marker');
        if (firstFanned) firstFanned.focus();
      }
    };
    g.addEventListener('click', activate);
    g.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); activate(); } });
    return g;
  }

  // A cluster's chargers around its position, each a marker of its own joined to the centre by a line.
  fan(c) {
    const centre = this.toScreen(c.lat, c.lon);
    const g = s('g', { class: 'fan', 'data-count': c.members.length });
    const offsets = fanOffsets(c.members.length);
    g.append(s('circle', { cx: centre.x, cy: centre.y, r: 5, fill: '#14243a' }));
    c.members.forEach((m, i) => {
      const at = { x: centre.x + offsets[i].x, y: centre.y + offsets[i].y };
      g.append(s('line', { x1: centre.x, y1: centre.y, x2: at.x, y2: at.y, stroke: '#14243a', 'stroke-width': 1.5 }));
    });
    c.members.forEach((m, i) => {
      const at = this.fromScreen(centre.x + offsets[i].x, centre.y + offsets[i].y);
      g.append(this.clusterMark({ members: [m], lat: at.lat, lon: at.lon }));
    });
    return g;
  }

  graticule(w, h) {
    const g = s('g', { 'aria-hidden': 'true' });
    const tl = this.fromScreen(0, 0);
    const br = this.fromScreen(w, h);
    const span = Math.max(br.lon - tl.lon, 1e-6);
    const steps = [30, 10, 5, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001];
    const step = steps.find((st) => span / st >= 4) || steps[steps.length - 1];
    const decimals = Math.max(0, Math.ceil(-Math.log10(step)));
    for (let lon = Math.ceil(tl.lon / step) * step; lon <= br.lon; lon += step) {
      const x = this.toScreen(0, lon).x;
      g.append(s('line', { x1: x, y1: 0, x2: x, y2: h, stroke: '#b7c7d6' }),
        s('text', { x: x + 3, y: h - 18, 'font-size': 11, fill: '#4a5460' }, `${lon.toFixed(decimals)}°`));
    }
    for (let lat = Math.ceil(br.lat / step) * step; lat <= tl.lat; lat += step) {
      const y = this.toScreen(lat, 0).y;
      g.append(s('line', { x1: 0, y1: y, x2: w, y2: y, stroke: '#b7c7d6' }),
        s('text', { x: 3, y: y - 3, 'font-size': 11, fill: '#4a5460' }, `${lat.toFixed(decimals)}°`));
    }
    return g;
  }

  tiles(w, h) {
    const g = s('g', { 'aria-hidden': 'true' });
    const c = project(this.center.lat, this.center.lon, this.zoom);
    const ox = c.x - w / 2;
    const oy = c.y - h / 2;
    const n = 2 ** this.zoom;
    for (let ty = Math.floor(oy / TILE); ty * TILE < oy + h; ty += 1) {
      if (ty < 0 || ty >= n) continue;
      for (let tx = Math.floor(ox / TILE); tx * TILE < ox + w; tx += 1) {
        const x = ((tx % n) + n) % n;
        const href = this.tileUrl.replace('{z}', this.zoom).replace('{x}', x).replace('{y}', ty);
        g.append(s('image', { href, x: tx * TILE - ox, y: ty * TILE - oy, width: TILE, height: TILE }));
      }
    }
    return g;
  }
}
