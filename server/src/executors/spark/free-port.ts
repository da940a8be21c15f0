import net from 'node:net';

/**
 * Find a TCP port on 127.0.0.1 that is free right now. Another process may take it before Spark
 * binds it, in which case Spark moves to the next port and the executor searches upwards.
 */
export async function findFreePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
