/**
 * Rows of the new-user form that depend on more than one field's text: the question whether to
 * log in with the offered key next time, and the message area. Pure: text in, rows out.
 */
import { displayWidth } from './display-width.js';
import { elideMiddle, safe, wrapText, type FormRow } from './form-field.js';

/**
 * The key question in full when the fingerprint fits on a row of its own, else in two rows
 * with the fingerprint shortened in the middle (both ends are what people compare).
 */
export function keyQuestionRows(fingerprint: string, bindKey: boolean, focused: boolean, width: number): FormRow[] {
  const answer = bindKey ? 'Y' : 'n';
  const full = wrapText(`Log in with your key ${fingerprint} next time? [Y/n]`, width - 2);
  const fits = displayWidth(fingerprint) <= width - 2 && full.length <= 3;
  const lines = fits ? full : [elideMiddle(`Your key ${fingerprint}`, width), 'Log in with it next time? [Y/n]'];
  const last = lines.length - 1;
  return lines.map((line, i) => {
    if (i < last) return { content: safe(line), kind: 'field' };
    const question = focused ? `{bold}${safe(line)}{/bold}` : safe(line);
    const row: FormRow = { content: `${question} {underline}${answer}{/underline}`, kind: 'field' };
    return focused ? { ...row, cursorColumn: displayWidth(line) + 1 } : row;
  });
}

/** The form's message: an error in red, a notice in yellow; one empty row when there is none. */
export function messageRows(message: { text: string; error: boolean } | undefined, width: number): FormRow[] {
  if (!message) return [{ content: '', kind: 'message' }];
  const colour = message.error ? 'red-fg' : 'yellow-fg';
  // Three rows: room for the input-dropped notice at the form's widest (about 120 characters at 60 columns).
  return wrapText(message.text, width)
    .slice(0, 3)
    .map((line) => ({ content: `{${colour}}${safe(line)}{/${colour}}`, kind: 'message' }));
}
