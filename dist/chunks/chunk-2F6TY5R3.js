import { createRequire as __cdgCreateRequire } from 'node:module'; const require = __cdgCreateRequire(import.meta.url);
import{a as e}from"./chunk-A43OMO7R.js";function u(n){if(n<1024)return`${Math.round(n)} B`;let r=["KiB","MiB","GiB","TiB"],t=n/1024,i=0;for(;t>=1024&&i<r.length-1;)t/=1024,i++;return`${t<10?t.toFixed(1):Math.round(t)} ${r[i]}`}e(u,"formatBytes");export{u as a};
