// A node --test reporter for the Go harness's log: one line per test, todo
// tests marked as such with the reason they are not done yet (so the list
// of failures at the end holds only real failures), and a summary.
//
//   node --test --test-reporter=./lib/reporter.js test/

import { relative } from 'node:path';
import { inspect } from 'node:util';

function firstLine(err) {
  const cause = err?.cause ?? err;
  const text = cause?.message ?? String(cause);
  return `${cause?.name ?? 'Error'}: ${text.split('\n')[0]}`;
}

export default async function* reporter(source) {
  const counts = { pass: 0, fail: 0, todo: 0, todoPassing: 0, skipped: 0 };
  const failures = [];
  for await (const { type, data } of source) {
    if ((type !== 'test:pass' && type !== 'test:fail') || data.details?.type === 'suite') continue;
    if (data.nesting > 0) continue; // subtests are reported by their parent
    const where = data.file ? relative(process.cwd(), data.file) : '';
    const ms = Math.round(data.details?.duration_ms ?? 0);
    if (data.todo !== undefined) {
      const reason = typeof data.todo === 'string' ? data.todo : 'todo';
      if (type === 'test:pass') {
        counts.todoPassing++;
        yield `  TODO-PASSES ${data.name} (${where}, ${ms} ms): ${reason}; drop its todo\n`;
      } else {
        counts.todo++;
        yield `  todo  ${data.name} (${where}): ${reason}; now: ${firstLine(data.details?.error)}\n`;
      }
    } else if (data.skip !== undefined) {
      counts.skipped++;
      yield `  skip  ${data.name} (${where})\n`;
    } else if (type === 'test:pass') {
      counts.pass++;
      yield `  ok    ${data.name} (${where}, ${ms} ms)\n`;
    } else {
      counts.fail++;
      failures.push({ name: data.name, where, error: data.details?.error });
      yield `  FAIL  ${data.name} (${where}, ${ms} ms)\n`;
    }
  }
  for (const f of failures) {
    yield `\nFAIL ${f.name} (${f.where})\n${inspect(f.error?.cause ?? f.error, { depth: 4 })}\n`;
  }
  yield `\n${counts.pass} passed, ${counts.fail} failed, ${counts.todo} todo` +
    `${counts.todoPassing ? `, ${counts.todoPassing} todo passing` : ''}\n`;
}
