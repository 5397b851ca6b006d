import { createRequire as __cdgCreateRequire } from 'node:module'; const require = __cdgCreateRequire(import.meta.url);
import{__name}from"./chunk-RMU7F4PT.js";var plan=__name(async()=>{throw new Error("plan is being built")},"plan"),plan_default=plan;export{plan_default as default};
