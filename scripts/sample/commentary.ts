/**
 * The sample's commentary (`sample-data/commentary.yaml`): what the owners of the fictional Brackenfield
 * partnership wrote for the 2026/27 Q2 pack, in the format `boardpack commentary export --format yaml` writes,
 * so the demo's report cards and turn-the-curve pages carry a story, what works, partners and actions rather
 * than "No story has been recorded". The text follows the story in the data (readme.ts): CAMHS waits
 * lengthening, children in care falling, the perinatal vacancies, youth justice's late return.
 * Priorities and indicators without an entry keep the pack's "No story has been recorded".
 */
import { stringify } from 'yaml';

interface Entry { kind: 'priority' | 'indicator'; owner?: string; story: string; what_works?: string; partners?: string; actions?: string }

const REPORT_PERIOD = '2026-27-Q2';
const UPDATED = '2026-11-12';

const ENTRIES: Record<string, Entry> = {
  best_start: {
    kind: 'priority',
    story: 'Fewer mothers smoke at delivery than at any point since the strategy began, and take-up of funded places for two-year-olds keeps rising. Central carries most of the gap: low birth weight and smoking at delivery there remain well above the other localities.',
    actions: 'Extend the smoke-free pregnancy incentive scheme to all Central GP practices by March 2027 (Public Health). Family hub outreach to eligible two-year-olds not taking up a place, starting with Central and North (Early Years).',
  },
  adolescence: {
    kind: 'priority',
    story: 'Referrals to CAMHS keep rising while the share seen within four weeks has fallen since 2021/22. The youth justice service has not sent its 2026/27 Q2 return, so first-time entrants show as awaiting data.',
    actions: 'Joint CAMHS demand and capacity review with the ICB to report to the March 2027 board. Youth justice return chased by the board secretary; due by the end of November.',
  },
  supporting_schools: {
    kind: 'priority',
    story: 'Phonics and school readiness continue to improve, but more children are missing education and permanent exclusions have risen since 2021/22, most of them from Central secondary schools.',
    actions: 'Inclusion partnership with the four Central secondary heads to pilot a managed-move protocol from January 2027 (Education Inclusion).',
  },
  confident_parents: {
    kind: 'priority',
    story: 'Children in care per 10,000 have fallen steadily since 2021/22 as the edge-of-care team has grown, while child protection plans and parental conflict identified at assessment have risen.',
    actions: 'Domestic abuse and reducing parental conflict training for all early help practitioners by June 2027 (Early Help and Safeguarding Partnership).',
  },
  smoking_at_delivery: {
    kind: 'indicator',
    owner: 'Director of Public Health',
    story: 'On target this quarter. The fall since 2021/22 followed the opt-out referral of every pregnant smoker to the stop smoking service at booking.',
    what_works: 'Carbon monoxide screening at every antenatal contact; financial incentives for quitting, which national trials found doubled quit rates.',
    partners: 'Maternity services, the stop smoking service, GP practices, family hubs.',
    actions: 'Extend the incentive scheme to all Central practices (Public Health, March 2027).',
  },
  camhs_seen_within_4_weeks: {
    kind: 'indicator',
    owner: "ICB Head of Children's Mental Health Commissioning",
    story: 'Six in ten children referred are seen within four weeks, down from eight in ten in 2021/22. Referrals have grown faster than clinical capacity, and two of the four locality teams have carried vacancies all year.',
    what_works: 'Mental health support teams in schools take lower-level need out of the specialist queue; a single point of access with same-week triage.',
    partners: 'CAMHS, mental health support teams in schools, the voluntary sector counselling service, GP practices.',
    actions: 'Demand and capacity review (ICB, March 2027); recruit to the two vacant team leader posts (Trust, February 2027); extend school mental health support teams to eight more secondary schools (ICB, September 2027).',
  },
  parental_mental_health_improved: {
    kind: 'indicator',
    owner: 'ICB Head of Mental Health Commissioning',
    story: 'Too few parents were discharged this quarter to rate the figure: two perinatal practitioner posts were vacant from July, so the service discharged about two thirds of its usual number.',
    actions: 'Both posts recruited, starting in December 2026; waiting list reviewed weekly until then (Trust).',
  },
  children_in_care: {
    kind: 'indicator',
    owner: "Director of Children's Services",
    story: 'The rate has fallen steadily since 2021/22 (the comparison with statistical neighbours is beside the chart). The edge-of-care team supported 140 families in the last year; four in five children it worked with stayed at home.',
    what_works: 'Intensive family support at the edge of care; family group conferences before proceedings.',
    partners: "Children's social care, the edge-of-care team, Cafcass, the family courts.",
    actions: 'Keep the edge-of-care team at its current size in the 2027/28 budget (Children\'s Services).',
  },
  child_protection_plans: {
    kind: 'indicator',
    owner: "Director of Children's Services",
    story: 'Plans have risen since 2021/22, most of them for neglect and domestic abuse; the rise is steepest in Central.',
    actions: 'Multi-agency audit of plans lasting over 18 months, reporting to the safeguarding partnership in February 2027.',
  },
  parental_conflict: {
    kind: 'indicator',
    owner: 'Head of Early Help',
    story: 'More early help assessments identify parental conflict or domestic abuse. Some of the rise is better recording since the assessment form changed in 2023; some is real, and Central accounts for most of it.',
    what_works: 'Reducing parental conflict programmes for couples; early identification by health visitors.',
    partners: 'Early help, health visiting, domestic abuse services, schools.',
    actions: 'Train all early help practitioners in reducing parental conflict by June 2027 (Early Help).',
  },
};

