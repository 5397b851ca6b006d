#!/usr/bin/env node
import { createRequire as __cdgCreateRequire } from 'node:module'; const require = __cdgCreateRequire(import.meta.url);
import{UsageError}from"./chunks/chunk-K64DFYOW.js";import{UserError}from"./chunks/chunk-2NYBHQ6C.js";import{__name}from"./chunks/chunk-UXGXIY3T.js";var commands={plan:{summary:"Show which deployment groups an event deploys to (touches nothing)",usage:`plan --config FILE --event push|workflow_dispatch|pull_request --ref REF [--pr N]
     [--pr-action opened|synchronize|reopened|closed] [--sha SHA] [--groups a,b] [--json]`,load:__name(()=>import("./chunks/plan-FALSX2YP.js"),"load")}};function help(){let lines=["codedeploy-gitops: turn git branches into AWS CodeDeploy deployments","","Usage: codedeploy-gitops <command> [options]","","Commands:"];for(let[name,spec]of Object.entries(commands))lines.push(`  ${name.padEnd(10)} ${spec.summary}`),lines.push(...spec.usage.split(`
`).map(line=>`      ${line}`)),lines.push("");return lines.push("Exit codes: 0 success or skip, 1 configuration or deployment error, 2 bad usage."),lines.push("Errors are printed as PATH:LINE:COL: message."),lines.join(`
`)}__name(help,"help");async function main(argv){let[name,...rest]=argv;if(name===void 0||name==="--help"||name==="-h"||name==="help")return process.stdout.write(`${help()}
`),name===void 0?2:0;let spec=commands[name];if(!spec)throw new UsageError(`unknown command "${name}"; run with --help to list the commands`);if(rest.includes("--help")||rest.includes("-h"))return process.stdout.write(`Usage: codedeploy-gitops ${spec.usage}
`),0;let{default:handler}=await spec.load();return handler(rest)}__name(main,"main");try{process.exitCode=await main(process.argv.slice(2))}catch(error){error instanceof UsageError?(process.stderr.write(`usage error: ${error.message}
`),process.exitCode=2):error instanceof UserError?(process.stderr.write(`${error.message}
`),process.exitCode=1):(process.stderr.write(`${error instanceof Error?error.stack??error.message:String(error)}
`),process.exitCode=1)}
