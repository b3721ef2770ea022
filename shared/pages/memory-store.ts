// An in-memory PageStateStore: what the simulator and the tests use in place of DynamoDB.
import type { PageStateStore, SubjectState } from './types.ts';

export class MemoryPageStateStore implements PageStateStore {
  private readonly states = new Map<string, SubjectState>();

  async get(alarmName: string): Promise<SubjectState | undefined> {
    return this.states.get(alarmName);
  }

  async put(state: SubjectState): Promise<void> {
    this.states.set(state.alarmName, state);
  }

  async list(): Promise<SubjectState[]> {
    return [...this.states.values()];
  }
}
