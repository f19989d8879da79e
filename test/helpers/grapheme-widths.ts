/**
 * Unicode widths for the headless terminal as modern terminals draw them, grapheme by grapheme:
 * CJK and emoji presentation 2 columns, a ZWJ sequence, a flag (two regional indicators), a
 * keycap or an emoji with a skin tone one cluster of 2, combining marks 0 (joined to the cell
 * before). xterm.js's built-in table (Unicode 6) counts most emoji as 1 and draws each part of a
 * ZWJ sequence in its own cells; with this provider the test terminal agrees with what callers
 * on current terminals see. Single code points are measured by string-width, not by our code.
 */
import stringWidth from 'string-width';

const ZWJ = 0x200d;
const VS16 = 0xfe0f;
/** State carried to the next code point: the last one was a ZWJ, or an unpaired regional indicator. */
const AFTER_ZWJ = 1;
const OPEN_FLAG = 2;

function isRegionalIndicator(cp: number): boolean {
  return cp >= 0x1f1e6 && cp <= 0x1f1ff;
}

/** Code points that extend the cluster before them. */
function isExtender(cp: number): boolean {
  return (
    cp === ZWJ ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0x1f3fb && cp <= 0x1f3ff) ||
    (cp >= 0xe0020 && cp <= 0xe007f) ||
    /\p{M}/u.test(String.fromCodePoint(cp))
  );
}

function value(state: number, width: number, join: boolean): number {
  return ((state & 0xffffff) << 3) | ((width & 3) << 1) | (join ? 1 : 0);
}

export const graphemeWidths = {
  version: 'graphemes-test',
  wcwidth(cp: number): 0 | 1 | 2 {
    if (isExtender(cp)) return 0;
    if (isRegionalIndicator(cp)) return 2;
    return Math.min(2, stringWidth(String.fromCodePoint(cp))) as 0 | 1 | 2;
  },
  charProperties(cp: number, preceding: number): number {
    const state = preceding >> 3;
    const before = (preceding >> 1) & 3;
    const inCluster = preceding !== 0 && before > 0;
    if (inCluster && state & AFTER_ZWJ) return value(0, Math.max(before, 2), true);
    if (inCluster && isExtender(cp)) return value(cp === ZWJ ? AFTER_ZWJ : 0, cp === VS16 ? 2 : before, true);
    if (inCluster && state & OPEN_FLAG && isRegionalIndicator(cp)) return value(0, 2, true);
    return value(isRegionalIndicator(cp) ? OPEN_FLAG : 0, this.wcwidth(cp), false);
  },
};
