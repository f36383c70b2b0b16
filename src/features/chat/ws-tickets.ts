import type { Cache } from '../../platform/cache/cache.js';
import { generateToken, hashToken, type Principal } from '../accounts/index.js';

const ticketTtlSeconds = 60;
const ticketKey = (hash: string) => `ws_ticket:${hash}`;
const claimKey = (hash: string) => `ws_ticket_claimed:${hash}`;

/**
 * Single-use, 60-second tickets for browsers, which cannot set an Authorization header on a WebSocket. Only the
 * ticket's hash is stored (in the shared cache, so any api process can redeem it); an atomic counter makes the
 * first redemption the only one.
 */
export class WebSocketTickets {
  constructor(private readonly cache: Cache) {}

  async issue(principal: Principal): Promise<{ ticket: string; expiresInSeconds: number }> {
    const ticket = generateToken('wst_');
    await this.cache.set(ticketKey(hashToken(ticket)), principal, ticketTtlSeconds);
    return { ticket, expiresInSeconds: ticketTtlSeconds };
  }

  async redeem(ticket: string): Promise<Principal | undefined> {
    if (!ticket.startsWith('wst_') || ticket.length > 100) return undefined;
    const hash = hashToken(ticket);
    if ((await this.cache.increment(claimKey(hash), ticketTtlSeconds)) !== 1) return undefined;
    const principal = await this.cache.get<Principal>(ticketKey(hash));
    await this.cache.delete(ticketKey(hash));
    return principal;
  }
}
