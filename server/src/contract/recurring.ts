import { z } from 'zod';

/** A job submitted again at every tick of a cron schedule in an IANA time zone. */
export const RecurringRequestSchema = z.strictObject({
  cron: z.string().min(9).max(120),
  time_zone: z.string().min(1).max(64).default('UTC'),
  /** The JobSpec submission made at each tick. */
  submission: z.record(z.string(), z.unknown()),
});
export type RecurringRequest = z.infer<typeof RecurringRequestSchema>;

export const RecurringViewSchema = z.object({
  id: z.number(),
  owner: z.string(),
  cron: z.string(),
  time_zone: z.string(),
  submission: z.record(z.string(), z.unknown()),
  last_fired_at: z.string(),
  next_at: z.string().nullable(),
  created_by: z.string(),
  created_at: z.string(),
});
export type RecurringView = z.infer<typeof RecurringViewSchema>;
