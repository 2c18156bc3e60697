// Inputs: messages.developer_role and vision.image_url. Each sends one request; a second one
// is sent only when the first is not conclusive on its own (the instruction was not obeyed;
// the colour was not named), to tell "the relay dropped it" from "the model did not cooperate".
import { firstText, quote, readReply, unusable } from '../wire/read.js';
import {
  DEVELOPER_WORD,
  IMAGE_COLOUR,
  IMAGE_COLOUR_WORDS,
  WITH_IMAGE,
  WITHOUT_IMAGE,
  instructed,
} from '../wire/requests.js';
import { judgement, type Probe } from '../wire/types.js';

const obeyed = (text: string): boolean => text.toUpperCase().includes(DEVELOPER_WORD);

export const developerRole: Probe = {
  feature: 'messages.developer_role',
  needs: 'model',
  steps: [
    [{ label: 'developer', body: instructed('developer') }],
    (seen) => {
      const reply = readReply(seen['developer'], { stream: false });
      return reply.kind === 'ok' && !obeyed(firstText(reply.completion))
        ? [{ label: 'system', body: instructed('system') }]
        : [];
    },
  ],
  judge(seen) {
    const reply = readReply(seen['developer'], { stream: false });
    if (reply.kind !== 'ok') {
      const u = unusable(reply, 'a developer message');
      return judgement(u.verdict, u.summary, { warnings: u.warnings, decisive: 'developer' });
    }
    const text = firstText(reply.completion);
    if (obeyed(text))
      return judgement('supported', `the developer instruction was obeyed: ${quote(text, 40)}`, {
        decisive: 'developer',
      });
    const system = readReply(seen['system'], { stream: false });
    if (system.kind === 'ok' && obeyed(firstText(system.completion))) {
      return judgement(
        'ignored',
        `the developer instruction had no effect (${quote(text, 40)}) while the same as a system message was obeyed: developer messages are dropped`,
        { decisive: 'developer' },
      );
    }
    const why =
      system.kind === 'ok'
        ? `nor the same as a system message (${quote(firstText(system.completion), 40)})`
        : 'and the system-message comparison failed';
    return judgement('inconclusive', `the model obeyed neither the developer instruction (${quote(text, 40)}) ${why}`, {
      decisive: 'developer',
    });
  },
};

const same = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

export const visionImageUrl: Probe = {
  feature: 'vision.image_url',
  needs: 'vision-model',
  steps: [
    [{ label: 'with image', body: WITH_IMAGE }],
    (seen) => {
      const reply = readReply(seen['with image'], { stream: false });
      return reply.kind === 'ok' && !IMAGE_COLOUR_WORDS.test(firstText(reply.completion))
        ? [{ label: 'without image', body: WITHOUT_IMAGE }]
        : [];
    },
  ],
  judge(seen) {
    const reply = readReply(seen['with image'], { stream: false });
    if (reply.kind !== 'ok') {
      const u = unusable(reply, 'a message with a base64 image_url part');
      return judgement(u.verdict, u.summary, { warnings: u.warnings, decisive: 'with image' });
    }
    const text = firstText(reply.completion);
    if (IMAGE_COLOUR_WORDS.test(text))
      return judgement('supported', `the answer names the image's colour: ${quote(text, 40)}`, {
        decisive: 'with image',
      });
    const without = readReply(seen['without image'], { stream: false });
    if (without.kind === 'ok' && same(firstText(without.completion), text)) {
      return judgement(
        'ignored',
        `the answer ${quote(text, 40)} is the same without the image: the image part was dropped`,
        { decisive: 'with image' },
      );
    }
    const why =
      without.kind === 'ok' ? 'but differs from the answer without the image' : 'and the text-only comparison failed';
    return judgement(
      'inconclusive',
      `the answer ${quote(text, 40)} does not name the colour (${IMAGE_COLOUR}) ${why}: the model may not see images`,
      { decisive: 'with image' },
    );
  },
};
