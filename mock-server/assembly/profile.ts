// A relay dialect (spec/relays/<id>.yaml) as mock settings. Nothing here knows any relay by
// name: a new relay is a new YAML file.
import type { RelayDialect, RelayEndpoint } from '../../spec/generated/types.js';
import type { ActiveBreak } from '../../spec/breaks.js';
import { loadRelay, relayBreaks } from '../../spec/relays.js';
import type { MockModel } from '../core/types.js';

export const DEFAULT_PROFILE = 'openai';

export interface Profile {
  id: string;
  name: string;
  /** Where the OpenAI-compatible routes are served: the base path, then its aliases. */
  basePaths: string[];
  models: MockModel[];
  breaks: ActiveBreak[];
  endpoints: RelayEndpoint[];
}

export function profileFromDialect(relay: RelayDialect): Profile {
  return {
    id: relay.id,
    name: relay.name,
    basePaths: [relay.basePath, ...(relay.basePathAliases ?? [])],
    models: relay.models.map((m) => ({
      id: m.id,
      ...(m.reasoning ? { reasoning: true } : {}),
      ...(m.vision ? { vision: true } : {}),
      ...(m.rejects ? { rejects: { params: m.rejects.params ?? [], roles: m.rejects.roles ?? [] } } : {}),
      ownedBy: relay.id === DEFAULT_PROFILE ? 'relaycheck' : relay.id,
    })),
    breaks: relayBreaks(relay),
    endpoints: relay.endpoints ?? [],
  };
}

export function loadProfile(id: string): Profile {
  return profileFromDialect(loadRelay(id));
}
