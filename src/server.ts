import { runServer } from './main';

// Process entry point (`npm start` through bin/server.js, `node dist/server.js` in the image).
runServer().catch((err) => {
  process.stderr.write(`Gatehouse failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
