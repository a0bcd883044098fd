/** Where a command writes: stdout/stderr, colour only on a terminal and never under NO_COLOR. */
export interface Output {
  readonly json: boolean;
  line(text: string): void;
  error(text: string): void;
  /** One structured event (for `--json`). */
  event(value: Record<string, unknown>): void;
  readonly color: Colors;
}

export interface Colors {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
}

const plain: Colors = { green: (t) => t, red: (t) => t, yellow: (t) => t, dim: (t) => t };
const ansi: Colors = {
  green: (t) => `\u001b[32m${t}\u001b[0m`,
  red: (t) => `\u001b[31m${t}\u001b[0m`,
  yellow: (t) => `\u001b[33m${t}\u001b[0m`,
  dim: (t) => `\u001b[2m${t}\u001b[0m`,
};

/** The process's output, colour decided from the terminal and NO_COLOR. */
export function processOutput(json: boolean): Output {
  const useColor = !json && Boolean(process.stdout.isTTY) && process.env.NO_COLOR === undefined;
  return {
    json,
    color: useColor ? ansi : plain,
    line: (text) => process.stdout.write(`${text}\n`),
    error: (text) => process.stderr.write(`${text}\n`),
    event: (value) => process.stdout.write(`${JSON.stringify({ ts: new Date().toISOString(), ...value })}\n`),
  };
}
