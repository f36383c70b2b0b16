/** Where the model's final report starts; nothing from here on is a thought. */
const reportMarkers = ['<report', '```'];
/** A sentence ends at . ! ? or : followed by whitespace, or at a line break. */
const boundary = /[.!?](?=\s)|\n/g;
const maxSentenceChars = 600;

/**
 * Turns streamed model text into whole sentences: deltas are buffered and released only at sentence boundaries (a
 * half sentence is never shown), and everything from the report marker on is held back (it is the answer, not a
 * thought). `end()` releases what is left.
 */
export class ThoughtStream {
  private buffer = '';
  private stopped = false;

  constructor(private readonly emit: (sentence: string) => void) {}

  push(delta: string): void {
    if (this.stopped) return;
    this.buffer += delta;
    const marker = reportMarkers
      .map((entry) => this.buffer.indexOf(entry))
      .filter((index) => index >= 0)
      .sort((left, right) => left - right)[0];
    if (marker !== undefined) {
      this.release(this.buffer.slice(0, marker), true);
      this.buffer = '';
      this.stopped = true;
      return;
    }
    // Hold back a trailing '<' or '`' run that may be the start of a marker split across deltas.
    const hold = /(<[a-z]{0,6}|`{1,2})$/.exec(this.buffer);
    const ready = hold ? this.buffer.slice(0, hold.index) : this.buffer;
    const rest = hold ? this.buffer.slice(hold.index) : '';
    this.buffer = this.release(ready, false) + rest;
  }

  end(): void {
    if (!this.stopped) this.release(this.buffer, true);
    this.buffer = '';
    this.stopped = true;
  }

  /** Emits every complete sentence of `text`; returns the unfinished tail (or nothing when `all`). */
  private release(text: string, all: boolean): string {
    let start = 0;
    for (const match of text.matchAll(boundary)) {
      const end = (match.index ?? 0) + match[0].length;
      this.sentence(text.slice(start, end));
      start = end;
    }
    let tail = text.slice(start);
    while (tail.length > maxSentenceChars) {
      // A run-on "sentence": cut at the last space inside the limit so a reader still sees it as it comes.
      const cut = tail.lastIndexOf(' ', maxSentenceChars);
      const at = cut > 0 ? cut : maxSentenceChars;
      this.sentence(tail.slice(0, at));
      tail = tail.slice(at);
    }
    if (all) {
      this.sentence(tail);
      return '';
    }
    return tail;
  }

  private sentence(text: string): void {
    const trimmed = text.replace(/\s+/g, ' ').trim();
    if (trimmed.length > 0) this.emit(trimmed);
  }
}
