/**
 * Makes blessed safe to run for many callers inside one server process.
 * blessed assumes it owns the process: it spawns $EDITOR, sends itself SIGTSTP, installs
 * process-wide signal and exception handlers, reads the server's environment to guess the
 * terminal, and compiles terminfo afresh for every screen and keeps three copies of it there.
 * prepareBlessed() switches all of that off, once, before the first screen is made, and makes
 * screens share what is the same for all of them (terminfo per TERM: blessed-terminfo.ts; blank
 * cells: blessed-cells.ts), and measures widths as the rest of the board does (blessed-widths.ts).
 * Nothing here knows about sessions or channels.
 */
import blessed from 'blessed';
import { shareBlankCells } from './blessed-cells.js';
import { measureWithDisplayWidth, type BlessedElementPrototype, type BlessedUnicode } from './blessed-widths.js';
import { shareTerminfo, type BlessedClasses } from './blessed-terminfo.js';

type AnyFunction = (...args: never[]) => unknown;

/** blessed's classes as the JavaScript has them (the typings leave these statics out). */
interface Internals {
  Program: AnyFunction & {
    instances: unknown[];
    total: number;
    global: unknown;
    _bound?: boolean;
    _exitHandler?: AnyFunction;
    bind: (program: { index?: number }) => void;
    prototype: Record<string, unknown>;
  };
  Screen: AnyFunction & {
    instances: unknown[];
    total: number;
    global: unknown;
    _bound?: boolean;
    bind: (screen: { index?: number }) => void;
    prototype: Record<string, unknown>;
  } & Record<string, unknown>;
  Tput: AnyFunction & { prototype: Record<string, unknown> };
  Element: AnyFunction & { prototype: Record<string, unknown> };
  unicode: BlessedUnicode;
}

export function blessedInternals(): Internals {
  const b = blessed as unknown as { program: unknown; screen: unknown; element: unknown; Tput: unknown; unicode: unknown };
  return { Program: b.program, Screen: b.screen, Element: b.element, Tput: b.Tput, unicode: b.unicode } as Internals;
}

/**
 * Variables of the *server's* environment blessed reads to describe a caller's terminal. With
 * TMUX set every new program runs `tmux -V` synchronously; the others switch on terminal quirks
 * (ACS, padding, forced modes, CJK width) the caller's terminal may not have. LANG and LC_* are
 * left alone: blessed only reads them when forceUnicode is not given (we always give it), and
 * the rest of the process may rely on them. TERM is left too: every program is given its TERM.
 */
const SERVER_TERMINAL_ENV = [
  'TMUX',
  'TMUX_PANE',
  'TERMCAP',
  'TERMPATH',
  'TERM_PROGRAM',
  'ITERM_SESSION_ID',
  'COLORTERM',
  'TERMINATOR_UUID',
  'VTE_VERSION',
  'BLESSED_FORCE_MODES',
  'NCURSES_NO_UTF8_ACS',
  'NCURSES_NO_PADDING',
  'NCURSES_NO_SETBUF',
  'NCURSES_NO_MAGIC_COOKIE',
  'NCURSES_CJK_WIDTH',
] as const;

let prepared = false;

/**
 * Idempotent; the board calls it at start-up and createBbsScreen before every screen. blessed is
 * patched once; the environment is scrubbed on every call (cheap) in case something set a
 * variable back. Installs and removes no process handlers of its own.
 */
export function prepareBlessed(): void {
  for (const name of SERVER_TERMINAL_ENV) delete process.env[name];
  if (prepared) return;
  prepared = true;
  const { Program, Screen, Element, Tput, unicode } = blessedInternals();
  disableProgramLaunching(Program, Screen);
  keepProcessHandlersOurs(Program, Screen);
  shareTerminfo({ Program, Tput } as unknown as BlessedClasses);
  shareBlankCells(
    Screen.prototype as unknown as Parameters<typeof shareBlankCells>[0],
    Element.prototype as unknown as Parameters<typeof shareBlankCells>[1],
  );
  measureWithDisplayWidth(unicode, Element.prototype as unknown as BlessedElementPrototype);
}

/**
 * A textarea with `keys` or `mouse` opens $EDITOR through screen.readEditor; Ctrl-Z support
 * sends SIGTSTP to the whole server; linux-console mouse support opens /dev/gpmctl. None of it
 * may happen on a server, so each becomes a no-op. readEditor answers "Unsuccessful." as blessed's
 * own failure does, so a textarea that asked simply goes on reading input.
 */
function disableProgramLaunching(Program: Internals['Program'], Screen: Internals['Screen']): void {
  const screenProto = Screen.prototype;
  screenProto['spawn'] = () => undefined;
  screenProto['exec'] = (...args: unknown[]) => {
    const callback = args.find((a): a is (err: Error, ok: boolean) => void => typeof a === 'function');
    if (callback) setImmediate(() => callback(new Error('Running programs is disabled.'), false));
    return undefined;
  };
  screenProto['readEditor'] = (...args: unknown[]) => {
    const callback = args.find((a): a is (err: Error) => void => typeof a === 'function');
    if (callback) setImmediate(() => callback(new Error('Unsuccessful.')));
  };
  screenProto['sigtstp'] = () => undefined;
  Program.prototype['sigtstp'] = () => undefined;
  Program.prototype['enableGpm'] = () => undefined;
}

/**
 * blessed's first program adds a process 'exit' handler; its first screen adds handlers for
 * uncaughtException (destroy every screen, print the error, exit 1), SIGTERM, SIGINT and SIGQUIT
 * (exit 0 when no one else listens) and 'exit'; the last destroy removes them. On a server they
 * would turn a crash or a signal into blessed's decision, and merely having an uncaughtException
 * listener stops Node's default crash. So bind() keeps only the bookkeeping (the instance lists
 * that destroy() needs) and adds no process listener; the handler fields stay set to a no-op so
 * blessed's destroy() can "remove" them harmlessly. The board owns every process handler.
 */
function keepProcessHandlersOurs(Program: Internals['Program'], Screen: Internals['Screen']): void {
  const noop = () => undefined;
  const bookkeeping = (cls: Internals['Program'] | Internals['Screen'], handlers: string[]) =>
    (instance: { index?: number }) => {
      if (!cls.global) cls.global = instance;
      if (!cls.instances.includes(instance)) {
        cls.instances.push(instance);
        instance.index = cls.total;
        cls.total++;
      }
      const statics = cls as unknown as Record<string, unknown>;
      for (const handler of handlers) statics[handler] = noop;
      cls._bound = true;
    };
  Program.bind = bookkeeping(Program, ['_exitHandler']);
  Screen.bind = bookkeeping(Screen, [
    '_exceptionHandler',
    '_sigtermHandler',
    '_sigintHandler',
    '_sigquitHandler',
    '_exitHandler',
  ]);
}
