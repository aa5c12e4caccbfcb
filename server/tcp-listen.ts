// Loopback TCP listen: only the two loopback literals, never a wildcard address.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UserError } from '../core/errors.js';

/** Listens on host:port and resolves the bound port. */
export function listenTcp(server: Server, host: '127.0.0.1' | '::1', port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(new UserError('CONFLICT', `cannot listen on ${host} port ${port}: ${err.code ?? err.message}`, { cause: err }));
    };
    server.once('error', onError);
    // ipv6Only keeps ::1 from also binding IPv4 addresses.
    server.listen({ host, port, ipv6Only: host === '::1', exclusive: true }, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
