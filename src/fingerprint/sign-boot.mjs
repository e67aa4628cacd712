// Worker entry when dedup runs from the TypeScript sources: registers tsx, then loads the worker.
import { register } from 'tsx/esm/api';
register();
await import('./sign-worker.ts');
