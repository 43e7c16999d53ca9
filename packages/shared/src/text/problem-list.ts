/** How many problems an error message lists before it only counts the rest. */
export const MAX_LISTED_PROBLEMS = 10;

/** Longest piece of a caller's own input an error message repeats back. */
const MAX_ECHOED_INPUT_CHARS = 60;

/**
 * Joins problems into one message part: the first `max` in order, then `and K more`. A request naming
 * thousands of bad values gets an answer of a few hundred bytes, not one line per value.
 */
export function listProblems(problems: readonly string[], max = MAX_LISTED_PROBLEMS, separator = '; '): string {
  if (problems.length <= max) return problems.join(separator);
  return `${problems.slice(0, max).join(separator)}${separator}and ${problems.length - max} more`;
}

/** A caller's input as an error message repeats it: JSON-quoted, cut to `max` characters with the full length named. */
export function echoInput(input: string, max = MAX_ECHOED_INPUT_CHARS): string {
  if (input.length <= max) return JSON.stringify(input);
  return `${JSON.stringify(input.slice(0, max))}… (${input.length} characters)`;
}
