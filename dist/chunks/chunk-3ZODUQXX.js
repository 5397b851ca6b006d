import { createRequire as __cdgCreateRequire } from 'node:module'; const require = __cdgCreateRequire(import.meta.url);
import{a as e}from"./chunk-A43OMO7R.js";var o=class extends Error{static{e(this,"Cancelled")}constructor(){super("the workflow was cancelled"),this.name="Cancelled"}};function t(r){if(r?.aborted)throw new o}e(t,"throwIfCancelled");var n=5e3;export{o as a,t as b,n as c};
