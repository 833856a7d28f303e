import { Command } from 'commander';
import { z } from 'zod';
import { ApiKeyService, SCOPES } from '../auth/apiKeyService';
import { openStore } from '../store';
import { projectName } from '../schemas/names';
import { parse } from '../schemas/parse';
import { configFrom, storeOption } from './options';

async function withKeys<T>(flags: { store?: string }, work: (keys: ApiKeyService) => Promise<T>): Promise<T> {
  const store = await openStore(configFrom(flags).store);
  try {
    return await work(new ApiKeyService(store));
  } finally {
    await store.close();
  }
}

const createFlags = z.object({
  name: z.string().min(1),
  scopes: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()))
    .pipe(z.array(z.enum(SCOPES)).min(1)),
  projects: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()))
    .pipe(z.array(projectName))
    .optional(),
  store: z.string().optional(),
});

export function keysCommand(): Command {
  const keys = new Command('keys').description('manage API keys (stored hashed; the secret is shown once)');
  keys
    .command('create')
    .description('create a key and print its secret')
    .requiredOption('--name <name>', 'who or what uses the key')
    .option('--scopes <list>', `comma list of ${SCOPES.join(', ')}`, 'read')
    .option('--projects <list>', 'comma list of projects the key is limited to (default: all)')
    .addOption(storeOption())
    .action(async (raw: unknown) => {
      const flags = parse(createFlags, raw, 'flags');
      const created = await withKeys(flags, (service) =>
        service.create(flags.name, flags.scopes, flags.projects ?? null),
      );
      process.stdout.write(`${JSON.stringify({ ...created.record, secret: created.secret }, null, 2)}\n`);
    });
  keys
    .command('list')
    .description('list keys (never their secrets)')
    .addOption(storeOption())
    .action(async (flags: { store?: string }) => {
      const list = await withKeys(flags, (service) => service.list());
      process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    });
  keys
    .command('revoke <id>')
    .description('revoke a key by id')
    .addOption(storeOption())
    .action(async (id: string, flags: { store?: string }) => {
      await withKeys(flags, (service) => service.revoke(id));
      process.stdout.write(`revoked ${id}\n`);
    });
  return keys;
}
