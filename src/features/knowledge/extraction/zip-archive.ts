import { createInflateRaw } from 'node:zlib';
import { ExtractionFailed } from './blocks.js';

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  declaredSize: number;
  localHeaderOffset: number;
}

const endOfCentralDirectory = 0x06054b50;
const centralDirectoryHeader = 0x02014b50;
const localFileHeader = 0x04034b50;

/** The entries of a ZIP archive, read from its central directory. Throws ExtractionFailed on a damaged archive. */
export function zipEntries(bytes: Uint8Array, what: string, maxEntries = 10_000): ZipEntry[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const damaged = (detail: string) => new ExtractionFailed(`The ${what} is damaged and cannot be opened (${detail}).`);
  // The end-of-central-directory record is in the last 64 KiB + 22 bytes (its comment is at most 64 KiB).
  let end = -1;
  for (let offset = buffer.length - 22; offset >= Math.max(0, buffer.length - 65_557); offset--) {
    if (buffer.readUInt32LE(offset) === endOfCentralDirectory) {
      end = offset;
      break;
    }
  }
  if (end < 0) throw damaged('no ZIP directory found; the file may be truncated');
  const count = buffer.readUInt16LE(end + 10);
  const directorySize = buffer.readUInt32LE(end + 12);
  const directoryOffset = buffer.readUInt32LE(end + 16);
  if (count === 0xffff || directoryOffset === 0xffffffff) {
    throw new ExtractionFailed(`The ${what} uses ZIP64, which is only needed for archives over 4 GB; it is too large.`);
  }
  if (count > maxEntries)
    throw new ExtractionFailed(`The ${what} holds ${count} files; at most ${maxEntries} are accepted.`);
  if (directoryOffset + directorySize > end) throw damaged('the ZIP directory points outside the file');

  const entries: ZipEntry[] = [];
  let offset = directoryOffset;
  for (let index = 0; index < count; index++) {
    if (offset + 46 > buffer.length || buffer.readUInt32LE(offset) !== centralDirectoryHeader) {
      throw damaged('a ZIP directory entry is malformed');
    }
    const nameLength = buffer.readUInt16LE(offset + 28);
    const extraLength = buffer.readUInt16LE(offset + 30);
    const commentLength = buffer.readUInt16LE(offset + 32);
    entries.push({
      method: buffer.readUInt16LE(offset + 10),
      compressedSize: buffer.readUInt32LE(offset + 20),
      declaredSize: buffer.readUInt32LE(offset + 24),
      localHeaderOffset: buffer.readUInt32LE(offset + 42),
      name: buffer.toString('utf8', offset + 46, offset + 46 + nameLength),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * Guards against decompression bombs: actually inflates every entry (declared sizes can lie), counting output
 * and stopping as soon as the total passes `maxBytes`. Memory stays at one inflate window.
 */
export async function assertInflatedSizeWithin(
  bytes: Uint8Array,
  entries: ZipEntry[],
  maxBytes: number,
  what: string,
): Promise<number> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let total = 0;
  const tooLarge = () =>
    new ExtractionFailed(
      `The ${what} expands to more than ${formatBytes(maxBytes)} when decompressed (a decompression bomb?), so it was not opened.`,
    );
  for (const entry of entries) {
    const header = entry.localHeaderOffset;
    if (header + 30 > buffer.length || buffer.readUInt32LE(header) !== localFileHeader) {
      throw new ExtractionFailed(`The ${what} is damaged and cannot be opened (entry ${entry.name} is missing).`);
    }
    const start = header + 30 + buffer.readUInt16LE(header + 26) + buffer.readUInt16LE(header + 28);
    const data = buffer.subarray(start, start + entry.compressedSize);
    if (entry.method === 0) total += data.length;
    else if (entry.method === 8) total += await inflatedSize(data, maxBytes - total, tooLarge);
    else throw new ExtractionFailed(`The ${what} uses an unsupported ZIP compression method (${entry.method}).`);
    if (total > maxBytes) throw tooLarge();
  }
  return total;
}

function inflatedSize(data: Buffer, budget: number, tooLarge: () => Error): Promise<number> {
  return new Promise((resolve, reject) => {
    const inflater = createInflateRaw();
    let size = 0;
    let settled = false;
    inflater.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > budget && !settled) {
        settled = true;
        inflater.destroy();
        reject(tooLarge());
      }
    });
    inflater.on('end', () => {
      if (!settled) resolve(size);
    });
    inflater.on('error', (error) => {
      if (settled) return;
      settled = true;
      reject(new ExtractionFailed(`The archive is damaged and cannot be opened (${error.message}).`));
    });
    inflater.end(data);
  });
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(bytes % 1024 ** 3 === 0 ? 0 : 1)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(bytes % 1024 ** 2 === 0 ? 0 : 1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${bytes} bytes`;
}
