#!/usr/bin/env node
import { createRequire as __cdgCreateRequire } from 'node:module'; const require = __cdgCreateRequire(import.meta.url);
import{a}from"./chunks/chunk-ENC5NVNJ.js";import{a as r}from"./chunks/chunk-2WOMEHZG.js";import{a as s}from"./chunks/chunk-A43OMO7R.js";var i={plan:{summary:"Show which deployment groups an event deploys to (touches nothing)",usage:`plan [--config CONFIG] [--event EVENT] --event-file FILE [--sha SHA] [--repo OWNER/NAME] [--groups a,b]
     [--changed a.ts,b/c.ts] [--json]
     (a saved GitHub event payload, planned as the action plans it; EVENT is guessed from its shape
      when not given; --sha and --repo stand in for GITHUB_SHA and GITHUB_REPOSITORY)
plan [--config CONFIG] --event EVENT --ref REF
     [--pr N] [--pr-action opened|synchronize|reopened|closed|\u2026] [--head-ref BRANCH] [--fork]
     [--sha SHA] [--repo OWNER/NAME] [--groups a,b] [--changed a.ts,b/c.ts] [--json]
     (REF: develop, refs/heads/\u2026, refs/tags/\u2026, or refs/pull/N/merge with --head-ref for the branch;
      workflow_run: a successful push run of branch REF; release: tag REF published; delete: REF deleted)
     EVENT: push, workflow_dispatch, pull_request, pull_request_target, workflow_run, release, delete
     (CONFIG: a config file, a folder of them (one application each), or several, comma-separated)
     (--changed: the files a push changed, checked against each config's paths)`,load:s(()=>import("./chunks/plan-XVPOTOFC.js"),"load")},validate:{summary:"Check the appspec.yml of the revision before anything is uploaded (touches nothing)",usage:`validate [--config FILE | --source DIR | --archive FILE [--bundle-type zip|tgz|tar]]
         (the config's revision: its folder, its pre-built archive (read, not unpacked),
          or with type github the checked-out commit as GitHub serves it)`,load:s(()=>import("./chunks/validate-DI4NQZPC.js"),"load")},bundle:{summary:"Build the revision archive locally (what would be uploaded), print its content digest",usage:`bundle [--config FILE] [--source DIR] [--bundle-type zip|tgz|tar] --out FILE [--json]
       (with revision.archive in the config: checks that archive and prints its digest;
        --out, optional then, copies it)`,load:s(()=>import("./chunks/bundle-H7QMUJTV.js"),"load")},local:{summary:"Rehearse a deployment of this folder on local instances (embedded S3 + local CodeDeploy)",usage:`local [--config FILE] (the map; default .github/codedeploy.yml, any path to it; a folder of
       them or several, comma-separated: every application is rehearsed)
      [--branch B] (the push to rehearse; default: the branch checked out here)
      [--event-file F [--event EVENT]] (a saved GitHub event instead; EVENT is guessed from its shape)
      [--instances N] (local instances per group, 1 to 200; default 2)
      [--wait 5m|false] (how long to follow each deployment; default: the map's wait)
      [--data DIR] (state, instances and S3 objects; default: a folder per workspace under the
       temp dir, kept between rehearsals, so ApplicationStop runs the last revision's scripts)
      Missing applications and groups are created on the local CodeDeploy; GitHub revisions
      (revision type github) come from this folder's .git. The hooks run on this
      machine as your user: rehearse as an ordinary user, not as root.`,load:s(()=>import("./chunks/local-J27653OB.js"),"load")},emulator:{summary:"Run the local CodeDeploy (and an embedded S3) for trying and testing without AWS",usage:`emulator --data DIR [--port N] [--s3-endpoint URL|aws] [--s3-port N] [--instances-per-group N]
         [--time-scale F] (minute timers of blue/green groups last F \xD7 60 s)
         [--realistic-timing] (deployments stay Created, then Queued, a few seconds)
         [--throttle RATE] (ThrottlingException past RATE API calls per second)
         [--github-repos DIR] (GitHub revisions of account/repo from the git repository DIR/account/repo)
         The web console is at http://HOST:PORT/console/.`,load:s(()=>import("./chunks/emulator-IIKAOFKD.js"),"load")}};function p(){let e=["codedeploy-gitops: turn git branches into AWS CodeDeploy deployments","","Usage: codedeploy-gitops <command> [options]","","Commands:"];for(let[t,o]of Object.entries(i))e.push(`  ${t.padEnd(10)} ${o.summary}`),e.push(...o.usage.split(`
`).map(n=>`      ${n}`)),e.push("");return e.push("Exit codes: 0 success or skip, 1 configuration or deployment error, 2 bad usage."),e.push("Errors are printed as PATH:LINE:COL: message."),e.join(`
`)}s(p,"help");async function c(e){let[t,...o]=e;if(t===void 0||t==="--help"||t==="-h"||t==="help")return process.stdout.write(`${p()}
`),t===void 0?2:0;let n=i[t];if(!n)throw new a(`unknown command "${t}"; run with --help to list the commands`);if(o.includes("--help")||o.includes("-h"))return process.stdout.write(`Usage: codedeploy-gitops ${n.usage}
`),0;let{default:d}=await n.load();return d(o)}s(c,"main");try{process.exitCode=await c(process.argv.slice(2))}catch(e){e instanceof a?(process.stderr.write(`usage error: ${e.message}
`),process.exitCode=2):e instanceof r?(process.stderr.write(`${e.message}
`),process.exitCode=1):(process.stderr.write(`${e instanceof Error?e.stack??e.message:String(e)}
`),process.exitCode=1)}
