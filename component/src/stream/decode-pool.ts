// Decoding .gsz chunks on several Workers. The reading Worker (gsz-worker.ts) owns a DecodePool: it decodes
// some chunks itself and hands others, over MessagePorts the element set up, to helper Workers running
// serveDecodes. Chunks decode independently (a large one is split by parts: its columns are range-coded
// apart); results come back as viewer-packed Gaussians or scene columns with their buffers transferred, and
// readGszStream (gsz-stream.ts) still emits them in chunk order. Browser and Node alike
// (MessagePort only), so the unit tests run the real protocol over in-process MessageChannels.
import {
  decodeGszChunk,
  decodeGszChunkPart,
  GszFormatError,
  type GszErrorCode,
  type GszHeader,
} from '../../../shared/format/gsz-decoder.ts';
import { createScene, type GaussianScene } from '../../../shared/scene/gaussian-scene.ts';
import { gridsOfFile, packSplats, type PackedSplats } from '../render/packed-splats.ts';

export { decodePoolSize, MAX_DECODE_WORKERS } from './decode-pool-size.ts';

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
  /** A whole chunk, answered with packed Gaussians. */
  | { type: 'chunk'; id: number; index: number; bytes: Uint8Array; count: number; withCodebook: boolean }
  /** Some parts of a chunk (decodeGszChunkPart), answered with the scene columns they fill. */
  | { type: 'parts'; id: number; index: number; bytes: Uint8Array; parts: number[]; withCodebook: boolean };

type SceneColumn = 'positions' | 'logScales' | 'rotations' | 'opacityLogits' | 'shDC' | 'shRest';
/** The output columns each part of decodeGszChunkPart writes. */
const PART_COLUMNS: readonly (readonly SceneColumn[])[] = [
  ['positions'],
  ['logScales', 'opacityLogits'],
  ['rotations'],
  ['shDC'],
  ['shRest'],
];

/** A helper's answer to one request (`id`). */
export type DecodeReply =
  | { type: 'decoded'; id: number; packed: PackedSplats }
  | { type: 'columns'; id: number; columns: Partial<Record<SceneColumn, Float32Array>> }
  | { type: 'failed'; id: number; code: GszErrorCode | undefined; message: string };

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
  return packSplats(decodeGszChunk(header, index, bytes, codebook), gridsOfFile(header.quant), count);
}

/** An empty scene for chunk `index`, with SH rest only when a codebook decodes it. */
function chunkScene(header: GszHeader, index: number, codebook: Float32Array | undefined): GaussianScene {
  return createScene(header.chunks[index].count, codebook ? header.shDegree : 0, header.antialiased);
}

