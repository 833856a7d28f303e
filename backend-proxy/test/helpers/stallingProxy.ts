/**
 * A loopback TCP proxy in front of a server that can be told to stop forwarding: connections
 * stay open but no byte passes, the way a server that lost its majority or hangs looks to a client.
 * It can also go down (every connection cut, new ones refused: a stopped server) and come back up
 * on the same port (the server restarted, its data intact).
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface StallingProxy {
  port: number;
  stall(): void;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startStallingProxy(targetHost: string, targetPort: number): Promise<StallingProxy> {
  let stalled = false;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, targetHost);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.on('data', (chunk) => {
      if (!stalled) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!stalled) client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const down = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return {
    port,
    stall: () => {
      stalled = true;
    },
    down,
    up: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    close: () => (server.listening ? down() : Promise.resolve()),
  };
}
