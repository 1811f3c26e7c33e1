// Bandwidth pacing shared by the e2e server and bench:view's server: after each write, pause the file
// stream until the bytes sent so far are due at the given rate.
import type { Readable } from 'node:stream';

/** Pauses `stream` until `sent` bytes are due at `bytesPerSecond` (0: no limit) counted from `startedMs`. */
export function pace(stream: Readable, startedMs: number, sent: number, bytesPerSecond: number): void {
  const due = bytesPerSecond ? startedMs + (sent / bytesPerSecond) * 1000 - Date.now() : 0;
  if (due > 0) {
    stream.pause();
    setTimeout(() => stream.resume(), due);
  }
}
