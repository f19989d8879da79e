/**
 * One compiled terminfo per TERM, shared by every caller's screen. blessed compiles ~960
 * capabilities per screen (~2.8 ms) and then copies them three times per screen: its Tput wraps
 * each in a closure of its own, its Program copies every one it lacks onto itself, and
 * `program.put` gets one more closure per capability that writes the result. That is ~3,000
 * closures and three ~1,000-key dictionaries per caller (~300 KB), all the same for every caller
 * of one TERM.
 *
 * Here the compiled `info` is kept per TERM and options, and the capabilities live once per info
 * on three shared prototype layers: Tput → tputLayer → Tput.prototype, Program → programLayer →
 * Program.prototype, put → putLayer → Function.prototype. What blessed reads is the same value it
 * would have found as an own property: a compiled capability ignores `this` (each is a
 * `new Function` bound to null, or a constant), and the put layer looks up this program's own
 * Tput and writes through this program's `_write`, as blessed's per-program closure did. The
 * per-instance state (options, features, error, the terminal's name) stays on each instance.
 * The first screen of a TERM, and any Tput that pads output, is set up by blessed's own code.
 */
type AnyFunction = (...args: never[]) => unknown;
type Bag = Record<string | symbol, unknown>;

interface Info {
  name: string;
  names: string[];
  all: unknown;
  methods?: Bag;
  bools: unknown;
  numbers: unknown;
  strings: unknown;
  features: Bag;
}

interface TputLike extends Bag {
  terminal: string;
  error: Error | null;
  info: Info;
  options: Bag;
  padding?: boolean;
  inject(info: Info): void;
}

interface ProgramLike extends Bag {
  options: Bag;
  terminal: string;
  tput: TputLike;
  put: AnyFunction & Bag;
  _tputSetup?: boolean;
  _write(text: string): unknown;
  emit(event: string, ...args: unknown[]): boolean;
}

export interface BlessedClasses {
  Program: { prototype: Bag };
  Tput: (new (options: Bag) => TputLike) & { prototype: Bag };
}

interface Layers {
  tput: Bag;
  /** The layer's keys a Tput does not shadow with its own state (a feature such as acsc). */
  keys?: string[];
  /** Built with the first Program that uses the info: which keys it lacks depends on a Program. */
  program?: Bag;
  put?: Bag;
}

const PROGRAM = Symbol('program');
const nextTick: (callback: () => void) => unknown = globalThis.setImmediate ?? process.nextTick.bind(process);
const layersByInfo = new WeakMap<Info, Layers>();

export function shareTerminfo({ Program, Tput }: BlessedClasses): void {
  memoiseSetup(Tput.prototype);
  Program.prototype['setupTput'] = setupTput(Tput);
}

/** The Tput options that change what setup() produces. */
function pick(options: Bag): unknown[] {
  return ['padding', 'extended', 'printf', 'termcap', 'forceUnicode', 'terminfoFile', 'terminfoPrefix'].map((name) => options[name] ?? null);
}

function memoiseSetup(proto: Bag): void {
  const compile = proto['setup'] as (this: TputLike) => void;
  const compiled = new Map<string, { info: Info; error: Error | null }>();
  proto['setup'] = function setup(this: TputLike) {
    const key = JSON.stringify([this.terminal, pick(this.options)]);
    const hit = compiled.get(key);
    if (hit === undefined) {
      compile.call(this);
      compiled.set(key, { info: this.info, error: this.error });
      return;
    }
    this.error = hit.error;
    injectShared(this, hit.info, proto);
  };
}

/** What blessed's Tput.inject does, with the capabilities on the shared layer instead of on `tput`. */
function injectShared(tput: TputLike, info: Info, proto: Bag): void {
  Object.setPrototypeOf(tput, layersFor(info, proto).tput);
  tput.info = info;
  tput['all'] = info.all;
  tput['methods'] = info.methods;
  tput['bools'] = info.bools;
  tput['numbers'] = info.numbers;
  tput['strings'] = info.strings;
  if (!info.names.includes(tput.terminal)) tput.terminal = info.name;
  tput['features'] = info.features;
  for (const key of Object.keys(info.features)) {
    if (key !== 'padding') tput[key] = info.features[key];
    else if (!info.features['padding'] && tput.options['padding'] !== true) tput.padding = false;
  }
}

