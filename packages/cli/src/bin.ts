#!/usr/bin/env node
import { main } from './program.js';

const code = await main(process.argv);
// Temporal's native runtime keeps the event loop alive for seconds after every connection is closed; a one-shot
// command has nothing left to do once stdout is flushed.
process.stdout.write('', () => process.exit(code));
