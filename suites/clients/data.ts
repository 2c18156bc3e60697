// spec/clients.yaml, the client readiness data, read (validated against
// spec/clients.schema.yaml, cached). Building it from a measured matrix is tooling:
// scripts/dev/clients/build-data.ts. Loaded by the report renderers: free of the client SDKs.
import { readValidatedSpecYaml } from '../../spec/features.js';
import type { ClientReadiness } from '../../spec/generated/types.js';
import { referenceRelay, relayIds } from '../../spec/relays.js';

export const CLIENTS_FILE = 'clients.yaml';

/** The relay dialects in display order: the faithful reference first, then the others by id. */
export function profileOrder(): string[] {
  const reference = referenceRelay().id;
  return [reference, ...relayIds().filter((id) => id !== reference)];
}

let cache: ClientReadiness | undefined;

/** spec/clients.yaml, validated (throws a SpecDataError naming each problem). */
export function loadClientReadiness(): ClientReadiness {
  cache ??= readValidatedSpecYaml<ClientReadiness>(CLIENTS_FILE, 'clients');
  return cache;
}
