import { z } from 'zod';

/** What a webhook can be told about. `backtest.completed` only ever fires for backtests, the others for runs. */
export const WEBHOOK_EVENTS = ['run.completed', 'run.failed', 'run.canceled', 'backtest.completed'] as const;
export const WebhookEventSchema = z.enum(WEBHOOK_EVENTS);
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;

/** The events of a run (a start request's webhook defaults to all of them). */
export const RUN_WEBHOOK_EVENTS = ['run.completed', 'run.failed', 'run.canceled'] as const satisfies readonly WebhookEvent[];

/**
 * A webhook target URL: absolute http or https, at most 2048 characters. Whether its host may be a private
 * or loopback address is the server's decision (`WEBHOOK_ALLOW_PRIVATE`), not the schema's.
 */
export const WebhookUrlSchema = z
  .string()
  .max(2048, 'webhook url is longer than 2048 characters')
  .refine((text) => {
    try {
      const url = new URL(text);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'webhook url must be an absolute http:// or https:// URL');

/**
 * `webhook` on a start request: where to POST and which events. `events` absent = every event of the
 * resource (a run's three, or a backtest's `backtest.completed`).
 */
export const WebhookSubscriptionSchema = z
  .object({
    url: WebhookUrlSchema,
    events: z.array(WebhookEventSchema).min(1, 'webhook events: name at least one event').optional(),
  })
  .strict();
export type WebhookSubscription = z.output<typeof WebhookSubscriptionSchema>;

/** One try of a delivery. Exactly one of `status_code` (an HTTP answer) and `error` (no answer) is set. */
export const WebhookAttemptSchema = z.object({
  /** When the attempt started, ISO 8601. */
  at: z.string(),
  status_code: z.number().int().nullable(),
  error: z.string().nullable(),
  duration_ms: z.number().int(),
});
export type WebhookAttempt = z.infer<typeof WebhookAttemptSchema>;

export const WEBHOOK_OUTCOMES = ['pending', 'delivered', 'failed'] as const;
export const WebhookOutcomeSchema = z.enum(WEBHOOK_OUTCOMES);
export type WebhookOutcome = z.infer<typeof WebhookOutcomeSchema>;

/** One event sent to one target: the same `id` (the `webhook-id` header) on every attempt. */
export const WebhookDeliverySchema = z.object({
  id: z.string(),
  event: WebhookEventSchema,
  target: z.string(),
  outcome: WebhookOutcomeSchema,
  attempts: z.array(WebhookAttemptSchema),
  /** When the next attempt is due (ISO 8601), while pending. */
  next_attempt_at: z.string().nullable(),
  created_at: z.string(),
});
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

/** `GET /runs/:id/webhooks`. */
export const RunWebhooksResponseSchema = z.object({ run_id: z.string(), deliveries: z.array(WebhookDeliverySchema) });
/** `GET /backtests/:id/webhooks`. */
export const BacktestWebhooksResponseSchema = z.object({ backtest_id: z.string(), deliveries: z.array(WebhookDeliverySchema) });
