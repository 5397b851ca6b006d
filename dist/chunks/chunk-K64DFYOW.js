import { createRequire as __cdgCreateRequire } from 'node:module'; const require = __cdgCreateRequire(import.meta.url);
import{__name}from"./chunk-UXGXIY3T.js";var UsageError=class extends Error{static{__name(this,"UsageError")}constructor(message){super(message),this.name="UsageError"}};export{UsageError};
