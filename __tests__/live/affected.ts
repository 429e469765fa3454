/**
 * The tests that read the live model (environments.yaml). Every other test reads fixture models of
 * its own, so a deliberate edit of the live model is followed by `npm run update` and by nothing
 * else; the acceptance tests of that flow (live/update-flow.test.ts) run their checks (checks.ts) on
 * a copy of the repository after the edit, and workflows.test.ts holds the workflow renderer to the
 * same contract for every fixture model. model-schema.test.ts checks that the live model names the
 * JSON Schema on its first line and that the schema accepts it (an edit keeps both true: `npm run
 * update` keeps the line). __tests__/live/update-flow.test.ts keeps this list true.
 */
export const LIVE_MODEL_TESTS = ["__tests__/live/live-model.test.ts", "__tests__/workflows/workflows.test.ts", "__tests__/model-schema.test.ts"] as const;
