export interface OutputOptions {
  json?: boolean;
}

/** Prints `value` as one JSON document with --json, else as the human text. */
export function print(opts: OutputOptions, value: unknown, human: string): void {
  process.stdout.write(opts.json ? `${JSON.stringify(value)}\n` : `${human}\n`);
}
