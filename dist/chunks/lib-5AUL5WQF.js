import { createRequire as __cdgCreateRequire } from 'node:module'; const require = __cdgCreateRequire(import.meta.url);
import{Headers,HttpClient,HttpClientError,HttpClientResponse,HttpCodes,MediaTypes,getProxyUrl,isHttps}from"./chunk-UUXQFOMB.js";import"./chunk-UXGXIY3T.js";export{Headers,HttpClient,HttpClientError,HttpClientResponse,HttpCodes,MediaTypes,getProxyUrl,isHttps};
