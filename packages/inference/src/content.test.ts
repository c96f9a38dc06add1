// Content capture: the option's checks, redaction, and one budget of text across all messages.
import { ConfigError } from '@edgetrace/core';
import { describe, expect, it } from 'vitest';
import { type ContentCapture, instructionsAttribute, messagesAttribute, resolveCapture } from './content.js';
import { textMessage } from './protocols/types.js';

const capture = (maxLength: number, redact?: ContentCapture['redact']): ContentCapture => ({
  maxLength,
  redact,
});
const texts = (messages: { parts: { content: string }[] }[]) =>
  messages.map((m) => m.parts.map((p) => p.content));

describe('resolveCapture', () => {
  it('is off unless asked, and 4096 characters without redaction for true', () => {
    expect(resolveCapture(undefined)).toBeUndefined();
    expect(resolveCapture(false)).toBeUndefined();
    expect(resolveCapture(true)).toEqual({ maxLength: 4096, redact: undefined });
    const redact = (text: string) => text;
    expect(resolveCapture({ maxLength: 10, redact })).toEqual({ maxLength: 10, redact });
  });

  it('refuses a length that is not a whole number above zero, or a redact that is not a function', () => {
    for (const maxLength of [0, -1, 1.5, Number.POSITIVE_INFINITY, '100']) {
      expect(() => resolveCapture({ maxLength: maxLength as number })).toThrow(ConfigError);
      expect(() => resolveCapture({ maxLength: maxLength as number })).toThrow(
        `captureContent.maxLength must be a whole number > 0, got ${String(maxLength)}`,
      );
    }
    expect(() => resolveCapture({ redact: 'mask' as unknown as () => string })).toThrow(
      'captureContent.redact must be a function (text, role) => text',
    );
  });
});

describe('messagesAttribute', () => {
  it('keeps messages whole within the budget, in their order', () => {
    const messages = [textMessage('system', 'Be brief.'), textMessage('user', 'Hi')];
    expect(messagesAttribute(messages, capture(100))).toEqual(messages);
  });

  it('spends the budget on the latest messages first, marking the cut and leaving out the oldest', () => {
    const messages = [
      textMessage('system', 'oldest message'),
      textMessage('user', 'middle message'),
      textMessage('assistant', 'latest'),
    ];
    const kept = messagesAttribute(messages, capture(10));
    expect(kept.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(texts(kept)).toEqual([['midd…[truncated]'], ['latest']]);
  });

  it('redacts each text with its role before cutting, so the budget counts what is recorded', () => {
    const seen: string[] = [];
    const redact = (text: string, role: string) => {
      seen.push(role);
      return text.replace(/\S+@\S+/g, '<email>');
    };
    const kept = messagesAttribute([textMessage('user', 'mail a@example.com now')], capture(19, redact));
    expect(texts(kept)).toEqual([['mail <email> now']]);
    expect(seen).toEqual(['user']);
  });

  it('records a placeholder, never the text, when redaction throws', () => {
    const redact = () => {
      throw new Error('redactor bug');
    };
    expect(texts(messagesAttribute([textMessage('user', 'secret')], capture(100, redact)))).toEqual([
      ['[redaction failed]'],
    ]);
  });

  it('records what a redactor returns as text, even when it is not a string', () => {
    const redact = () => 42 as unknown as string;
    expect(texts(messagesAttribute([textMessage('user', 'x')], capture(100, redact)))).toEqual([['42']]);
  });

  it('never cuts a surrogate pair in half, so the recorded text stays well-formed', () => {
    // 'ab' and then U+1F600, two UTF-16 units: a cut at 3 would keep only its first half.
    const kept = messagesAttribute([textMessage('user', 'ab😀cd')], capture(3));
    expect(texts(kept)).toEqual([['ab…[truncated]']]);
    expect(instructionsAttribute([{ type: 'text', content: '😀😀' }], capture(3))).toEqual([
      { type: 'text', content: '😀…[truncated]' },
    ]);
  });

  it('does not change the messages it was given', () => {
    const messages = [textMessage('user', 'a long message')];
    messagesAttribute(messages, capture(3));
    expect(messages[0]?.parts[0]?.content).toBe('a long message');
  });
});

describe('instructionsAttribute', () => {
  it('bounds system instructions on their own budget, redacted with the system role', () => {
    const roles: string[] = [];
    const redact = (text: string, role: string) => {
      roles.push(role);
      return text.toUpperCase();
    };
    const parts = [{ type: 'text' as const, content: 'you are helpful' }];
    expect(instructionsAttribute(parts, capture(7, redact))).toEqual([
      { type: 'text', content: 'YOU ARE…[truncated]' },
    ]);
    expect(roles).toEqual(['system']);
  });
});