/**
 * What locality leads wrote for their own packs (`run --each area`): Central's, where the gaps the partnership's
 * story names are widest. Other localities have none, so their packs say none was written.
 */
const AREA_ENTRIES: Record<string, Record<string, Entry>> = {
  central: {
    smoking_at_delivery: {
      kind: 'indicator',
      owner: 'Central locality lead (Public Health)',
      story: 'Central is still above the partnership target while the partnership as a whole meets it. Two of the five Central GP practices have not yet joined the incentive scheme, and booking appointments there come later in pregnancy.',
      partners: 'Central GP practices, the community midwifery team, the stop smoking service.',
      actions: 'Bring the remaining two Central practices into the incentive scheme (Public Health, January 2027).',
    },
    child_protection_plans: {
      kind: 'indicator',
      owner: 'Central locality social work manager',
      story: 'The highest rate of the four localities. Most new plans this year followed domestic abuse notifications from the police; a third of them were for families already known to early help.',
      actions: 'Weekly domestic abuse triage between the police, early help and social care in Central from December 2026 (Early Help).',
    },
  },
};

function entryYaml(e: Entry): Record<string, string> {
  return {
    kind: e.kind,
    ...(e.owner ? { owner: e.owner } : {}),
    report_period: REPORT_PERIOD,
    story: e.story,
    ...(e.what_works ? { what_works: e.what_works } : {}),
    ...(e.partners ? { partners: e.partners } : {}),
    ...(e.actions ? { actions: e.actions } : {}),
    updated: UPDATED,
  };
}

const entriesYaml = (entries: Record<string, Entry>) => Object.fromEntries(Object.entries(entries).map(([id, e]) => [id, entryYaml(e)]));

export function commentaryYaml(): string {
  const commentary = entriesYaml(ENTRIES);
  const areas = Object.fromEntries(Object.entries(AREA_ENTRIES).map(([area, entries]) => [area, entriesYaml(entries)]));
  return `# The owners' commentary for the 2026/27 Q2 pack (fictional, generated by scripts/sample/commentary.ts).
# \`boardpack commentary export --format yaml\` writes this file with every indicator and priority; owners fill in
# story, what_works, partners and actions. Entries left out print "No story has been recorded".
# \`areas: <locality>:\` holds a locality's own commentary, printed only in that locality's pack (\`run --each area\`).
${stringify({ commentary, areas }, { lineWidth: 0 })}`;
}
