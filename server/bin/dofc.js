#!/usr/bin/env node
// The compiled CLI; run "npm run build" in the checkout first.
import('../dist/cli/main.js');
