import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

/** Plain JSON GET, independent of the SDK under test, for checking what the server holds. */
export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export interface SeenRequest {
  method: string;
  path: string;
  body: Buffer;
}

/**
 * What the front door does with one request: pass it on, answer 503 itself, pass it on and then
 * cut the connection instead of answering (the server has committed, the client never hears), or
 * never answer, or pass it on without its body.
 */
export type FrontAction = 'forward' | 'unavailable' | 'forwardThenDrop' | 'hang' | 'forwardEmptyBody';

export interface FrontDoor {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function forward(
  upstream: string,
  req: IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (
      typeof value === 'string' &&
      !['host', 'connection', 'content-length', 'transfer-encoding'].includes(name)
    )
      headers[name] = value;
  }
  const response = await fetch(`${upstream}${req.url}`, {
    method: req.method,
    headers,
    body: body.length ? body : undefined,
  });
  const contentType = response.headers.get('content-type');
  return {
    status: response.status,
    headers: contentType ? { 'content-type': contentType } : {},
    body: Buffer.from(await response.arrayBuffer()),
  };
}

/** A real HTTP server in front of the proxy that misbehaves on cue, for retry tests. */
export async function startFrontDoor(
  upstream: string,
  decide: (req: SeenRequest, index: number) => FrontAction = () => 'forward',
): Promise<FrontDoor> {
  const seen: SeenRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const body = await readBody(req);
      const request = { method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0], body };
      seen.push(request);
      const action = decide(request, seen.length - 1);
      if (action === 'hang') return;
      if (action === 'unavailable') {
        res
          .writeHead(503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: 'the store is unreachable (front door)' }));
        return;
      }
      const answer = await forward(upstream, req, action === 'forwardEmptyBody' ? Buffer.alloc(0) : body);
      if (action === 'forwardThenDrop') {
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status, answer.headers).end(answer.body);
    })().catch((err: unknown) => {
      res.destroy(err instanceof Error ? err : new Error(String(err)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port with nothing listening. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/**
 * Runs a child process without blocking this event loop (the in-process proxy must keep
 * answering it). `onOutput` sees output as it comes, e.g. to signal the child once it is ready.
 */
export function runProcess(
  command: string,
  args: string[],
  options: {
    env?: Record<string, string>;
    cwd?: string;
    timeoutMs?: number;
    onOutput?: (text: string, kill: (signal: NodeJS.Signals) => void) => void;
  } = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const kill = (signal: NodeJS.Signals) => child.kill(signal);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      options.onOutput?.(output, kill);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

/** `node --import tsx <file>`: one process, so signals reach the script itself. */
export function runTypeScript(
  file: string,
  args: string[],
  options: Parameters<typeof runProcess>[2] = {},
): Promise<ProcessResult> {
  return runProcess(process.execPath, ['--import', 'tsx', file, ...args], options);
}
