// Worker entry: registers tsx so the worker can import the TypeScript stage code, then loads it.
import { register } from 'tsx/esm/api';
register();
await import('./worker.ts');
