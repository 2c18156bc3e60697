// The mock's own control endpoints (/__mock/*): read and clear the request journal.
import type { Request, Response } from 'express';
import { sendJson } from '../http/reply.js';
import type { AppContext } from './prologue.js';

export const JOURNAL_PATH = '/__mock/journal';

export const readJournal =
  (ctx: AppContext) =>
  (_req: Request, res: Response): void => {
    sendJson(res, 200, { object: 'list', data: ctx.journal.list() });
  };

export const clearJournal =
  (ctx: AppContext) =>
  (_req: Request, res: Response): void => {
    ctx.journal.clear();
    res.status(204).end();
  };
