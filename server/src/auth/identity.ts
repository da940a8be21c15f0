/** Roles, from least to most rights. A team lead also has a user's rights, an admin every right. */
export const ROLES = ['user', 'team_lead', 'admin'] as const;

export type Role = (typeof ROLES)[number];

/** The authenticated caller of one request. */
export interface Identity {
  user: string;
  role: Role;
  /** The team whose jobs a team lead may act on, and the team put on the caller's jobs; null for none. */
  team: string | null;
}

/** User names follow the JobSpec's owner rule, because a user's name becomes the owner of their jobs. */
export const USER_NAME_PATTERN = /^[A-Za-z0-9_.@-]{1,64}$/;

/** Team names follow the JobSpec's team rule. */
export const TEAM_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** The team recorded on the jobs of a caller who belongs to no team; it is the JobSpec's default. */
export const NO_TEAM = 'default';

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Maps an outside user name (a JupyterHub name) to a valid user name, as `owner_name` does in the Jupyter proxy. */
export function toUserName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_.@-]/g, '_').slice(0, 64);
  return cleaned === '' ? 'anonymous' : cleaned;
}
