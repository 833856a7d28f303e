import type { Request, RequestHandler, Response } from 'express';
import { assertScope, type ApiKeyService, type Principal } from '../auth/apiKeyService';
import type { Scope } from '../store/types';

interface Locals {
  principal?: Principal;
}

/** Resolves the bearer key of every request to a principal (401 on a bad key). */
export function authenticate(keys: ApiKeyService): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization');
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    (res.locals as Locals).principal = await keys.authenticate(match ? match[1] : null);
    next();
  };
}

export function principalOf(res: Response): Principal {
  const principal = (res.locals as Locals).principal;
  if (!principal) throw new Error('authenticate() must run before routes');
  return principal;
}

export const requireScope =
  (scope: Scope): RequestHandler =>
  (_req, res, next) => {
    assertScope(principalOf(res), scope);
    next();
  };

/** Reads: GET/HEAD need `read`; everything else needs `write`. */
export const requireMethodScope: RequestHandler = (req: Request, res, next) => {
  assertScope(principalOf(res), req.method === 'GET' || req.method === 'HEAD' ? 'read' : 'write');
  next();
};
