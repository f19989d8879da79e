/**
 * The teleconference screen's four boxes — title bar, message log, status line, input line — and
 * where each goes for a given terminal size. Only the log box parses tags.
 */
import blessed from 'blessed';

export interface Widgets {
  title: blessed.Widgets.BoxElement;
  log: blessed.Widgets.BoxElement;
  status: blessed.Widgets.BoxElement;
  input: blessed.Widgets.BoxElement;
}

export function createWidgets(screen: blessed.Widgets.Screen): Widgets {
  const line = (style: Record<string, unknown>) =>
    blessed.box({ parent: screen, left: 0, height: 1, tags: false, wrap: false, style });
  return {
    title: line({ fg: 'white', bg: 'blue', bold: true }),
    // The one tag-parsing box: its content is built only by toTagged.
    log: blessed.box({ parent: screen, left: 0, top: 1, tags: true, wrap: false }),
    status: line({ fg: 'grey' }),
    input: line({}),
  };
}

/** Fixed rows for the bars, the rest for the log; on tiny screens the input line wins. */
export function layout(widgets: Widgets, width: number, height: number): void {
  const place = (el: blessed.Widgets.BoxElement, top: number, rows: number) => {
    if (rows < 1 || top < 0) return el.hide();
    el.top = top;
    el.width = width;
    el.height = rows;
    el.show();
  };
  place(widgets.title, 0, height >= 2 ? 1 : 0);
  place(widgets.log, 1, height - 3);
  place(widgets.status, height - 2, height >= 3 ? 1 : 0);
  place(widgets.input, height - 1, 1);
}

/**
 * blessed re-parses a box's content on every setContent: skip it when nothing changed. Nor is the
 * box's old area blanked first (blessed's default): these boxes paint every cell of their area on
 * each render, and blessed clears the old area itself when a box is moved or resized.
 */
export function setText(box: blessed.Widgets.BoxElement, text: string): void {
  const noClear = true;
  if (box.content !== text) (box as BoxWithNoClear).setContent(text, noClear);
}

/** setContent's second parameter, which the typings leave out. */
type BoxWithNoClear = { setContent(text: string, noClear: boolean): void };
