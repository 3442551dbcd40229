// A small QR code encoder (ISO/IEC 18004) for the wizard's sticker sheet: byte mode, error correction level M,
// versions 1 to 6 (up to 106 bytes; an EVSE ID has at most 48), the mask with the lowest penalty. No request leaves
// the page. qrMatrix() gives the modules (true = dark); qrSvg() draws them with the 4-module quiet zone.

// Per version (index 1..6) at level M: error-correction codewords per block, and the blocks' data codeword counts.
const BLOCKS = [null, [10, [16]], [16, [28]], [26, [44]], [18, [32, 32]], [24, [43, 43]], [16, [27, 27, 27, 27]]];
const ALIGN = [null, [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34]];

// GF(256) with the polynomial x^8 + x^4 + x^3 + x^2 + 1.
const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
for (let i = 0, x = 1; i < 255; i += 1) {
  EXP[i] = x;
  LOG[x] = i;
  x <<= 1;
  if (x & 0x100) x ^= 0x11d;
}
for (let i = 255; i < 512; i += 1) EXP[i] = EXP[i - 255];
const mul = (a, b) => (a === 0 || b === 0 ? 0 : EXP[LOG[a] + LOG[b]]);

// The error-correction codewords of `data` (Reed-Solomon, generator with roots alpha^0 .. alpha^(n-1)).
export function reedSolomon(data, n) {
  let gen = [1];
  for (let i = 0; i < n; i += 1) {
    const next = new Array(gen.length + 1).fill(0);
    for (let j = 0; j < gen.length; j += 1) {
      next[j] ^= gen[j];
      next[j + 1] ^= mul(gen[j], EXP[i]);
    }
    gen = next;
  }
  const rem = new Array(n).fill(0);
  for (const b of data) {
    const factor = b ^ rem[0];
    rem.shift();
    rem.push(0);
    for (let j = 0; j < n; j += 1) rem[j] ^= mul(gen[j + 1], factor);
  }
  return rem;
}

function codewords(bytes, version) {
  const [ecLen, blocks] = BLOCKS[version];
  const capacity = blocks.reduce((a, b) => a + b, 0);
  const bits = [];
  const put = (value, length) => { for (let i = length - 1; i >= 0; i -= 1) bits.push((value >>> i) & 1); };
  put(4, 4); // byte mode
  put(bytes.length, 8);
  for (const b of bytes) put(b, 8);
  put(0, Math.min(4, capacity * 8 - bits.length));
  while (bits.length % 8) bits.push(0);
  const data = [];
  for (let i = 0; i < bits.length; i += 8) data.push(bits.slice(i, i + 8).reduce((a, b) => (a << 1) | b, 0));
  for (let pad = 0xec; data.length < capacity; pad ^= 0xec ^ 0x11) data.push(pad);
  const split = [];
  let at = 0;
  for (const n of blocks) { split.push(data.slice(at, at + n)); at += n; }
  const ecs = split.map((b) => reedSolomon(b, ecLen));
  const out = [];
  for (let i = 0; i < Math.max(...blocks); i += 1) for (const b of split) if (i < b.length) out.push(b[i]);
  for (let i = 0; i < ecLen; i += 1) for (const e of ecs) out.push(e[i]);
  return out;
}

