/**
 * Wire-level MongoDB stand-in for tests: the pure-JS CongoDB server from @push.rocks/smartmongo,
 * made to answer `hello`/`isMaster` as the primary of a one-member replica set (the store refuses
 * standalone servers, rightly: it needs transactions). Its transactions are accepted no-ops, it
 * never enforces unique indexes and runs no TTL monitor: see the README's MongoDB section.
 *
 * Run: node mongo-standin/server.mjs [--port N] [--host H]   (port 0 = any free port)
 * Prints one line `mongo-standin listening mongodb://H:P/?replicaSet=rs0` once it accepts connections.
 */
import { congodb } from '@push.rocks/smartmongo';

export const REPLICA_SET = 'rs0';

function argument(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
}

/**
 * CongoDB answers hello with a `topologyVersion` (a new processId each time), which makes the
 * driver's monitor switch to streaming hellos; CongoDB answers those once, without `moreToCome`,
 * so the monitor fails ("Server ended moreToCome unexpectedly") and clears the connection pool
 * under whatever operations are running. Without it the driver polls, as with older servers.
 */
function withoutTopologyVersion(reply) {
  const rest = { ...reply };
  delete rest.topologyVersion;
  return rest;
}

/** Wraps the server's hello handler so every handshake also reports the replica set. */
function reportReplicaSet(server, address) {
  const router = server.commandRouter;
  for (const name of ['hello', 'ismaster', 'isMaster']) {
    const handler = router.handlers.get(name);
    const original = handler.handle.bind(handler);
    if (handler.handle.replicaSetReported) continue;
    const handle = async (context) => ({
      ...withoutTopologyVersion(await original(context)),
      setName: REPLICA_SET,
      setVersion: 1,
      hosts: [address],
      primary: address,
      me: address,
      secondary: false,
    });
    handle.replicaSetReported = true;
    handler.handle = handle;
  }
}

const host = argument('host', '127.0.0.1');
const server = new congodb.CongoServer({ port: Number(argument('port', '0')), host });
await server.start();
const address = `${host}:${server.server.address().port}`;
reportReplicaSet(server, address);
console.log(`mongo-standin listening mongodb://${address}/?replicaSet=${REPLICA_SET}`);

const stop = () => server.stop().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Ends with the process that started it (a test run that crashed must not leave a server behind).
process.stdin.on('end', stop);
process.stdin.resume();
