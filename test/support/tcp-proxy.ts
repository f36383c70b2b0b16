import { connect, createServer, type Server, type Socket } from 'node:net';

/** A TCP forwarder to a server (Redis, PostgreSQL) that a test can cut, as if the server died, and restore on the same port. */
export async function tcpProxy(
  target: string,
  defaultPort: number,
): Promise<{ port: number; stop(): Promise<void>; start(): Promise<void> }> {
  const { hostname, port: targetPort } = new URL(target);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const proxy = {
    get port() {
      return port;
    },
    async start() {
      const listening = createServer((client) => {
        const upstream = connect(Number(targetPort || defaultPort), hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('error', () => undefined);
          socket.on('close', () => {
            sockets.delete(socket);
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      await new Promise<void>((resolve) => listening.listen(port, '127.0.0.1', resolve));
      const address = listening.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      port = address.port;
      server = listening;
    },
    async stop() {
      const stopping = server;
      server = undefined;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => (stopping ? stopping.close(() => resolve()) : resolve()));
    },
  };
  await proxy.start();
  return proxy;
}

/** A TCP port on which nothing listens: bound once by us, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
