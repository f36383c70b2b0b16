import { hash, verify } from '@node-rs/argon2';
import { ValidationFailed } from '../../platform/errors.js';

export const minimumPasswordLength = 12;

export function checkPasswordStrength(password: string): void {
  if (password.length < minimumPasswordLength) {
    throw new ValidationFailed(`The password must be at least ${minimumPasswordLength} characters long`);
  }
  if (password.length > 1024) throw new ValidationFailed('The password must be at most 1024 characters long');
}

/** Argon2id with the library's defaults (OWASP's minimum: m=19 MiB, t=2, p=1). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// A real Argon2id hash of a discarded random password, so checking an unknown e-mail costs as much as a wrong password.
const decoyHash = '$argon2id$v=19$m=19456,t=2,p=1$V3dDjZahdZyBUk2/si90Hw$fdZZ5R7yh0eR2o/nWvLLjhNcTABRaBtOK1o/MIiU7G4';

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (!passwordHash) {
    await verify(decoyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
