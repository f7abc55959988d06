import type { Generator } from '../plan.js'
import { answersRecord, ANSWERS_FILE } from '../answers-file.js'

/** Files about the project as a whole: settings, docs, ignore rules and the answers record. */
export const project: Generator = {
  id: 'project',
  applies: () => true,
  plan: (ctx, templates) => [
    // An existing app's own .env.example is its documentation: ours adds what it lacks.
    { to: '.env.example', template: 'project/_env.example.hbs', ...(ctx.retrofit ? { merge: 'env' as const } : {}) },
    { to: 'README.containers.md', template: 'project/README.containers.md.hbs' },
    // A new service gets the language's .gitignore; an existing repo keeps its own.
    ...(ctx.starter && templates.exists(`${ctx.language.id}/_gitignore`)
      ? [{ to: '.gitignore', template: `${ctx.language.id}/_gitignore` }]
      : []),
    { to: ANSWERS_FILE, content: answersRecord(ctx.answers, ctx.tool, ctx.retrofit ?? undefined) },
    // base.json (written beside the record) repeats every generated file: collapsed in reviews and diffs.
    { to: '.containerized/.gitattributes', content: 'base.json linguist-generated=true -diff\n' },
  ],
}
