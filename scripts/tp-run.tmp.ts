// usage: node --import ./scripts/register.mjs /tmp/tp-run.ts <repo> <scene.ply> <db>
const [repo, path, db] = process.argv.slice(2);
const { getGpu } = await import(`${repo}/compressor/gpu/device.ts`);
const { readScene } = await import(`${repo}/compressor/io/read-scene.ts`);
const { encodeToPsnr } = await import(`${repo}/compressor/pack/target-psnr.ts`);
const scene = await readScene(path);
const gpu = await getGpu();
const t0 = performance.now();
const c0 = process.cpuUsage();
const r = await encodeToPsnr(scene, { targetDb: Number(db), gpu, onProgress: (m: string) => console.log('  ', m) });
const c = process.cpuUsage(c0);
console.log(`RESULT ${repo} ${(r.bytes.length / scene.count).toFixed(3)} B/G ${r.psnrDb.toFixed(2)} dB encodes ${r.encodes} renders ${r.renders ?? '-'} wall ${((performance.now() - t0) / 1000).toFixed(1)} s cpu ${((c.user + c.system) / 1e6).toFixed(1)} s`);
process.exit(0);
