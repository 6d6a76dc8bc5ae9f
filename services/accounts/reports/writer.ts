/**
 * Applies report operations to the store through a {@link SerialWriter}: one write in flight
 * per counter or list document, queued operations coalesced (see store/serial-writer.ts).
 */
import type { Store } from '../../../store/connection';
import { SerialWriter, type DocOp } from '../../../store/serial-writer';
import { REPORT_COUNTERS_COLLECTION, REPORT_LISTS_COLLECTION } from './model';
import type { OpTarget } from './ops';

export { conflicting } from '../../../store/serial-writer';

export class ReportWriter extends SerialWriter<OpTarget> {
  private readonly trackers = new Set<Set<string>>();

  constructor(store: Store) {
    super({
      counters: store.hubDb.collection(REPORT_COUNTERS_COLLECTION),
      lists: store.hubDb.collection(REPORT_LISTS_COLLECTION),
    });
  }

  /**
   * Collects the personal IDs removed from any NOT_REGISTERED (or NOT_REGISTERED_GROUPS) list from now until `stop()`
   * (the population refresh drops them from the lists it computed from an older snapshot).
   */
  trackRegistrations(): { ids: Set<string>; stop(): void } {
    const ids = new Set<string>();
    this.trackers.add(ids);
    return { ids, stop: () => this.trackers.delete(ids) };
  }

  protected override enqueue(op: DocOp<OpTarget>): Promise<void> {
    if (
      this.trackers.size &&
      op.target === 'lists' &&
      op.unset &&
      (op.id.startsWith('L|NOT_REGISTERED|') || op.id.startsWith('L|NOT_REGISTERED_GROUPS|'))
    ) {
      for (const path of op.unset) for (const t of this.trackers) t.add(path.slice(2));
    }
    return super.enqueue(op);
  }
}
