/**
 * A readable message for anything thrown or rejected: an Error's message (its name when the message is
 * empty), a string as it is, anything else as JSON (or `String()` when it cannot be serialised).
 */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
