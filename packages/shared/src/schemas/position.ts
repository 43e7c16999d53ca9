import { z } from 'zod';

const Price = z.number().positive().finite();

/**
 * The position a user already holds in an instrument. The trader and the portfolio manager take it into
 * account (maintain or close a long, open a short, …). `none` means flat.
 */
export const PositionSchema = z
  .object({
    side: z.enum(['none', 'long', 'short']).default('none'),
    entry_price: Price.optional(),
    quantity: z.number().positive().finite().optional(),
    stop_loss: Price.optional(),
    take_profit: Price.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.side === 'none') {
      for (const key of ['entry_price', 'stop_loss', 'take_profit', 'quantity'] as const) {
        if (p[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `${key} makes no sense without a position (side is none)` });
      }
      return;
    }
    if (p.entry_price === undefined) ctx.addIssue({ code: 'custom', path: ['entry_price'], message: `a ${p.side} position needs an entry_price` });
    const entry = p.entry_price;
    if (entry === undefined) return;
    const below = p.side === 'long' ? 'stop_loss' : 'take_profit';
    const above = p.side === 'long' ? 'take_profit' : 'stop_loss';
    if (p[below] !== undefined && p[below] >= entry) ctx.addIssue({ code: 'custom', path: [below], message: `for a ${p.side} position ${below} must be below the entry price` });
    if (p[above] !== undefined && p[above] <= entry) ctx.addIssue({ code: 'custom', path: [above], message: `for a ${p.side} position ${above} must be above the entry price` });
  });
export type Position = z.output<typeof PositionSchema>;
export const FLAT_POSITION: Position = { side: 'none' };
