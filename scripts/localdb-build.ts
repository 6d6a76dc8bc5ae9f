// Builds the embedded store (localdb/bin/localdb) if it is missing or stale.
import { ensureLocalDbBuilt } from '../store/localdb';

console.log(ensureLocalDbBuilt());
