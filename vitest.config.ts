import { defineConfig } from 'vitest/config';

// Two projects: everything under Node, and the renderer's component tests in happy-dom.
export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Two cores: keep the pool small so socket tests do not starve each other.
    maxWorkers: 2,
    // The JSON report gives .ci/run its closing "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['{main,shared,preload,renderer,tools,bench,scripts,e2e}/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'dom',
          include: ['renderer/**/*.test.tsx'],
          environment: 'happy-dom',
        },
      },
    ],
  },
});
