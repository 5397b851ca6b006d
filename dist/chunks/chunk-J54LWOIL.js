import { createRequire as __cdgCreateRequire } from 'node:module'; const require = __cdgCreateRequire(import.meta.url);
import{a as o}from"./chunk-A43OMO7R.js";function l(t){let n=new AbortController,r=o(e=>{n.signal.aborted||(t?.(e),n.abort())},"handle");return process.on("SIGINT",r),process.on("SIGTERM",r),n.signal}o(l,"abortOnSignals");export{l as a};
