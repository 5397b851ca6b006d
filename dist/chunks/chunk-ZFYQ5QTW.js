import { createRequire as __cdgCreateRequire } from 'node:module'; const require = __cdgCreateRequire(import.meta.url);
import{e as i}from"./chunk-2WOMEHZG.js";import{a as t}from"./chunk-A43OMO7R.js";function f(g){let e="",o=t(r=>g.write(`${r.replace(/^/gm,e)}
`),"write");return{info:o,debug:t(()=>{},"debug"),warn:t(r=>o(typeof r=="string"?`warning: ${r}`:i(r)),"warn"),error:t(r=>o(typeof r=="string"?`error: ${r}`:i(r)),"error"),untrusted:t((r,n)=>o(`${r}
${n}`),"untrusted"),group:t(async(r,n)=>{o(r),e+="    ";try{return await n()}finally{e=e.slice(4)}},"group")}}t(f,"consoleLogger");function u(){return f(process.stderr)}t(u,"stderrLogger");export{f as a,u as b};
