import { createRequire as __cdgCreateRequire } from 'node:module'; const require = __cdgCreateRequire(import.meta.url);
import{a as r}from"./chunk-A43OMO7R.js";var e=class extends Error{static{r(this,"UsageError")}constructor(n){super(n),this.name="UsageError"}};export{e as a};
