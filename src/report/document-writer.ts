/**
 * Writes a report that is one whole document (JUnit XML, HTML), which cannot be streamed: into a
 * file, the document so far replaces the file atomically while the run goes on (at most every
 * `everyMs`), so a run killed even with SIGKILL leaves a complete one; on a stream (stdout), only
 * the final document is written.
 */
import type { ReportSink } from "./reporter.ts";

/** One whole-document report's writes. */
export class DocumentWriter {
  #last = -Infinity;
  #trailing: NodeJS.Timeout | null = null;

  constructor(private readonly sink: ReportSink, private readonly now: () => number, private readonly everyMs = 250) {}

  /**
   * Replaces the file with `render()` (file sinks only), at most every `everyMs` unless `force`;
   * a change inside the window is written when the window ends, so the file never lags long.
   */
  interim(render: () => string, force = false): void {
    const replace = this.sink.replace?.bind(this.sink);
    if (replace === undefined) return;
    const t = this.now();
    if (!force && t - this.#last < this.everyMs) {
      this.#trailing ??= setTimeout(() => {
        this.#trailing = null;
        this.#last = this.now();
        replace(render());
      }, Math.max(1, this.everyMs - (t - this.#last)));
      this.#trailing.unref();
      return;
    }
    this.#cancel();
    this.#last = t;
    replace(render());
  }

  #cancel(): void {
    if (this.#trailing !== null) clearTimeout(this.#trailing);
    this.#trailing = null;
  }

  /** The final document: replacing the file, or written to the stream. */
  final(doc: string): void {
    this.#cancel();
    if (this.sink.replace !== undefined) this.sink.replace(doc);
    else {
      this.sink.write(doc);
      this.sink.flush?.();
    }
  }
}
