import type { PromptFacts } from './read-prompt.js';

/**
 * What the offline model says about the "lessons from past decisions" it was shown: how many and the first
 * one's headline. Its rules decide from today's reports only, and it says so rather than pretend to learn.
 * Nothing when the prompt had no lessons section (memory off).
 */
export function lessonsNote(facts: PromptFacts): string[] {
  const lessons = facts.lessons;
  if (lessons === null) return [];
  if (lessons.count === 0) return ['', '### Lessons from past decisions', 'None yet: no earlier decision had reached its outcome date.'];
  return [
    '',
    '### Lessons from past decisions',
    `${lessons.count} lesson(s) read; first: ${lessons.first ?? 'no headline'}. ` +
      "The offline rules weigh only today's reports, so the lessons are noted, not applied.",
  ];
}
