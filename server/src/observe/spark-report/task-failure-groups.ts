import type { TaskRecord } from './task-record.js';
import type { TaskFailureGroup } from './types.js';

/** Groups failed task attempts by end reason and message, so a thousand identical failures read as one line. */
export class TaskFailureGroups {
  private readonly groups = new Map<string, { group: TaskFailureGroup; stageIds: Set<number> }>();

  add(task: TaskRecord): void {
    const message = task.failureMessage ?? task.reason;
    const key = `${task.reason}\n${message}`;
    let entry = this.groups.get(key);
    if (!entry) {
      entry = { group: { reason: task.reason, message, count: 0, stageIds: [] }, stageIds: new Set() };
      this.groups.set(key, entry);
    }
    entry.group.count += 1;
    entry.stageIds.add(task.stageId);
  }

  /** Returns the groups, most frequent first and then by reason and message, so the order is stable. */
  list(): TaskFailureGroup[] {
    const groups = [...this.groups.values()].map(({ group, stageIds }) => ({
      ...group,
      stageIds: [...stageIds].sort((a, b) => a - b),
    }));
    return groups.sort(
      (a, b) => b.count - a.count || a.reason.localeCompare(b.reason) || a.message.localeCompare(b.message),
    );
  }
}
