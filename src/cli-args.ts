/**
 * The CLI's arguments after the command words: positionals, switches (`--sysop`) and options that
 * take a value (`--for 7d`, `--reason "spam"`, or `--for=7d`). A command declares an option that
 * takes a value with a trailing "=" (`--for=`).
 */

export interface ParsedArguments {
  args: string[];
  flags: Set<string>;
  options: Map<string, string>;
  /** An unknown option, or an option missing its value. */
  problem?: string;
}

export function parseArguments(rest: readonly string[], declared: readonly string[]): ParsedArguments {
  const parsed: ParsedArguments = { args: [], flags: new Set(), options: new Map() };
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i] ?? '';
    if (!word.startsWith('--')) {
      parsed.args.push(word);
      continue;
    }
    const [name = '', inline] = splitOnce(word, '=');
    if (declared.includes(`${name}=`)) {
      const value = inline ?? rest[++i];
      if (value === undefined) return { ...parsed, problem: `${name} needs a value.` };
      parsed.options.set(name, value);
    } else if (declared.includes(word)) {
      parsed.flags.add(word);
    } else {
      return { ...parsed, problem: `Unknown option ${name}.` };
    }
  }
  return parsed;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
