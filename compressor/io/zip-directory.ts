// Reads a zip's central directory for the CRC-32 of each member, so an inflated member can be checked:
// fflate's unzipSync neither verifies CRCs nor notices a member cut short by a lying size field.
// Plain (non-ZIP64) archives only, as SOG bundles are; anything unreadable returns an empty map.

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;

/** Member name -> CRC-32 as the central directory records it. */
export function zipMemberCrcs(zip: Uint8Array): Map<string, number> {
  const crcs = new Map<string, number>();
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  // The end record is 22 bytes plus a comment of at most 65535.
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === END_OF_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) return crcs;
  const entries = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const decoder = new TextDecoder();
  for (let e = 0; e < entries && at + 46 <= zip.length; e++) {
    if (view.getUint32(at, true) !== DIRECTORY_ENTRY) break;
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const name = decoder.decode(zip.subarray(at + 46, at + 46 + nameLength));
    crcs.set(name, view.getUint32(at + 16, true));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return crcs;
}
