// The suite's redactor is the mock's core one (mock-server/core/redact.ts): record mode writes
// fixtures with the very redaction the suite writes reports with, and the mock, the lower
// stack, imports nothing from the suite. Re-exported here so the suite's modules read it from
// their own transport floor.
export * from '../../mock-server/core/redact.js';
