// Claiming codes and passwords made easy to read aloud: groups of characters and a spelled-out form
// (digits as words, letters in the ICAO/NATO alphabet, Crockford's check symbols by name).

const DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const LETTERS = {
  A: 'Alfa', B: 'Bravo', C: 'Charlie', D: 'Delta', E: 'Echo', F: 'Foxtrot', G: 'Golf', H: 'Hotel', I: 'India',
  J: 'Juliett', K: 'Kilo', L: 'Lima', M: 'Mike', N: 'November', O: 'Oscar', P: 'Papa', Q: 'Quebec', R: 'Romeo',
  S: 'Sierra', T: 'Tango', U: 'Uniform', V: 'Victor', W: 'Whiskey', X: 'X-ray', Y: 'Yankee', Z: 'Zulu',
};
const SYMBOLS = { '*': 'star', '~': 'tilde', $: 'dollar', '=': 'equals', '-': 'dash', _: 'underscore', '.': 'dot' };

// One character as it is said: "7" -> "seven", "K" -> "Kilo", "k" -> "small kilo".
export function spellChar(c) {
  if (c >= '0' && c <= '9') return DIGITS[c.charCodeAt(0) - 48];
  const upper = c.toUpperCase();
  if (LETTERS[upper]) return c === upper ? LETTERS[upper] : 'small ' + LETTERS[upper].toLowerCase();
  return SYMBOLS[c] || c;
}

// "7KQF-3M9X-TR" -> ["7KQF", "3M9X", "TR"]; any other text in groups of `size`.
export function groups(text, size = 4) {
  if (text.includes('-')) return text.split('-').filter((g) => g.length > 0);
  const out = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

// ["seven Kilo Quebec Foxtrot", ...]: one spoken line per group.
export function spellGroups(text, size = 4) {
  return groups(text, size).map((g) => Array.from(g, spellChar).join(' '));
}
