// The mock's own control endpoints (/__mock/*): read the request journal a page at a time,
// and clear it. Who may call them (a loopback Host, then the key) is checked before, in the app.
import type { Request, Response } from 'express';
import { CONTROL_PREFIX, parsePageQuery } from '../http/control-access.js';
import { sendJson } from '../http/reply.js';
import type { AppContext } from './prologue.js';

export const JOURNAL_PATH = `${CONTROL_PREFIX}/journal`;

/** Paged (`?limit=&after=`): one request's work is bounded however full the journal is. */
export const readJournal =
  (ctx: AppContext) =>
  (req: Request, res: Response): void => {
    const { after, limit } = parsePageQuery(req.query as Record<string, unknown>);
    sendJson(res, 200, ctx.journal.page(after, limit));
  };

export const clearJournal =
  (ctx: AppContext) =>
  (_req: Request, res: Response): void => {
    ctx.journal.clear();
    res.status(204).end();
  };
