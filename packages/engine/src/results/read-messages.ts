import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RUN_FILES } from './run-files.js';

const LINE = /^\S+ \[([^\]\s]+)\] (.*)$/;

/**
 * Reads `message_tool.log` back into each agent's messages text (what a live run shows in its `messages`
 * nodes), for a resumed run. Line breaks were written as `\n`; they come back as real ones. A torn last line
 * (the process died mid-append) is dropped; a missing file is no messages.
 */
export async function readAgentMessages(dir: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(join(dir, RUN_FILES.messages), 'utf8');
  } catch {
    return Object.create(null) as Record<string, string>;
  }
  return parseAgentMessages(text);
}

/** Each agent's messages text from the content of `message_tool.log` (see {@link readAgentMessages}). */
export function parseAgentMessages(text: string): Record<string, string> {
  const lines = text.split('\n');
  lines.pop(); // the part after the last newline: empty, or a torn line
  // Keyed by what the file says: a damaged or edited line must not reach Object.prototype.
  const messages = Object.create(null) as Record<string, string>;
  for (const line of lines) {
    const match = LINE.exec(line);
    if (!match) continue;
    const [, agentId, body] = match as unknown as [string, string, string];
    messages[agentId] = `${messages[agentId] ?? ''}${body.replace(/\\n/g, '\n')}\n`;
  }
  return messages;
}
