/**
 * Remembers secret values this process has handled so any log line that contains one is masked,
 * whatever key it hides under. Key-based redaction in the logger catches the common fields;
 * this catches the rest (a token echoed in an error message, a password in a URL).
 */
export class SecretRedactor {
  private readonly values = new Map<string, string>();

  constructor(private readonly capacity = 5_000) {}

  /** Values shorter than 6 characters are ignored: masking them would mangle ordinary text. */
  remember(value: string | undefined | null): void {
    if (!value || value.length < 6) return;
    for (const form of [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]) {
      this.values.delete(form);
      this.values.set(form, form);
    }
    while (this.values.size > this.capacity) {
      const oldest = this.values.keys().next().value;
      if (oldest === undefined) break;
      this.values.delete(oldest);
    }
  }

  forget(value: string): void {
    this.values.delete(value);
    this.values.delete(JSON.stringify(value).slice(1, -1));
    this.values.delete(encodeURIComponent(value));
  }

  redact(text: string): string {
    if (this.values.size === 0) return text;
    let result = text;
    for (const value of this.values.keys()) {
      if (result.includes(value)) result = result.split(value).join('[REDACTED]');
    }
    return result;
  }
}
