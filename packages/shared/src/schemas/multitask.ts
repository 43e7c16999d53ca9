import { z } from 'zod';

/**
 * What a start request does when a run of the same ticker and trade date is already active (pending or in
 * progress), as run-hosting APIs have it: `reject` answers 409 naming the active run, `enqueue` creates the new
 * run `pending` and begins it once every earlier active run of that ticker and date has finished, `allow`
 * starts it at once alongside (the default, and the behaviour before the field existed).
 */
export const MULTITASK_MODES = ['reject', 'enqueue', 'allow'] as const;
export const MultitaskSchema = z.enum(MULTITASK_MODES);
export type Multitask = z.infer<typeof MultitaskSchema>;
