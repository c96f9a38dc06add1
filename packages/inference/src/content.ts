// Content capture, off by default: prompts and completions recorded as `gen_ai.input.messages`
// and `gen_ai.output.messages` in the conventions' shape, as structured values, each text passed through a redaction
// hook and the whole bounded, so a 10 MB prompt cannot make a 10 MB span.
// https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/
import { ConfigError } from '@edgetrace/core';
import { truncateString } from '@edgetrace/core/internal';
import type { Message } from './protocols/types.js';

export interface ContentCaptureOptions {
  /** Characters of text kept per attribute, across all its messages. @default 4096 */
  maxLength?: number;
  /** Rewrites each text before it is recorded (mask e-mail addresses, say). @default none */
  redact?: (text: string, role: string) => string;
}

export interface ContentCapture {
  readonly maxLength: number;
  readonly redact: ((text: string, role: string) => string) | undefined;
}

export function resolveCapture(
  option: boolean | ContentCaptureOptions | undefined,
): ContentCapture | undefined {
  if (option === undefined || option === false) return undefined;
  const { maxLength = 4096, redact } = option === true ? {} : option;
  if (!(Number.isInteger(maxLength) && maxLength > 0)) {
    throw new ConfigError(`captureContent.maxLength must be a whole number > 0, got ${String(maxLength)}`);
  }
  if (redact !== undefined && typeof redact !== 'function') {
    throw new ConfigError('captureContent.redact must be a function (text, role) => text');
  }
  return { maxLength, redact };
}

const TRUNCATED = '…[truncated]';

type Part = Message['parts'][number];

/** Redacts and cuts `parts` to what is left of the budget; returns them and the budget left. */
function boundParts(
  parts: readonly Part[],
  role: string,
  capture: ContentCapture,
  budget: number,
): [Part[], number] {
  let left = budget;
  const bounded = parts.map((part) => {
    let text = part.content;
    if (capture.redact !== undefined) {
      try {
        text = String(capture.redact(text, role));
      } catch {
        text = '[redaction failed]';
      }
    }
    // Cut as core cuts attribute strings: never between the halves of a surrogate pair.
    if (text.length > left) text = `${truncateString(text, left)}${TRUNCATED}`;
    left -= Math.min(left, text.length);
    return { type: part.type, content: text };
  });
  return [bounded, left];
}

/**
 * The messages as the attribute's structured value (the conventions' shape, recorded as an OTLP
 * `kvlistValue` list): redacted, then cut to `maxLength` characters of text in all — the latest
 * messages kept first, as they matter most.
 */
export function messagesAttribute(messages: readonly Message[], capture: ContentCapture): Message[] {
  let budget = capture.maxLength;
  const kept: Message[] = [];
  for (let i = messages.length - 1; i >= 0 && budget > 0; i--) {
    const message = messages[i] as Message;
    const [parts, left] = boundParts(message.parts, message.role, capture, budget);
    budget = left;
    kept.unshift({ ...message, parts });
  }
  return kept;
}

/** System instructions given apart from the messages, as `gen_ai.system_instructions`: a list of parts. */
export function instructionsAttribute(parts: readonly Part[], capture: ContentCapture): Part[] {
  return boundParts(parts, 'system', capture, capture.maxLength)[0];
}
