// The decode Worker's view of the network: fetches a URL and reads its body, turning every failure into
// a `network-error` that names the URL, and ending a stream that stalls (no bytes for the inactivity
// timeout while a read waits) the same way. The timer runs only while a fetch or a read is pending, so
// the Worker holding back its own reads (gsz-worker.ts) never counts as a stall.

/** Failure of the transfer itself (as opposed to the bytes): `code` is the element's error code. */
export class LoadError extends Error {
  constructor(
    readonly code: 'network-error' | 'not-found' | 'http-error',
    message: string,
  ) {
    super(message);
  }
}

/** The part of a ReadableStreamDefaultReader the .gsz reader uses. */
export interface ByteReader {
  read(): Promise<ReadableStreamReadResult<Uint8Array>>;
  cancel(): Promise<void>;
}

export class NetworkReader implements ByteReader {
  private readonly abort = new AbortController();
  private reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  private received = 0;

  /** `stallTimeoutMs`: longest wait for the response or for the next bytes (Infinity: no limit). */
  constructor(
    readonly url: string,
    private readonly stallTimeoutMs: number,
  ) {}

  /** Fetches the URL; resolves with the response once its status is OK and it has a body. */
  async open(): Promise<Response> {
    const response = await this.guard(
      fetch(this.url, { signal: this.abort.signal }),
      'waiting for the response',
    );
    if (!response.ok) {
      throw new LoadError(
        response.status === 404 ? 'not-found' : 'http-error',
        `${this.url}: HTTP ${response.status} ${response.statusText}`.trim(),
      );
    }
    if (!response.body) throw new LoadError('network-error', `${this.url}: the response has no body`);
    this.reader = response.body.getReader();
    return response;
  }

  async read(): Promise<ReadableStreamReadResult<Uint8Array>> {
    if (!this.reader) throw new Error('NetworkReader.read() before open()');
    const result = await this.guard(this.reader.read(), `after byte ${this.received}`);
    if (!result.done) this.received += result.value.length;
    return result;
  }

  async cancel(): Promise<void> {
    await this.reader?.cancel().catch(() => undefined);
    this.abort.abort();
  }

  /** `pending`, failing as a network-error when it rejects or when it takes longer than the timeout. */
  private async guard<T>(pending: Promise<T>, where: string): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stalled = new Promise<never>((_, reject) => {
      if (!Number.isFinite(this.stallTimeoutMs)) return;
      timer = setTimeout(() => {
        const seconds = +(this.stallTimeoutMs / 1000).toFixed(3);
        reject(new LoadError('network-error', `${this.url}: no data for ${seconds} s ${where} (stalled)`));
      }, this.stallTimeoutMs);
    });
    try {
      return await Promise.race([pending, stalled]);
    } catch (e) {
      // A stall also aborts the request, so the connection does not stay open behind the error.
      this.abort.abort();
      if (e instanceof LoadError) throw e;
      const reason = e instanceof Error ? e.message : String(e);
      throw new LoadError('network-error', `${this.url}: connection failed ${where} (${reason})`);
    } finally {
      clearTimeout(timer);
    }
  }
}
