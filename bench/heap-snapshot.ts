/**
 * Where a caller's memory goes: two sets of V8 heap snapshots of the board, one snapshot per
 * process (before the callers came, and with them on), each object's self size summed by type and
 * constructor over the processes, and the difference divided by the callers added. Self sizes only: a retained-size analysis of a snapshot this big
 * would cost more than the rest of the run. Memory outside the V8 heap (ssh2's native ciphers,
 * Node's socket buffers, the allocator's slack) is in RSS but not here: the report prints both.
 *
 * A snapshot at hundreds of callers is larger than a JavaScript string may be, so the file is read
 * as bytes: the node table is parsed number by number, and only the string table as JSON.
 */
import { readFileSync } from 'node:fs';

export interface HeapTypes {
  /** "object Program", "closure (bound)", "array (object elements)" … → bytes and count. */
  byType: Map<string, { bytes: number; count: number }>;
  totalBytes: number;
}

interface Meta {
  node_fields: string[];
  node_types: [string[], ...unknown[]];
}

export function readHeapTypes(file: string): HeapTypes {
  const bytes = readFileSync(file);
  const meta = JSON.parse(between(bytes, '"meta":', ',"node_count"')) as Meta;
  const stringsAt = bytes.indexOf('"strings":[');
  const strings = JSON.parse(bytes.toString('utf8', stringsAt + '"strings":'.length, bytes.lastIndexOf(']') + 1)) as string[];
  const width = meta.node_fields.length;
  const at = (field: string) => meta.node_fields.indexOf(field);
  const [typeAt, nameAt, sizeAt] = [at('type'), at('name'), at('self_size')];
  const typeNames = meta.node_types[0];
  const byType = new Map<string, { bytes: number; count: number }>();
  let totalBytes = 0;
  let field = 0;
  const node: number[] = new Array<number>(width).fill(0);
  forEachNumber(bytes, bytes.indexOf('"nodes":[') + '"nodes":['.length, (value) => {
    node[field++] = value;
    if (field < width) return;
    field = 0;
    const type = typeNames[node[typeAt] as number] ?? '?';
    const key = `${type} ${nameOf(type, strings[node[nameAt] as number] ?? '')}`;
    const entry = byType.get(key) ?? { bytes: 0, count: 0 };
    entry.bytes += node[sizeAt] as number;
    entry.count++;
    byType.set(key, entry);
    totalBytes += node[sizeAt] as number;
  });
  return { byType, totalBytes };
}

/** Strings and numbers are named by their content: one bucket each, not one per value. */
function nameOf(type: string, name: string): string {
  if (type === 'string' || type === 'concatenated string' || type === 'sliced string' || type === 'number') return '';
  if (type === 'code') return name.startsWith('(') ? name : '(code)';
  if (type === 'closure') return '';
  return name.length > 60 ? `${name.slice(0, 57)}...` : name;
}

/** Calls `each` with every non-negative integer from `start` up to the closing bracket. */
function forEachNumber(bytes: Buffer, start: number, each: (value: number) => void): void {
  let value = 0;
  let inNumber = false;
  for (let i = start; i < bytes.length; i++) {
    const c = bytes[i] as number;
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      inNumber = true;
      continue;
    }
    if (inNumber) each(value);
    value = 0;
    inNumber = false;
    if (c === 93) return; // ']'
  }
}

function between(bytes: Buffer, open: string, close: string): string {
  const from = bytes.indexOf(open);
  if (from < 0) throw new Error(`heap snapshot: no ${open}`);
  const to = bytes.indexOf(close, from + open.length);
  if (to < 0) throw new Error(`heap snapshot: no ${close} after ${open}`);
  return bytes.toString('utf8', from + open.length, to);
}

/** Several processes' heaps as one: bytes and counts added by type. */
export function sumHeapTypes(heaps: readonly HeapTypes[]): HeapTypes {
  const byType = new Map<string, { bytes: number; count: number }>();
  for (const heap of heaps) {
    for (const [type, { bytes, count }] of heap.byType) {
      const sum = byType.get(type) ?? { bytes: 0, count: 0 };
      byType.set(type, { bytes: sum.bytes + bytes, count: sum.count + count });
    }
  }
  return { byType, totalBytes: heaps.reduce((sum, heap) => sum + heap.totalBytes, 0) };
}

export interface TypeGrowth {
  type: string;
  bytesPerCaller: number;
  countPerCaller: number;
}

/** What `callers` added, per caller, largest first; `top` rows and the total. */
export function growthPerCaller(before: HeapTypes, after: HeapTypes, callers: number, top = 20): { rows: TypeGrowth[]; totalPerCaller: number } {
  const rows: TypeGrowth[] = [];
  for (const [type, now] of after.byType) {
    const was = before.byType.get(type) ?? { bytes: 0, count: 0 };
    rows.push({ type, bytesPerCaller: (now.bytes - was.bytes) / callers, countPerCaller: (now.count - was.count) / callers });
  }
  rows.sort((a, b) => b.bytesPerCaller - a.bytesPerCaller);
  return { rows: rows.slice(0, top), totalPerCaller: (after.totalBytes - before.totalBytes) / callers };
}