function decodeParts(
  header: GszHeader,
  index: number,
  bytes: Uint8Array,
  codebook: Float32Array | undefined,
  scene: GaussianScene,
  parts: readonly number[],
): void {
  for (const part of parts) decodeGszChunkPart(header, index, bytes, codebook, scene, 0, part);
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
/**
 * Chunks of at least this many Gaussians are split by parts between this thread and the helpers (a file's
 * last chunk can be most of it: biker's is 65%); smaller ones go whole to one thread.
 */
export const SPLIT_CHUNK_SIZE = 32_768;

type Waiting = { resolve(reply: DecodeReply): void };

interface Helper {
  port: MessagePort;
  pending: Map<number, Waiting>;
}

/** The reading Worker's side: decodes on this thread when every helper is busy (or there are none). */
export class DecodePool implements ChunkDecoder {
  private header: GszHeader | undefined;
  private codebook: Float32Array | undefined;
  private readonly helpers: Helper[];
  private nextId = 0;

  /** `splitAt`: chunk size from which parts are shared out (SPLIT_CHUNK_SIZE; tests use small files). */
  constructor(
    ports: readonly MessagePort[],
    private readonly splitAt = SPLIT_CHUNK_SIZE,
  ) {
    this.helpers = ports.map((port) => {
      const helper: Helper = { port, pending: new Map() };
      port.onmessage = (event: MessageEvent<DecodeReply>) => {
        const reply = event.data;
        const waiting = helper.pending.get(reply.id);
        if (!waiting) return;
        helper.pending.delete(reply.id);
        waiting.resolve(reply);
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

  /** Posts a request (with a fresh id and a transferred copy of `bytes`) and resolves with the reply. */
  private ask(
    helper: Helper,
    make: (id: number, bytes: Uint8Array) => DecodeRequest,
    bytes: Uint8Array,
  ): Promise<DecodeReply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      helper.pending.set(id, { resolve });
      // A copy of the compressed bytes (a tenth of what comes back) to transfer: the caller's may share a
      // buffer with other sections.
      const own = bytes.slice();
      helper.port.postMessage(make(id, own), [own.buffer as ArrayBuffer]);
    });
  }

  async decode(index: number, bytes: Uint8Array, count: number, local: boolean): Promise<PackedSplats> {
    const header = this.header;
    if (!header) throw new Error('DecodePool.decode before start');
    const codebook = this.codebook;
    const withCodebook = codebook !== undefined;
    if (!local && this.helpers.length > 0 && header.chunks[index].count >= this.splitAt)
      return this.decodeSplit(header, index, bytes, count, codebook);
    let helper: Helper | undefined;
    if (!local) {
      for (const h of this.helpers)
        if (h.pending.size < PER_HELPER && (!helper || h.pending.size < helper.pending.size)) helper = h;
    }
    if (!helper) return decodeHere(header, index, bytes, count, codebook);
    const reply = await this.ask(
      helper,
      (id, own) => ({ type: 'chunk', id, index, bytes: own, count, withCodebook }),
      bytes,
    );
    if (reply.type === 'failed') throw failure(reply);
    if (reply.type !== 'decoded') throw new Error(`decode helper answered '${reply.type}' to a chunk`);
    return reply.packed;
  }

  /**
   * One large chunk on every thread: each helper gets some of its parts, this thread decodes the rest, and
   * the columns come back to be packed here. On any failure the whole chunk decodes again here, so the error
   * is the one the serial decoder meets first.
   */
  private async decodeSplit(
    header: GszHeader,
    index: number,
    bytes: Uint8Array,
    count: number,
    codebook: Float32Array | undefined,
  ): Promise<PackedSplats> {
    // Costliest part first to the least loaded thread (this one is share 0). Relative costs per Gaussian,
    // measured: positions, log-scale + opacity and rotations alike, DC a little less, SH rest by its floats.
    const cost = [1, 1.1, 1, 0.7, header.codebook ? 0.03 * header.codebook.dims : 0];
    const parts = codebook ? [0, 1, 2, 3, 4] : [0, 1, 2, 3];
    parts.sort((a, b) => cost[b] - cost[a]);
    const shares: number[][] = Array.from({ length: this.helpers.length + 1 }, () => []);
    const load = shares.map(() => 0);
    for (const part of parts) {
      const k = load.indexOf(Math.min(...load));
      shares[k].push(part);
      load[k] += cost[part];
    }
    const withCodebook = codebook !== undefined;
    const replies = this.helpers.map((helper, h) =>
      shares[h + 1].length === 0
        ? Promise.resolve(undefined)
        : this.ask(
            helper,
            (id, own) => ({ type: 'parts', id, index, bytes: own, parts: shares[h + 1], withCodebook }),
            bytes,
          ),
    );
    const scene = chunkScene(header, index, codebook);
    let failed: unknown;
    try {
      decodeParts(header, index, bytes, codebook, scene, shares[0]);
    } catch (e) {
      failed = e;
    }
    for (const reply of await Promise.all(replies)) {
      if (!reply) continue;
      if (reply.type === 'failed') failed ??= failure(reply);
      else if (reply.type === 'columns') Object.assign(scene, reply.columns);
    }
    if (failed !== undefined) {
      decodeHere(header, index, bytes, count, codebook);
      throw failed;
    }
    return packSplats(scene, gridsOfFile(header.quant), count);
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
        if (!header) throw new Error(`${m.type} before start`);
        const book = m.withCodebook ? codebook : undefined;
        if (m.type === 'chunk') {
          const packed = decodeHere(header, m.index, m.bytes, m.count, book);
          reply = { type: 'decoded', id: m.id, packed };
          transfer = packedTransfers(packed);
        } else {
          const scene = chunkScene(header, m.index, book);
          decodeParts(header, m.index, m.bytes, book, scene, m.parts);
          const columns: Partial<Record<SceneColumn, Float32Array>> = {};
          for (const part of m.parts) for (const c of PART_COLUMNS[part] ?? []) columns[c] = scene[c];
          reply = { type: 'columns', id: m.id, columns };
          transfer = Object.values(columns).map((c) => c.buffer as ArrayBuffer);
        }
      } catch (e) {
        reply = {
          type: 'failed',
          id: m.id,
          code: e instanceof GszFormatError ? e.code : undefined,
          message: e instanceof Error ? e.message : String(e),
        };
      }
      port.postMessage(reply, transfer);
    }
  };
}
