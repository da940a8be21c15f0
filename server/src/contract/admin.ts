import { z } from 'zod';

/** An admin's booking of Heavy capacity for one team or one user over a window. */
export const ReservationRequestSchema = z
  .strictObject({
    team: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/)
      .optional(),
    owner: z
      .string()
      .regex(/^[A-Za-z0-9_.@-]{1,64}$/)
      .optional(),
    cores: z.number().positive().max(1_000_000),
    mem_gb: z.number().positive().max(100_000_000),
    starts_at: z.iso.datetime({ offset: true }),
    ends_at: z.iso.datetime({ offset: true }),
    note: z.string().max(500).optional(),
  })
  .refine((request) => (request.team === undefined) !== (request.owner === undefined), {
    message: 'a reservation is for exactly one team or one owner; give one of them',
    path: ['team'],
  })
  .refine((request) => Date.parse(request.ends_at) > Date.parse(request.starts_at), {
    message: 'ends_at must be after starts_at',
    path: ['ends_at'],
  });

export type ReservationRequest = z.infer<typeof ReservationRequestSchema>;

export const ReservationViewSchema = z.object({
  id: z.number(),
  team: z.string().nullable(),
  owner: z.string().nullable(),
  cores: z.number(),
  mem_gb: z.number(),
  starts_at: z.string(),
  ends_at: z.string(),
  note: z.string().nullable(),
  created_by: z.string(),
  created_at: z.string(),
});
export type ReservationView = z.infer<typeof ReservationViewSchema>;

/** The stored policy settings: only what differs from the defaults, plus a version for safe edits. */
export const PolicySettingsViewSchema = z.object({
  settings: z.record(z.string(), z.unknown()),
  effective: z.record(z.string(), z.unknown()),
  version: z.number(),
  updated_by: z.string().nullable(),
  updated_at: z.string().nullable(),
});
export type PolicySettingsView = z.infer<typeof PolicySettingsViewSchema>;

export const PolicySettingsRequestSchema = z.strictObject({
  settings: z.record(z.string(), z.unknown()),
  /** The version the editor read; the write is rejected with 409 if someone saved in between. */
  expected_version: z.int().min(0).optional(),
});
