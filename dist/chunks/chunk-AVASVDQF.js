import { createRequire as __cdgCreateRequire } from 'node:module'; const require = __cdgCreateRequire(import.meta.url);
import{a as r}from"./chunk-A43OMO7R.js";function n(e,t){return`https://console.aws.amazon.com/codesuite/codedeploy/deployments/${e}?region=${t}`}r(n,"consoleUrl");function s(e){return`s3://${e.bucket}/${e.key}`}r(s,"s3Uri");export{n as a,s as b};
