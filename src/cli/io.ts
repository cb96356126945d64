/**
 * The CLI's injected I/O (house-style rule 16): commands write through this and never touch
 * `process` directly, so integration tests can run them in-process with captured streams.
 */
import * as fs from "node:fs";

/** A text sink such as stdout. */
export interface TextSink {
  write(text: string): void;
  /** True when the sink is an interactive terminal (progress lines, colour). */
  readonly isTTY: boolean;
}

/** Everything a command may use from the outside world. */
export interface CliIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly fs: typeof fs;
  /** Subscribes to SIGINT/SIGTERM (a handler replaces the default exit); returns the unsubscribe. Absent in tests. */
  readonly onSignal?: (handler: (signal: "SIGINT" | "SIGTERM") => void) => () => void;
}

/** The real process's I/O; only `main.ts` calls this. */
export function processIo(): CliIo {
  return {
    stdout: { write: (t) => void process.stdout.write(t), isTTY: Boolean(process.stdout.isTTY) },
    stderr: { write: (t) => void process.stderr.write(t), isTTY: Boolean(process.stderr.isTTY) },
    env: process.env,
    cwd: process.cwd(),
    fs,
    onSignal: (handler) => {
      const signals = ["SIGINT", "SIGTERM"] as const;
      const listeners = signals.map((sig) => [sig, () => handler(sig)] as const);
      for (const [sig, l] of listeners) process.on(sig, l);
      return () => listeners.forEach(([sig, l]) => process.off(sig, l));
    },
  };
}

/** An in-memory I/O for tests: everything written is collected in `out` and `err`. */
export function memoryIo(options: { cwd?: string; env?: Record<string, string> } = {}): CliIo & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: { write: (t) => void (out += t), isTTY: false },
    stderr: { write: (t) => void (err += t), isTTY: false },
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    fs,
    out: () => out,
    err: () => err,
  };
}
