// Decoding .gsz chunks on several Workers. The reading Worker (gsz-worker.ts) owns a DecodePool: it decodes
// some chunks itself and hands others, over MessagePorts the element set up, to helper Workers running
// serveDecodes. Chunks decode independently; results come back as viewer-packed Gaussians with their buffers
// transferred, and readGszStream (gsz-stream.ts) still emits them in chunk order. Browser and Node alike
// (MessagePort only), so the unit tests run the real protocol over in-process MessageChannels.
import {
  decodeGszChunk,
  GszFormatError,
  type GszErrorCode,
  type GszHeader,
} from '../../shared/format/gsz-decoder.ts';
import { packSplats, type PackedSplats } from './render/packed-splats.ts';

/** Most decoding Workers per load: past 4, the main thread's uploads and the network bound the load. */
export const MAX_DECODE_WORKERS = 4;

/**
 * Decoding Workers for one load, the loading Worker included: one per logical core (the main thread mostly
 * waits on the GPU while a scene loads), at most MAX_DECODE_WORKERS; 2 where the browser does not say.
 */
export function decodePoolSize(hardwareConcurrency: number | undefined): number {
  const cores =
    Number.isFinite(hardwareConcurrency) && (hardwareConcurrency ?? 0) >= 1
      ? Math.floor(hardwareConcurrency as number)
      : 2;
  return Math.min(MAX_DECODE_WORKERS, cores);
}

/** What readGszStream needs from a decoder: one chunk's bytes in, packed Gaussians out. */
export interface ChunkDecoder {
  /** Called once, before any chunk. */
  start(header: GszHeader): void;
  /** The SH codebook has arrived: chunks decoded from now on (decode calls after this one) use it. */
  setCodebook(codebook: Float32Array): void;
  /**
   * Decodes chunk `index` from exactly its bytes and packs its first `count` Gaussians (`bytes` is not
   * kept or detached). `local` asks for this thread
   * (the first chunk: no hand-over latency).
   */
  decode(index: number, bytes: Uint8Array, count: number, local: boolean): Promise<PackedSplats>;
  /** How many decode calls may be outstanding before waiting on the oldest pays off. */
  readonly capacity: number;
}

/** Messages from the reading Worker to a helper. */
export type DecodeRequest =
  | { type: 'start'; header: GszHeader }
  | { type: 'codebook'; codebook: Float32Array }
  | { type: 'chunk'; index: number; bytes: Uint8Array; count: number; withCodebook: boolean };

/** A helper's answer to one 'chunk' request. */
export type DecodeReply =
  | { type: 'decoded'; index: number; packed: PackedSplats }
  | { type: 'failed'; index: number; code: GszErrorCode | undefined; message: string };

export function packedTransfers(packed: PackedSplats): Transferable[] {
  return [packed.splats.buffer, packed.shRest.buffer, packed.positions.buffer] as Transferable[];
}

function decodeHere(
  header: GszHeader,
  index: number,
  bytes: Uint8Array,
  count: number,
  codebook: Float32Array | undefined,
): PackedSplats {
  return packSplats(decodeGszChunk(header, index, bytes, codebook), count);
}

/** Rebuilds a helper's failure on this side, keeping its code and message as they were. */
function failure(reply: Extract<DecodeReply, { type: 'failed' }>): Error {
  if (reply.code === undefined) return new Error(reply.message);
  const error = new GszFormatError(reply.code, '');
  error.message = reply.message;
  return error;
}

/** Chunks handed to one helper at a time: one decoding, one queued behind it so it never idles. */
const PER_HELPER = 2;

interface Helper {
  port: MessagePort;
  pending: Map<number, { resolve(p: PackedSplats): void; reject(e: Error): void }>;
}

/** The reading Worker's side: decodes on this thread when every helper is busy (or there are none). */
export class DecodePool implements ChunkDecoder {
  private header: GszHeader | undefined;
  private codebook: Float32Array | undefined;
  private readonly helpers: Helper[];

  constructor(ports: readonly MessagePort[]) {
    this.helpers = ports.map((port) => {
      const helper: Helper = { port, pending: new Map() };
      port.onmessage = (event: MessageEvent<DecodeReply>) => {
        const reply = event.data;
        const waiting = helper.pending.get(reply.index);
        if (!waiting) return;
        helper.pending.delete(reply.index);
        if (reply.type === 'decoded') waiting.resolve(reply.packed);
        else waiting.reject(failure(reply));
      };
      return helper;
    });
  }

  get capacity(): number {
    return 1 + this.helpers.length * PER_HELPER;
  }

  start(header: GszHeader): void {
    this.header = header;
    for (const h of this.helpers) h.port.postMessage({ type: 'start', header } satisfies DecodeRequest);
  }

  setCodebook(codebook: Float32Array): void {
    this.codebook = codebook;
    // A copy each: small (K x dims floats), and this thread keeps decoding with its own.
    for (const h of this.helpers)
      h.port.postMessage({ type: 'codebook', codebook: codebook.slice() } satisfies DecodeRequest);
  }

  decode(index: number, bytes: Uint8Array, count: number, local: boolean): Promise<PackedSplats> {
    const header = this.header;
    if (!header) return Promise.reject(new Error('DecodePool.decode before start'));
    let helper: Helper | undefined;
    if (!local) {
      for (const h of this.helpers)
        if (h.pending.size < PER_HELPER && (!helper || h.pending.size < helper.pending.size)) helper = h;
    }
    if (!helper) {
      try {
        return Promise.resolve(decodeHere(header, index, bytes, count, this.codebook));
      } catch (e) {
        return Promise.reject(e);
      }
    }
    const target = helper;
    return new Promise((resolve, reject) => {
      target.pending.set(index, { resolve, reject });
      // A copy of the compressed bytes (a tenth of what comes back) to transfer: the caller's may share a
      // buffer with other sections.
      const own = bytes.slice();
      const request: DecodeRequest = {
        type: 'chunk',
        index,
        bytes: own,
        count,
        withCodebook: this.codebook !== undefined,
      };
      target.port.postMessage(request, [own.buffer as ArrayBuffer]);
    });
  }

  /** Stops listening (the Workers themselves are terminated by the element). */
  close(): void {
    for (const h of this.helpers) {
      h.port.onmessage = null;
      h.port.close();
    }
  }
}

/** A helper Worker's side: answers the reading Worker's requests on `port` until it is terminated. */
export function serveDecodes(port: MessagePort): void {
  let header: GszHeader | undefined;
  let codebook: Float32Array | undefined;
  port.onmessage = (event: MessageEvent<DecodeRequest>) => {
    const m = event.data;
    if (m.type === 'start') header = m.header;
    else if (m.type === 'codebook') codebook = m.codebook;
    else {
      let reply: DecodeReply;
      let transfer: Transferable[] = [];
      try {
        if (!header) throw new Error('chunk before start');
        const packed = decodeHere(header, m.index, m.bytes, m.count, m.withCodebook ? codebook : undefined);
        reply = { type: 'decoded', index: m.index, packed };
        transfer = packedTransfers(packed);
      } catch (e) {
        reply = {
          type: 'failed',
          index: m.index,
          code: e instanceof GszFormatError ? e.code : undefined,
          message: e instanceof Error ? e.message : String(e),
        };
      }
      port.postMessage(reply, transfer);
    }
  };
}
