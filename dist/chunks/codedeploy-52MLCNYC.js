import { createRequire as __cdgCreateRequire } from 'node:module'; const require = __cdgCreateRequire(import.meta.url);
import{g as a,h as b,i as c}from"./chunk-MSMNHAFE.js";import"./chunk-VSX63J22.js";import"./chunk-SIFND5U7.js";import"./chunk-WJXVBAO7.js";import"./chunk-A43OMO7R.js";export{a as ACTIVE_STATUSES,c as CodeDeployGateway,b as createCodeDeployClient};
