// OpenAI's tokenizers and its documented chat accounting (spec/tokenizer.ts), against figures
// OpenAI published: the cookbook "How to count tokens with tiktoken" (openai/openai-cookbook,
// examples/How_to_count_tokens_with_tiktoken.ipynb, read 2026-12-07) counts its six-message
// example at 124 prompt tokens for gpt-4o and gpt-4o-mini and 129 for gpt-4, and shows those
// equal to what the API billed; it counts "お誕生日おめでとう" at 8 tokens in o200k_base and 9
// in cl100k_base.
import { describe, expect, it } from 'vitest';
import {
  chatPromptTokens,
  countFamilyTokens,
  tokenizerFamily,
  TOKENIZER_FAMILIES,
  type ChatMessageLike,
} from '../../spec/tokenizer.js';

const COOKBOOK_EXAMPLE: ChatMessageLike[] = [
  {
    role: 'system',
    content: 'You are a helpful, pattern-following assistant that translates corporate jargon into plain English.',
  },
  { role: 'system', name: 'example_user', content: 'New synergies will help drive top-line growth.' },
  { role: 'system', name: 'example_assistant', content: 'Things working well together will increase revenue.' },
  {
    role: 'system',
    name: 'example_user',
    content: "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.",
  },
  {
    role: 'system',
    name: 'example_assistant',
    content: "Let's talk later when we're less busy about how to do better.",
  },
  { role: 'user', content: "This late pivot means we don't have time to boil the ocean for the client deliverable." },
];

describe('OpenAI tokenizer families', () => {
  it('maps OpenAI model ids (snapshots and an openai/ prefix too) to their tokenizer, and nothing else', () => {
    const o200k = ['gpt-4o', 'gpt-4o-mini', 'gpt-4o-2024-08-06', 'openai/gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-nano'];
    const o200kToo = ['gpt-5', 'gpt-5-mini', 'gpt-5.2', 'o1', 'o3-mini', 'o4-mini', 'GPT-4o'];
    for (const id of [...o200k, ...o200kToo]) expect(tokenizerFamily(id), id).toBe('o200k_base');
    for (const id of ['gpt-4', 'gpt-4-0613', 'gpt-4-32k', 'gpt-4-turbo', 'gpt-4-turbo-2024-04-09', 'gpt-3.5-turbo'])
      expect(tokenizerFamily(id), id).toBe('cl100k_base');
    const others = ['mock-model', 'claude-sonnet-4-6', 'deepseek/deepseek-v3.2', 'gpt-40', 'o1x', 'gpt-4.5-preview'];
    for (const id of others) expect(tokenizerFamily(id), id).toBeUndefined();
    expect(TOKENIZER_FAMILIES.length).toBeGreaterThan(0);
  });

  it("counts text as OpenAI's cookbook shows, special-token spellings as plain text", () => {
    expect(countFamilyTokens('o200k_base', 'お誕生日おめでとう')).toBe(8);
    expect(countFamilyTokens('cl100k_base', 'お誕生日おめでとう')).toBe(9);
    expect(countFamilyTokens('o200k_base', '')).toBe(0);
    expect(countFamilyTokens('o200k_base', 'a <|endoftext|> b')).toBeGreaterThan(3);
  });

  it("gives the prompt tokens OpenAI's API billed for the cookbook's example (124 for gpt-4o, 129 for gpt-4)", () => {
    expect(chatPromptTokens('o200k_base', COOKBOOK_EXAMPLE)).toBe(124);
    expect(chatPromptTokens('cl100k_base', COOKBOOK_EXAMPLE)).toBe(129);
  });

  it('adds 3 per message, the role, 1 per name and 3 for the reply; text parts count, other parts do not', () => {
    const hi = countFamilyTokens('o200k_base', 'hi');
    const user = countFamilyTokens('o200k_base', 'user');
    expect(chatPromptTokens('o200k_base', [])).toBe(3);
    expect(chatPromptTokens('o200k_base', [{ role: 'user', content: 'hi' }])).toBe(3 + 3 + user + hi);
    expect(chatPromptTokens('o200k_base', [{ role: 'user', content: 'hi', name: 'hi' }])).toBe(
      3 + 3 + user + 2 * hi + 1,
    );
    const parts = [
      { type: 'text', text: 'hi' },
      { type: 'image_url', image_url: { url: 'data:,' } },
    ];
    expect(chatPromptTokens('o200k_base', [{ role: 'user', content: parts }])).toBe(3 + 3 + user + hi);
  });
});
