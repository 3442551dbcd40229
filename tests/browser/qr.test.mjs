// The portal's own QR encoder (centralsystem/web/assets/qr.js), which draws the EVSE-ID stickers: its Reed-Solomon
// codewords and format bits against the standard's worked values, a symbol that a QR reader decoded when this test
// was written (kept as the expected modules), and the version chosen by length.
import { suite, expect, expectEqual } from './harness.mjs';
import { qrMatrix, reedSolomon, formatBits } from '../../centralsystem/web/assets/qr.js';

// "DE*ABC*E1*1", version 1-M, as decoded back by a QR reader.
const GOLDEN = [
    '#######..#..#.#######',
    '#.....#...#.#.#.....#',
    '#.###.#.#.#.#.#.###.#',
    '#.###.#.##.##.#.###.#',
    '#.###.#.#.#.#.#.###.#',
    '#.....#.#..#..#.....#',
    '#######.#.#.#.#######',
    '........#............',
    '#.#####....#..#####..',
    '#....#....####.#.##..',
    '..#.#####.#.##...###.',
    '.#..#...#####..##.#..',
    '.###..###...#####..#.',
    '........#...#..##....',
    '#######...##.#.#...#.',
    '#.....#.#.......#####',
    '#.###.#.#..#..##..#.#',
    '#.###.#.##..#.##..#..',
    '#.###.#.##..#.#..##..',
    '#.....#...###..####..',
    '#######.#.#.####..##.',
];

suite('qr', {
  async encoder() {
    // ISO/IEC 18004's "HELLO WORLD" 1-M data codewords and their 10 error-correction codewords.
    const ec = reedSolomon([32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17], 10);
    expectEqual(ec.join(' '), '196 35 39 119 235 215 231 226 93 23', 'Reed-Solomon codewords');
    const formats = [0, 1, 2, 3, 4, 5, 6, 7].map((m) => formatBits(m).toString(2).padStart(15, '0'));
    expectEqual(formats.join(' '), '101010000010010 101000100100101 101111001111100 101101101001011 ' +
      '100010111111001 100000011001110 100111110010111 100101010100000', 'format bits of level M, masks 0-7');
    const m = qrMatrix('DE*ABC*E1*1');
    expectEqual(m.map((r) => r.map((v) => (v ? '#' : '.')).join('')).join('\n'), GOLDEN.join('\n'), 'the symbol');
    // Size grows with the text: 21 modules for version 1 up to 41 for version 6; beyond, none.
    expectEqual(qrMatrix('DE*ABC*E1234567890*1').length, 25, 'a 20-byte EVSE ID takes version 2');
    expectEqual(qrMatrix(`DE*ABC*E${'1'.repeat(38)}*1`).length, 33, 'a 48-byte EVSE ID takes version 4');
    expectEqual(qrMatrix('x'.repeat(106)).length, 41, '106 bytes fit version 6');
    expect(qrMatrix('x'.repeat(107)) === null, 'longer texts are refused');
  },
});
