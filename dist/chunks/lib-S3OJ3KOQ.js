import { createRequire as __cdgCreateRequire } from 'node:module'; const require = __cdgCreateRequire(import.meta.url);
import{a,b,c,d,e,f,g,h}from"./chunk-PDA22ZZM.js";import"./chunk-GE5ZQXZU.js";import"./chunk-A43OMO7R.js";export{b as Headers,h as HttpClient,e as HttpClientError,f as HttpClientResponse,a as HttpCodes,c as MediaTypes,d as getProxyUrl,g as isHttps};
