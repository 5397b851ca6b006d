import { createRequire as __cdgCreateRequire } from 'node:module'; const require = __cdgCreateRequire(import.meta.url);
var e=["zip","tgz","tar"];export{e as a};
