/**
 * The client's address, as the gateway signs it into envelopes (lib/wire.ts) for the identity service's login
 * throttles and known addresses.
 *
 * The socket's peer is the client — unless that peer is a **trusted proxy** (`TRUSTED_PROXIES`: CIDRs, default
 * none). Only then is `X-Forwarded-For` read, from the right: each hop appended by a trusted proxy is skipped, and the
 * first address that is not a trusted proxy is the client. Entries left of it were written by the client itself and
 * are never believed. A malformed entry ends the walk at the last address known good. So with no trusted proxies
 * configured, a forged `X-Forwarded-For` changes nothing.
 */
import type { IncomingMessage } from "node:http";
import { BlockList, isIP } from "node:net";

export type ClientAddressOf = (req: IncomingMessage) => string;

/** `10.0.0.0/8`, `fd00::/8`, or a single address (`10.1.2.3` = /32). Throws on anything else. */
export function parseCidr(text: string): { network: string; prefix: number; family: "ipv4" | "ipv6" } {
  const [network = "", prefixText] = text.trim().split("/");
  const version = isIP(network);
  if (version === 0) throw new Error(`"${text}" is not an IP address or CIDR range`);
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText ?? String(max)) || prefix > max) {
    throw new Error(`"${text}" has a prefix length outside 0–${max}`);
  }
  return { network, prefix, family: version === 4 ? "ipv4" : "ipv6" };
}

/** `::ffff:10.1.2.3` → `10.1.2.3`; anything that is not an IP address → null. */
export function normaliseAddress(value: string | undefined): string | null {
  if (!value) return null;
  const trimmed = value.trim();
  const address = trimmed.startsWith("::ffff:") && isIP(trimmed.slice(7)) === 4 ? trimmed.slice(7) : trimmed;
  return isIP(address) ? address : null;
}

export function createClientAddressOf(trustedProxies: readonly string[]): ClientAddressOf {
  const trusted = new BlockList();
  for (const cidr of trustedProxies) {
    const { network, prefix, family } = parseCidr(cidr);
    trusted.addSubnet(network, prefix, family);
  }
  const isTrusted = (address: string) => trusted.check(address, isIP(address) === 6 ? "ipv6" : "ipv4");

  return (req) => {
    const peer = normaliseAddress(req.socket.remoteAddress) ?? "unknown";
    if (trustedProxies.length === 0 || peer === "unknown" || !isTrusted(peer)) return peer;
    const header = req.headers["x-forwarded-for"];
    const hops = (Array.isArray(header) ? header.join(",") : (header ?? "")).split(",");
    let client = peer;
    for (let i = hops.length - 1; i >= 0; i -= 1) {
      const hop = normaliseAddress(hops[i]);
      if (!hop) break;
      client = hop;
      if (!isTrusted(hop)) break;
    }
    return client;
  };
}
