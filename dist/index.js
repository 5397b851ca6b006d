import { createRequire as __cdgCreateRequire } from 'node:module'; const require = __cdgCreateRequire(import.meta.url);
import{__name}from"./chunks/chunk-RMU7F4PT.js";async function run(){throw new Error("the action flow is being built")}__name(run,"run");await run();