function layersFor(info: Info, proto: Bag): Layers {
  let layers = layersByInfo.get(info);
  if (layers) return layers;
  const tput: Bag = Object.create(proto);
  const methods = info.methods ?? (info as unknown as Bag);
  for (const key of Object.keys(methods)) {
    const method = methods[key];
    tput[key] =
      typeof method === 'function'
        ? function capability(this: unknown, ...args: unknown[]) {
            return (method as (this: unknown, params: unknown[]) => unknown).call(this, args);
          }
        : method;
  }
  layers = { tput };
  layersByInfo.set(info, layers);
  return layers;
}

/** blessed's Program.setupTput, line for line, but for the shared layers. */
function setupTput(Tput: BlessedClasses['Tput']) {
  return function setupTput(this: ProgramLike): void {
    if (this._tputSetup) return;
    this._tputSetup = true;
    const options = this.options;
    const write = this._write.bind(this);
    const tput = new Tput({
      terminal: this.terminal,
      padding: options['padding'],
      extended: options['extended'],
      printf: options['printf'],
      termcap: options['termcap'],
      forceUnicode: options['forceUnicode'],
    });
    this.tput = tput;
    if (tput.error) nextTick(() => this.emit('warning', (tput.error as Error).message));
    if (tput.padding) nextTick(() => this.emit('warning', 'Terminfo padding has been enabled.'));
    const put = function (this: ProgramLike, ...args: unknown[]) {
      const cap = args.shift() as string;
      const capability = tput[cap] as ((...a: unknown[]) => string) | undefined;
      if (capability) return this._write(capability.apply(tput, args));
      return undefined;
    } as unknown as ProgramLike['put'];
    this.put = put;
    const layers = tput.padding ? undefined : layersByInfo.get(tput.info);
    if (layers && Object.getPrototypeOf(tput) === layers.tput) attachLayers(this, layers);
    for (const key of Object.keys(tput)) copyCapability(this, tput, key, write);
  };
}

/** The body of blessed's loop over the Tput's keys, for one key. */
function copyCapability(program: ProgramLike, tput: TputLike, key: string, write: (text: string) => unknown): void {
  if (program[key] == null) program[key] = tput[key];
  const value = tput[key];
  if (typeof value !== 'function') {
    program.put[key] = value;
    return;
  }
  const capability = () => tput[key] as (...args: unknown[]) => string;
  program.put[key] = tput.padding
    ? (...args: unknown[]) => (tput['_print'] as AnyFunction)(capability().apply(tput, args) as never, write as never)
    : (...args: unknown[]) => program._write(capability().apply(tput, args));
}

/**
 * The capabilities the Tput has on its layer, given to the Program and its put the same way: the
 * program layer holds those the Program lacked (blessed copied only those), the put layer all.
 * Keys the Tput holds itself (its options, features) are copied per program by the caller, as
 * blessed does.
 */
function attachLayers(program: ProgramLike, layers: Layers): void {
  if (!layers.program) {
    layers.keys = Object.keys(layers.tput).filter((key) => !Object.hasOwn(program.tput, key));
    layers.program = Object.create(Object.getPrototypeOf(program) as object) as Bag;
    layers.put = Object.create(Function.prototype) as Bag;
    for (const key of layers.keys) {
      const value = layers.tput[key];
      if (program[key] == null) layers.program[key] = value;
      layers.put[key] = typeof value === 'function' ? putCapability(key) : value;
    }
  }
  // A key this Program has as its own property, set to nothing, blessed would have filled in.
  for (const key of layers.keys ?? []) if (Object.hasOwn(program, key) && program[key] == null) program[key] = layers.tput[key];
  Object.setPrototypeOf(program, layers.program);
  Object.setPrototypeOf(program.put, layers.put as object);
  program.put[PROGRAM] = program;
}

function putCapability(key: string) {
  return function capability(this: Bag, ...args: unknown[]) {
    const program = this[PROGRAM] as ProgramLike;
    return program._write((program.tput[key] as (...a: unknown[]) => string).apply(program.tput, args));
  };
}
