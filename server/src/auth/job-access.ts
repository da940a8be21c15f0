import type { Knex } from 'knex';
import { NO_TEAM, type Identity } from './identity.js';

/** Returns whether the caller may act on a job or recurring submission: its owner, a lead of its team, or an admin may. */
export function mayActOn(identity: Identity, owner: string, team: string): boolean {
  if (identity.role === 'admin') return true;
  if (owner === identity.user) return true;
  return identity.role === 'team_lead' && identity.team !== null && team === identity.team;
}

/** Builds the message of a 403 for a job or recurring submission the caller may not act on. */
export function notYoursMessage(what: string, owner: string, team: string, identity: Identity): string {
  return `${what} belongs to ${owner} of team ${team}; only its owner, a team_lead of team ${team} or an admin may act on it, and you are ${identity.user} with role ${identity.role}${identity.team === null ? '' : ` in team ${identity.team}`}.`;
}

/**
 * Limits a query on the `jobs` table to the jobs the caller may see. `ownerColumn` and
 * `teamColumn` name the columns, so the same rule applies to tables with an owner and a team.
 */
export function whereVisibleTo<T extends object>(
  query: Knex.QueryBuilder<T>,
  identity: Identity,
  ownerColumn = 'owner',
  teamColumn = 'team',
): Knex.QueryBuilder<T> {
  if (identity.role === 'admin') return query;
  if (identity.role === 'team_lead' && identity.team !== null) {
    const team = identity.team;
    return query.where((scope) => {
      void scope.where(ownerColumn, identity.user).orWhere(teamColumn, team);
    });
  }
  return query.where(ownerColumn, identity.user);
}

/**
 * Returns whether the caller may filter a list by `owner`. A user may ask only for their own jobs, while a
 * team lead's and an admin's lists are limited by `whereVisibleTo` anyway.
 */
export function mayFilterByOwner(identity: Identity, owner: string): boolean {
  return identity.role !== 'user' || owner === identity.user;
}

/** Returns the team of a stored JobSpec (a recurring submission's), which is the team its jobs get. */
export function submissionTeam(submission: unknown): string {
  const parsed: unknown = typeof submission === 'string' ? JSON.parse(submission) : submission;
  const team = typeof parsed === 'object' && parsed !== null ? (parsed as { team?: unknown }).team : undefined;
  return typeof team === 'string' ? team : NO_TEAM;
}
