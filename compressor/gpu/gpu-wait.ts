// Waiting for the GPU without a busy CPU. Dawn's Node binding (the `webgpu` package) drives pending
// async work (mapAsync, onSubmittedWorkDone) by re-queuing a setImmediate that calls ProcessEvents, so
// the main thread spins at 100% for as long as a promise is pending. On SwiftShader that spinning core
// is taken from the threads doing the GPU work: measured on Lego 200x200 (6k Gaussians), the main thread
// used ~38% of the training process's CPU time, nearly all of it waiting on the intersection-count
// readback. `settle` sleeps the thread in short slices (Atomics.wait: no CPU) and lets the event loop
// run one ProcessEvents between slices, until the promise settles.
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Milliseconds per sleep slice: the most latency a wait adds (a CPU<->GPU round trip is 0.1-0.2 ms). */
const SLICE_MS = 0.5;

/** Resolves like `promise`, with the thread asleep (not polling) while the GPU works. */
export async function settle<T>(promise: Promise<T>): Promise<T> {
  let settled = false;
  const tracked = promise.finally(() => {
    settled = true;
  });
  tracked.catch(() => {}); // the caller gets the rejection from the returned promise
  // One event-loop turn first: short waits (small readbacks of finished work) end here without a sleep.
  await nextTurn();
  while (!settled) {
    Atomics.wait(sleeper, 0, 0, SLICE_MS);
    await nextTurn();
  }
  return tracked;
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
