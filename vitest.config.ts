import { defineConfig } from 'vitest/config';

// Threads without isolation: the suite is I/O-light and this is several times faster on two cores.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'threads',
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll waits up to 10 s (default 1 s): on two busy cores a WebSocket round trip can take longer.
    expect: { poll: { timeout: 10_000 } },
    reporters: ['default'],
  },
});
