import { createHash, randomBytes } from 'node:crypto';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../errors';
import type { ApiKeyRecord, Scope, Store } from '../store/types';

export const SCOPES: readonly Scope[] = ['read', 'write', 'admin'];

/** Who is calling: a key, or nobody in particular when the proxy runs open (no keys exist). */
export interface Principal {
  keyId: string | null;
  name: string;
  scopes: Scope[];
  projects: string[] | null;
}

const OPEN_PRINCIPAL: Principal = { keyId: null, name: 'anonymous', scopes: [...SCOPES], projects: null };

// `admin` implies `write` implies `read`.
const IMPLIED: Record<Scope, Scope[]> = {
  admin: ['admin', 'write', 'read'],
  write: ['write', 'read'],
  read: ['read'],
};

const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export interface CreatedKey {
  record: Omit<ApiKeyRecord, 'hash'>;
  /** Shown once; only its hash is stored. */
  secret: string;
}

export class ApiKeyService {
  // Caches spare the store one lookup per request; revocation reaches other replicas within the TTL.
  private readonly cache = new Map<string, { principal: Principal; until: number }>();
  private openUntil = 0;
  private open = false;

  constructor(
    private readonly store: Store,
    private readonly cacheTtlMs = 5_000,
  ) {}

  async create(
    name: string,
    scopes: Scope[],
    projects: string[] | null,
    now = new Date(),
  ): Promise<CreatedKey> {
    const id = `dwk_${randomBytes(6).toString('hex')}`;
    const secret = `${id}.${randomBytes(24).toString('base64url')}`;
    const record: ApiKeyRecord = {
      id,
      name,
      hash: hashSecret(secret),
      scopes,
      projects,
      createdAt: now,
      revokedAt: null,
    };
    await this.store.insertKey(record);
    this.invalidate();
    const { hash: _hash, ...visible } = record;
    return { record: visible, secret };
  }

  async list(): Promise<Array<Omit<ApiKeyRecord, 'hash'>>> {
    return (await this.store.listKeys()).map(({ hash: _hash, ...visible }) => visible);
  }

  async revoke(id: string, now = new Date()): Promise<void> {
    if (!(await this.store.revokeKey(id, now))) throw new NotFoundError(`no active API key with id ${id}`);
    this.invalidate();
  }

  /** True when no key exists: every request is allowed (the proxy warns about it at start). */
  async isOpen(): Promise<boolean> {
    if (Date.now() >= this.openUntil) {
      this.open = (await this.store.countActiveKeys()) === 0;
      this.openUntil = Date.now() + this.cacheTtlMs;
    }
    return this.open;
  }

  /** Resolves the bearer secret (or its absence) to a principal; throws 401-kind errors. */
  async authenticate(secret: string | null): Promise<Principal> {
    if (await this.isOpen()) return OPEN_PRINCIPAL;
    if (secret === null)
      throw new UnauthenticatedError('missing API key: send "Authorization: Bearer <key>"');
    const cached = this.cache.get(secret);
    if (cached && cached.until > Date.now()) return cached.principal;
    const record = await this.store.findKeyByHash(hashSecret(secret));
    if (!record || record.revokedAt !== null) throw new UnauthenticatedError('invalid or revoked API key');
    const principal: Principal = {
      keyId: record.id,
      name: record.name,
      scopes: record.scopes,
      projects: record.projects,
    };
    this.cache.set(secret, { principal, until: Date.now() + this.cacheTtlMs });
    return principal;
  }

  private invalidate(): void {
    this.cache.clear();
    this.openUntil = 0;
  }
}

export function hasScope(principal: Principal, needed: Scope): boolean {
  return principal.scopes.some((s) => IMPLIED[s].includes(needed));
}

export function assertScope(principal: Principal, needed: Scope): void {
  if (!hasScope(principal, needed)) {
    throw new ForbiddenError(`API key "${principal.name}" lacks the "${needed}" scope`);
  }
}

/** What project checks need of a principal (Grafana's queries carry only this). */
export type ProjectAccess = Pick<Principal, 'name' | 'projects'>;

export function assertProject(principal: ProjectAccess, project: string): void {
  if (principal.projects !== null && !principal.projects.includes(project)) {
    throw new ForbiddenError(`API key "${principal.name}" may not access project "${project}"`);
  }
}

/** The projects a principal may see, intersected with what was asked (undefined: no restriction). */
export function visibleProjects(principal: ProjectAccess, asked?: string[]): string[] | undefined {
  if (principal.projects === null) return asked;
  return asked ? asked.filter((p) => principal.projects?.includes(p)) : principal.projects;
}
