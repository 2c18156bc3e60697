// GET {basePath}/models and /models/{id}: the served models, as OpenAI lists them.
import type { Request, Response } from 'express';
import type { Model, ModelList } from '../../spec/generated/types.js';
import type { JsonObject, Quirks } from '../breaks/index.js';
import { ApiError } from '../core/api-error.js';
import type { MockModel } from '../core/types.js';
import { sendJson } from '../http/reply.js';
import type { AppContext } from './prologue.js';

/** `created` of every listed model: fixed, so /models is deterministic too. */
const MODEL_CREATED = 1_735_689_600;

function toModel(m: Pick<MockModel, 'id' | 'ownedBy'>): Model {
  return { id: m.id, object: 'model', created: MODEL_CREATED, owned_by: m.ownedBy ?? 'relaycheck' };
}

/** The list, bent by the request's breaks (the gate before it chose them). */
export const listModels =
  (ctx: AppContext, quirksOf: (res: Response) => Quirks) =>
  (_req: Request, res: Response): void => {
    const list: ModelList = { object: 'list', data: [...ctx.options.models.values()].map(toModel) };
    const body = list as unknown as JsonObject;
    const refusal = quirksOf(res).models(body);
    if (refusal) throw refusal;
    sendJson(res, 200, body);
  };

/** One model, or 404 model_not_found. Ids may hold slashes (`deepseek/deepseek-r1`). */
export const getModel =
  (ctx: AppContext) =>
  (req: Request, res: Response): void => {
    const id = ([] as string[]).concat((req.params as { id: string | string[] }).id).join('/');
    const model = ctx.options.models.get(id);
    if (!model)
      throw new ApiError(404, 'invalid_request_error', `The model '${id}' does not exist`, 'model', 'model_not_found');
    sendJson(res, 200, toModel(model));
  };
