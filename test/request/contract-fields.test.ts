import { describe, expect, it } from 'vitest';
import { loadProject } from '../../src/config/load.js';
import { dueDate } from '../../src/core/periods.js';
import { editFile, makeProject } from '../helpers/project.js';

describe('contract fields contact: and due_rule:', () => {
  it('are normalised: the contact as written, the due rule in days or working days', async () => {
    const root = await makeProject();
    editFile(root, 'boardpack.yaml', '    partner: Example NHS Trust\n',
      '    partner: Example NHS Trust\n    contact: { name: Asha Patel, email: asha.patel@example.nhs.uk }\n    due_rule: { working_days: 20 }\n');
    const res = await loadProject(root);
    expect(res.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const health = res.config!.sources.find((s) => s.id === 'health')!;
    expect(health.contact).toEqual({ name: 'Asha Patel', email: 'asha.patel@example.nhs.uk' });
    expect(health.dueRule).toEqual({ workingDays: 20 });
    // Without due_rule the allowance is lateness_days calendar days (default 45).
    expect(res.config!.sources.find((s) => s.id === 'schools')!.dueRule).toEqual({ days: 45 });
  });

  it('validate names a bad e-mail address and a due rule with both kinds, with their YAML paths', async () => {
    const root = await makeProject();
    editFile(root, 'boardpack.yaml', '    partner: Example NHS Trust\n',
      '    partner: Example NHS Trust\n    contact: { name: Asha Patel, email: asha.patel at nhs }\n    due_rule: { days: 10, working_days: 20 }\n');
    const res = await loadProject(root);
    const errors = res.problems.filter((p) => p.severity === 'error');
    expect(errors.find((p) => p.yamlPath === 'sources.health.contact.email')).toMatchObject({ value: 'asha.patel at nhs' });
    expect(errors.some((p) => p.yamlPath?.startsWith('sources.health.due_rule'))).toBe(true);
  });

  it('working days skip weekends and bank holidays (England and Wales)', () => {
    // 2026-12-31 is a Thursday; 1 Jan is a bank holiday, 2-3 Jan a weekend.
    expect(dueDate({ workingDays: 1 }, '2026-12-31')).toBe('2027-01-04');
    expect(dueDate({ days: 45 }, '2026-09-30')).toBe('2026-11-14');
    expect(dueDate({ workingDays: 20 }, '2026-09-30')).toBe('2026-10-28');
  });
});
