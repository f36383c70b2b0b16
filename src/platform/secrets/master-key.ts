import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { decodeMasterKey, type SecretsConfig } from '../../config/config.js';

export type LocalSecretsConfig = Extract<SecretsConfig, { backend: 'local' }>;

export interface MasterKey {
  key: Buffer;
  /** Short, non-secret fingerprint stored beside each secret, so a wrong key gives a clear error. */
  keyId: string;
}

/** The master key is missing, unreadable, unsafe, or not the one the secrets were sealed with. */
export class MasterKeyError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MasterKeyError';
  }
}

const keyLength = 32;

/**
 * AURORA_MASTER_KEY when set; otherwise the key file, created with 32 random bytes on first start.
 * Losing the key loses every local secret, so it is never regenerated over an existing file.
 */
export async function loadMasterKey(config: LocalSecretsConfig): Promise<MasterKey> {
  if (config.masterKey) {
    if (config.masterKey.length !== keyLength) {
      throw new MasterKeyError(
        `AURORA_MASTER_KEY must be ${keyLength} bytes (generate one with \`openssl rand -base64 32\`)`,
      );
    }
    return withKeyId(Buffer.from(config.masterKey));
  }
  const existing = await readKeyFile(config.keyFile);
  if (existing) return withKeyId(existing);

  await mkdir(dirname(config.keyFile), { recursive: true, mode: 0o700 });
  const key = randomBytes(keyLength);
  try {
    // 'wx' fails if the file exists, so two processes starting together cannot overwrite each other's key.
    await writeFile(config.keyFile, `${key.toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
    return withKeyId(key);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new MasterKeyError(`Could not create the master key file ${config.keyFile}: ${describe(error)}`, {
        cause: error,
      });
    }
  }
  // Another process won the race; it may still be writing, so wait briefly for a complete key.
  for (let attempt = 0; attempt < 40; attempt++) {
    const theirs = await readKeyFile(config.keyFile, { allowIncomplete: true });
    if (theirs) return withKeyId(theirs);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return withKeyId((await readKeyFile(config.keyFile)) ?? failIncomplete(config.keyFile));
}

export function masterKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

function withKeyId(key: Buffer): MasterKey {
  return { key, keyId: masterKeyId(key) };
}

/** The key in the file, or undefined when there is no file (or, with allowIncomplete, it is still being written). */
async function readKeyFile(path: string, options: { allowIncomplete?: boolean } = {}): Promise<Buffer | undefined> {
  let mode: number;
  try {
    mode = (await stat(path)).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new MasterKeyError(`Could not read the master key file ${path}: ${describe(error)}`, { cause: error });
  }
  // Windows has no POSIX permission bits to check.
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new MasterKeyError(
      `The master key file ${path} is readable by other users (mode ${(mode & 0o777).toString(8)}). ` +
        `Run \`chmod 600 ${path}\` and start again.`,
    );
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new MasterKeyError(`Could not read the master key file ${path}: ${describe(error)}`, { cause: error });
  }
  const key = decodeMasterKey(text);
  if (key) return key;
  if (options.allowIncomplete) return undefined;
  throw new MasterKeyError(
    `The master key file ${path} does not hold a ${keyLength}-byte key (base64 or hex). ` +
      'Restore the original file; replacing it makes every existing local secret unreadable.',
  );
}

function failIncomplete(path: string): never {
  throw new MasterKeyError(`The master key file ${path} is empty or incomplete`);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