const MASKS = [
  (x, y) => (x + y) % 2 === 0, (x, y) => y % 2 === 0, (x) => x % 3 === 0, (x, y) => (x + y) % 3 === 0,
  (x, y) => (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0, (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
  (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0, (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
];

// The format information of level M and `mask`: BCH(15,5) code, XOR 0x5412.
export function formatBits(mask) {
  const data = (0 << 3) | mask; // level M is 00
  let rem = data;
  for (let i = 0; i < 10; i += 1) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
  return ((data << 10) | (rem & 0x3ff)) ^ 0x5412;
}

function build(version, words, mask) {
  const size = version * 4 + 17;
  const dark = Array.from({ length: size }, () => new Array(size).fill(false));
  const fixed = Array.from({ length: size }, () => new Array(size).fill(false));
  const set = (x, y, v) => { dark[y][x] = v; fixed[y][x] = true; };
  for (let i = 0; i < size; i += 1) { set(6, i, i % 2 === 0); set(i, 6, i % 2 === 0); }
  for (const [cx, cy] of [[3, 3], [size - 4, 3], [3, size - 4]]) {
    for (let dy = -4; dy <= 4; dy += 1) {
      for (let dx = -4; dx <= 4; dx += 1) {
        const x = cx + dx;
        const y = cy + dy;
        const d = Math.max(Math.abs(dx), Math.abs(dy));
        if (x >= 0 && x < size && y >= 0 && y < size) set(x, y, d !== 2 && d !== 4);
      }
    }
  }
  const align = ALIGN[version];
  for (const ay of align) {
    for (const ax of align) {
      const corner = (ax === 6 && ay === 6) || (ax === 6 && ay === size - 7) || (ax === size - 7 && ay === 6);
      if (corner) continue;
      for (let dy = -2; dy <= 2; dy += 1) {
        for (let dx = -2; dx <= 2; dx += 1) set(ax + dx, ay + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
      }
    }
  }
  const bits = formatBits(mask);
  const bit = (i) => ((bits >>> i) & 1) === 1;
  for (let i = 0; i <= 5; i += 1) set(8, i, bit(i));
  set(8, 7, bit(6));
  set(8, 8, bit(7));
  set(7, 8, bit(8));
  for (let i = 9; i < 15; i += 1) set(14 - i, 8, bit(i));
  for (let i = 0; i < 8; i += 1) set(size - 1 - i, 8, bit(i));
  for (let i = 8; i < 15; i += 1) set(8, size - 15 + i, bit(i));
  set(8, size - 8, true);
  let i = 0;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    for (let vert = 0; vert < size; vert += 1) {
      for (let j = 0; j < 2; j += 1) {
        const x = right - j;
        const y = ((right + 1) & 2) === 0 ? size - 1 - vert : vert;
        if (fixed[y][x]) continue;
        const v = i < words.length * 8 ? ((words[i >>> 3] >>> (7 - (i & 7))) & 1) === 1 : false;
        dark[y][x] = v !== MASKS[mask](x, y);
        i += 1;
      }
    }
  }
  return dark;
}

// The penalty score of a symbol (the four rules of the standard); the mask with the lowest one is used.
export function penalty(m) {
  const size = m.length;
  let score = 0;
  const lines = [];
  for (let a = 0; a < size; a += 1) {
    lines.push(m[a]);
    lines.push(m.map((row) => row[a]));
  }
  const finder = [true, false, true, true, true, false, true];
  for (const line of lines) {
    let run = 1;
    for (let k = 1; k <= size; k += 1) {
      if (k < size && line[k] === line[k - 1]) { run += 1; continue; }
      if (run >= 5) score += 3 + (run - 5);
      run = 1;
    }
    for (let k = 0; k + 7 <= size; k += 1) {
      if (!finder.every((v, j) => line[k + j] === v)) continue;
      const lightBefore = k >= 4 && [1, 2, 3, 4].every((j) => !line[k - j]);
      const lightAfter = k + 11 <= size && [0, 1, 2, 3].every((j) => !line[k + 7 + j]);
      if (lightBefore || lightAfter) score += 40;
    }
  }
  let darkCount = 0;
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      if (m[y][x]) darkCount += 1;
      if (x + 1 < size && y + 1 < size && m[y][x] === m[y][x + 1] && m[y][x] === m[y + 1][x] &&
        m[y][x] === m[y + 1][x + 1]) score += 3;
    }
  }
  const total = size * size;
  score += 10 * Math.max(0, Math.ceil(Math.abs(darkCount * 20 - total * 10) / total) - 1);
  return score;
}

// The modules of `text` (UTF-8) as rows of booleans, or null when it is longer than version 6 holds (106 bytes).
export function qrMatrix(text) {
  const bytes = Array.from(new TextEncoder().encode(text));
  for (let version = 1; version <= 6; version += 1) {
    const capacity = BLOCKS[version][1].reduce((a, b) => a + b, 0);
    if (2 + bytes.length > capacity) continue; // mode and count take 12 bits
    const words = codewords(bytes, version);
    let best = null;
    let bestScore = Infinity;
    for (let mask = 0; mask < 8; mask += 1) {
      const m = build(version, words, mask);
      const score = penalty(m);
      if (score < bestScore) { best = m; bestScore = score; }
    }
    return best;
  }
  return null;
}

// An SVG image of `text`'s QR code with the quiet zone, labelled for screen readers.
export function qrSvg(text, label) {
  const m = qrMatrix(text);
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  if (!m) return svg;
  const n = m.length + 8;
  svg.setAttribute('viewBox', `0 0 ${n} ${n}`);
  svg.setAttribute('width', String(n * 3));
  svg.setAttribute('height', String(n * 3));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('shape-rendering', 'crispEdges');
  svg.dataset.qr = text;
  const back = document.createElementNS(ns, 'rect');
  back.setAttribute('width', String(n));
  back.setAttribute('height', String(n));
  back.setAttribute('fill', '#fff');
  svg.append(back);
  let d = '';
  m.forEach((row, y) => row.forEach((on, x) => { if (on) d += `M${x + 4} ${y + 4}h1v1h-1z`; }));
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', d);
  path.setAttribute('fill', '#000');
  svg.append(path);
  return svg;
}
